import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Secret } from '../log/secret.js';

/** A secret as the config writes it: inline text, `{env: VARIABLE}` or `{file: PATH}`. */
export type SecretSource = string | { env: string } | { file: string };

/**
 * Reads a secret from where the config says. A problem (unset variable, unreadable or empty file) is reported
 * through `problem` and gives an empty Secret; the message names the variable or file, never the value.
 */
export function resolveSecret(ref: SecretSource, baseDir: string, problem: (message: string) => void): Secret {
  if (typeof ref === 'string') return new Secret(ref, 'inline');
  if ('env' in ref) {
    const v = process.env[ref.env];
    if (v === undefined || v === '') problem(`environment variable ${ref.env} is not set or empty`);
    return new Secret(v ?? '', `env ${ref.env}`);
  }
  const path = resolve(baseDir, ref.file);
  try {
    const v = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (!v) problem(`secret file ${path} is empty`);
    return new Secret(v, `file ${path}`);
  } catch (err) {
    problem(`cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return new Secret('', `file ${path}`);
  }
}
