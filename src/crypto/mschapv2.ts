/**
 * MS-CHAPv2 (RFC 2759 §8): the NT-Response the peer proves its password with, and the
 * "S=…" authenticator response the server proves it knows the password with.
 *
 * Everything works from the 16-byte NT hash (MD4 of the UTF-16LE password), so admins may store
 * NT hashes instead of clear passwords. Pure and synchronous; needs `await initMd4()` once first.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { desEncrypt } from './des.js';
import { md4 } from './md4.js';

export const MSCHAPV2_CHALLENGE_LENGTH = 16;
export const NT_HASH_LENGTH = 16;
export const NT_RESPONSE_LENGTH = 24;
/** Length of the "S=<40 hex>" text. */
export const AUTHENTICATOR_RESPONSE_LENGTH = 42;

// RFC 2759 §8.7 constants (ASCII, no terminating NUL).
const MAGIC_SERVER_SIGNING = Buffer.from('Magic server to client signing constant', 'ascii');
const MAGIC_PAD = Buffer.from('Pad to make it do more than one iteration', 'ascii');

const BACKSLASH = 0x5c;

/**
 * Drops a Windows `DOMAIN\` prefix: RFC 2759 §4 computes the response over the account name only.
 * Cuts at the first backslash, as hostapd does.
 */
export function stripNtDomain(userName: string): string {
  const at = userName.indexOf('\\');
  return at < 0 ? userName : userName.slice(at + 1);
}

function userNameBytes(userName: string | Uint8Array): Buffer {
  if (typeof userName === 'string') return Buffer.from(stripNtDomain(userName), 'utf8');
  const at = userName.indexOf(BACKSLASH);
  return Buffer.from(at < 0 ? userName : userName.subarray(at + 1));
}

function requireLength(what: string, value: Uint8Array, length: number): void {
  if (value.length !== length) throw new RangeError(`${what} must be ${length} bytes, got ${value.length}`);
}

/**
 * RFC 2759 §8.2 ChallengeHash: SHA1(PeerChallenge ‖ AuthenticatorChallenge ‖ UserName)[0..8).
 * A `DOMAIN\` prefix on `userName` is removed here, so callers may pass the Name field as sent.
 */
export function challengeHash(
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: string | Uint8Array,
): Buffer {
  requireLength('PeerChallenge', peerChallenge, MSCHAPV2_CHALLENGE_LENGTH);
  requireLength('AuthenticatorChallenge', authenticatorChallenge, MSCHAPV2_CHALLENGE_LENGTH);
  return createHash('sha1')
    .update(peerChallenge)
    .update(authenticatorChallenge)
    .update(userNameBytes(userName))
    .digest()
    .subarray(0, 8);
}

/** RFC 2759 §8.3 NtPasswordHash: MD4 of the password in UTF-16LE (the "NT hash"). */
export function ntPasswordHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** RFC 2759 §8.4 HashNtPasswordHash: MD4 of the NT hash. */
export function hashNtPasswordHash(ntHash: Uint8Array): Buffer {
  requireLength('NT hash', ntHash, NT_HASH_LENGTH);
  return md4(ntHash);
}

/** RFC 2759 §8.5 ChallengeResponse: three DES blocks keyed by the NT hash zero-padded to 21 bytes. */
export function challengeResponse(challenge: Uint8Array, ntHash: Uint8Array): Buffer {
  requireLength('Challenge', challenge, 8);
  requireLength('NT hash', ntHash, NT_HASH_LENGTH);
  const zPasswordHash = Buffer.alloc(21);
  zPasswordHash.set(ntHash);
  return Buffer.concat([
    desEncrypt(challenge, zPasswordHash.subarray(0, 7)),
    desEncrypt(challenge, zPasswordHash.subarray(7, 14)),
    desEncrypt(challenge, zPasswordHash.subarray(14, 21)),
  ]);
}

/** RFC 2759 §8.1 GenerateNTResponse, from the NT hash (use `ntPasswordHash()` for a password). */
export function generateNtResponse(
  authenticatorChallenge: Uint8Array,
  peerChallenge: Uint8Array,
  userName: string | Uint8Array,
  ntHash: Uint8Array,
): Buffer {
  return challengeResponse(challengeHash(peerChallenge, authenticatorChallenge, userName), ntHash);
}

/** RFC 2759 §8.7 GenerateAuthenticatorResponse → "S=" followed by 40 upper-case hex digits. */
export function generateAuthenticatorResponse(
  ntHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: string | Uint8Array,
): string {
  requireLength('NT-Response', ntResponse, NT_RESPONSE_LENGTH);
  const digest = createHash('sha1')
    .update(hashNtPasswordHash(ntHash))
    .update(ntResponse)
    .update(MAGIC_SERVER_SIGNING)
    .digest();
  const challenge = challengeHash(peerChallenge, authenticatorChallenge, userName);
  const response = createHash('sha1').update(digest).update(challenge).update(MAGIC_PAD).digest();
  return `S=${response.toString('hex').toUpperCase()}`;
}

export interface NtResponseCheck {
  /** The account's NT hash (16 bytes), stored or computed with `ntPasswordHash()`. */
  ntHash: Uint8Array;
  /** The 16-byte challenge this server sent. */
  authenticatorChallenge: Uint8Array;
  /** The peer's values, straight from its Response packet. */
  peerChallenge: Uint8Array;
  userName: string | Uint8Array;
  ntResponse: Uint8Array;
}

export type NtResponseVerdict = { ok: true; authenticatorResponse: string } | { ok: false };

/**
 * Server side of RFC 2759: checks the peer's NT-Response in constant time and, when it matches,
 * returns the "S=…" text to send in the Success request. Peer-supplied values of the wrong size
 * give `{ ok: false }`; server-supplied ones (NT hash, own challenge) throw RangeError.
 */
export function verifyNtResponse(check: NtResponseCheck): NtResponseVerdict {
  requireLength('NT hash', check.ntHash, NT_HASH_LENGTH);
  requireLength('AuthenticatorChallenge', check.authenticatorChallenge, MSCHAPV2_CHALLENGE_LENGTH);
  if (
    check.peerChallenge.length !== MSCHAPV2_CHALLENGE_LENGTH ||
    check.ntResponse.length !== NT_RESPONSE_LENGTH
  ) {
    return { ok: false };
  }
  const expected = generateNtResponse(
    check.authenticatorChallenge,
    check.peerChallenge,
    check.userName,
    check.ntHash,
  );
  if (!timingSafeEqual(expected, check.ntResponse)) return { ok: false };
  return {
    ok: true,
    authenticatorResponse: generateAuthenticatorResponse(
      check.ntHash,
      check.ntResponse,
      check.peerChallenge,
      check.authenticatorChallenge,
      check.userName,
    ),
  };
}

/**
 * Peer side, RFC 2759 §8.8 CheckAuthenticatorResponse: does the server's "S=…" text prove it
 * knows the password? Constant-time over the 42 bytes; any other length is simply false.
 */
export function checkAuthenticatorResponse(
  ntHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  userName: string | Uint8Array,
  received: string,
): boolean {
  const expected = Buffer.from(
    generateAuthenticatorResponse(ntHash, ntResponse, peerChallenge, authenticatorChallenge, userName),
    'ascii',
  );
  const got = Buffer.from(received, 'utf8');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
