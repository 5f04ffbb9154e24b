/**
 * Local user credentials for the inner methods (TTLS/PAP, PEAP/MSCHAPv2) and plain RADIUS PAP.
 *
 * A user may have a clear password, a bcrypt hash (PAP only: bcrypt cannot give the NT hash
 * MSCHAPv2 needs), and/or an NT hash (MSCHAPv2, and PAP by hashing what the peer sent, as
 * FreeRADIUS does). Values here are key material: never log them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { isMd4Ready } from '../crypto/md4.js';
import { NT_HASH_LENGTH, ntPasswordHash } from '../crypto/mschapv2.js';

export interface InnerCredentials {
  /** Clear-text password. */
  password?: Buffer;
  /** MD4 of the UTF-16LE password (16 octets). */
  ntHash?: Buffer;
  /** bcrypt hash ($2a$/$2b$/$2y$). */
  passwordHash?: string;
}

/** Where the inner methods find a user; `undefined` = no such user. Must not throw. */
export interface CredentialStore {
  lookup(name: string): InnerCredentials | undefined;
}

export const NO_CREDENTIALS: CredentialStore = { lookup: () => undefined };

/** bcrypt's modular-crypt form: $2b$<cost>$<22 salt + 31 hash chars>. */
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
export const BCRYPT_COST_RANGE = { min: 4, max: 14 } as const;

/** Why a configured password_hash cannot be used, or undefined when it can. */
export function passwordHashProblem(hash: string): string | undefined {
  const m = BCRYPT_HASH.exec(hash);
  if (m) {
    const cost = Number(m[1]);
    if (cost < BCRYPT_COST_RANGE.min || cost > BCRYPT_COST_RANGE.max) {
      // bcrypt doubles its work per step: cost 10 is ~75 ms of CPU per login here, 14 over a second.
      return `bcrypt cost ${cost} is outside ${BCRYPT_COST_RANGE.min}..${BCRYPT_COST_RANGE.max} (each step doubles the CPU time of every login; 10–12 is usual)`;
    }
    return undefined;
  }
  const scheme = /^\$([0-9a-z]+)\$/.exec(hash)?.[1];
  const known: Record<string, string> = { '1': 'MD5-crypt ($1$)', '5': 'SHA-256-crypt ($5$)', '6': 'SHA-512-crypt ($6$)', argon2i: 'argon2', argon2d: 'argon2', argon2id: 'argon2', y: 'yescrypt ($y$)' };
  const what = scheme !== undefined ? known[scheme] : undefined;
  const hint = 'use a bcrypt hash ($2b$…, e.g. from `htpasswd -nbBC 10 USER PASSWORD`), a password, or an nt_hash';
  if (what) return `${what} hashes are not supported; ${hint}`;
  return `not a bcrypt hash ($2a$/$2b$/$2y$, 60 characters); ${hint}`;
}

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

const OK: PasswordVerdict = { ok: true };
const WRONG: PasswordVerdict = { ok: false, reason: 'wrong password' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Constant-time for any lengths: compare digests, not the secrets. */
function equalSecret(a: Uint8Array, b: Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Checks a clear-text password the peer sent (PAP) against whatever the user has. */
export async function verifyPapPassword(creds: InnerCredentials, password: Uint8Array): Promise<PasswordVerdict> {
  if (creds.password) return equalSecret(password, creds.password) ? OK : WRONG;
  if (creds.passwordHash) {
    if (passwordHashProblem(creds.passwordHash)) return { ok: false, reason: 'the stored password_hash is not a usable bcrypt hash' };
    // bcrypt works on text; two different invalid byte strings must not decode to the same one.
    const text = decodeUtf8(password);
    if (text === undefined) return WRONG;
    return (await bcrypt.compare(text, creds.passwordHash)) ? OK : WRONG;
  }
  if (creds.ntHash) {
    if (!isMd4Ready()) return { ok: false, reason: 'MD4 is not initialised; cannot check a password against an nt_hash' };
    const text = decodeUtf8(password);
    if (text === undefined) return WRONG;
    return equalSecret(ntPasswordHash(text), creds.ntHash) ? OK : WRONG;
  }
  return { ok: false, reason: 'user has no password' };
}

export type NtHashLookup = { ok: true; ntHash: Buffer } | { ok: false; reason: string };

/** The NT hash MSCHAPv2 needs: the stored one, else computed from the clear password. */
export function ntHashFor(creds: InnerCredentials): NtHashLookup {
  if (creds.ntHash) {
    if (creds.ntHash.length !== NT_HASH_LENGTH) return { ok: false, reason: 'the stored nt_hash is not 16 octets' };
    return { ok: true, ntHash: creds.ntHash };
  }
  if (creds.password) {
    const text = decodeUtf8(creds.password);
    if (text === undefined) return { ok: false, reason: 'the stored password is not valid UTF-8' };
    return { ok: true, ntHash: ntPasswordHash(text) };
  }
  if (creds.passwordHash) return { ok: false, reason: 'user has only a password_hash; MSCHAPv2 needs a clear password or an nt_hash' };
  return { ok: false, reason: 'user has no password' };
}

/**
 * Finds a user by the name the peer gave; a Windows `DOMAIN\user` that is not listed as such is
 * looked up as `user`. Returns the name that matched.
 */
export function lookupUser(store: CredentialStore, name: string): { name: string; creds: InnerCredentials } | undefined {
  const exact = store.lookup(name);
  if (exact) return { name, creds: exact };
  const at = name.indexOf('\\');
  if (at < 0) return undefined;
  const bare = name.slice(at + 1);
  const creds = store.lookup(bare);
  return creds ? { name: bare, creds } : undefined;
}
