import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookAuth } from './config.js';
import type { Secret } from '../log/secret.js';

// Credentials a sender presents, compared in constant time: both sides are hashed first, so the comparison
// runs over equal-length digests whatever the lengths of the guess and the secret.

function digest(value: Buffer | string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time equality of a presented value and a secret. */
export function sameSecret(presented: string | Buffer | undefined, secret: Secret): boolean {
  const a = digest(presented ?? '');
  const b = digest(secret.reveal());
  // A missing value still costs a comparison, and an empty configured secret never matches.
  return timingSafeEqual(a, b) && presented !== undefined && secret.length > 0;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

export type AuthVerdict = { ok: true } | { ok: false; reason: string };

/** Checks Jamf's Basic or header authentication. The reason is safe to log (it never contains the values). */
export function checkWebhookAuth(headers: IncomingHttpHeaders, auth: WebhookAuth): AuthVerdict {
  if (auth.kind === 'header') {
    const v = header(headers, auth.name);
    if (v === undefined) return { ok: false, reason: `no ${auth.name} header` };
    return sameSecret(v, auth.value) ? { ok: true } : { ok: false, reason: `wrong ${auth.name} header value` };
  }
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header(headers, 'authorization') ?? '');
  if (!m) return { ok: false, reason: 'no Basic authorization' };
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // Both halves are compared every time (no early exit on a wrong user name).
  const userOk = timingSafeEqual(digest(user), digest(auth.username));
  const passwordOk = sameSecret(password, auth.password);
  return userOk && passwordOk ? { ok: true } : { ok: false, reason: userOk ? 'wrong Basic password' : 'unknown Basic user' };
}
