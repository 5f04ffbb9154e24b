import { createHash } from 'node:crypto';
import { Secret } from '../log/secret.js';

/**
 * Whether two parsed config sections are the same, secrets included: a reload must notice a changed webhook
 * password although JSON prints every Secret as "[redacted]". The secret's digest exists only inside the
 * comparison, never in a log.
 */
export function sameSettings(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // JSON.stringify has already applied Secret.toJSON to `v`; the holder still has the Secret itself.
    const raw = this[key];
    return raw instanceof Secret ? `secret:${createHash('sha256').update(raw.reveal()).digest('hex')}` : v;
  });
}
