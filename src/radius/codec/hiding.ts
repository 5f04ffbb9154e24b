import { randomBytes } from 'node:crypto';
import { RadiusDecodeError, RadiusDecodeErrorCode as E, RadiusEncodeError } from './errors.js';
import { Md5Input } from './md5.js';

// Attribute value hiding with the shared secret: User-Password (RFC 2865 §5.2) and the salted scheme shared
// by Tunnel-Password (RFC 2868 §3.5) and MS-MPPE-Send/Recv-Key (RFC 2548 §2.4.2). Every Access-Accept of an
// EAP method carries two MPPE keys (three MD5 blocks each): the hashing reuses one input buffer (md5.ts)
// instead of building a node:crypto hash per block.

const MAX_PASSWORD_LENGTH = 128;

const input = new Md5Input(512);
/** The current key-stream block b(i) = MD5(S + c(i-1)); cleared after each value. */
const pad = Buffer.alloc(16);

/**
 * out[outAt..outAt+n) = src[srcAt..srcAt+n) XOR the RFC 2865 chain: b(1) = MD5(S + iv + salt), b(i) = MD5(S + c(i-1)),
 * where c is the ciphertext (src when decrypting, out when encrypting). n is a multiple of 16. src and out may
 * be the same bytes when encrypting (each block is read before it is overwritten).
 */
function xorChain(src: Buffer, srcAt: number, n: number, secret: Buffer, iv: Buffer, salt: Buffer | undefined, out: Buffer, outAt: number, decrypt: boolean): void {
  const cipher = decrypt ? src : out;
  const cipherAt = decrypt ? srcAt : outAt;
  for (let i = 0; i < n; i += 16) {
    input.reset().push(secret);
    if (i === 0) {
      input.push(iv);
      if (salt) input.push(salt);
    } else {
      input.push(cipher, cipherAt + i - 16, cipherAt + i);
    }
    input.md5Into(pad, 0);
    for (let j = 0; j < 16; j++) out[outAt + i + j] = src[srcAt + i + j] ^ pad[j];
  }
  pad.fill(0);
}

function padTo16(data: Buffer): Buffer {
  const padded = Math.max(16, Math.ceil(data.length / 16) * 16);
  const out = Buffer.alloc(padded);
  data.copy(out);
  return out;
}

/** RFC 2865 §5.2: hides a password (≤128 octets) with the secret and the Request Authenticator. */
export function encryptUserPassword(password: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RadiusEncodeError('ERR_RADIUS_VALUE_TOO_LONG', `User-Password longer than ${MAX_PASSWORD_LENGTH} octets`);
  }
  const out = padTo16(password);
  xorChain(out, 0, out.length, secret, requestAuthenticator, undefined, out, 0, false);
  return out;
}

/** Reverses encryptUserPassword and strips the NUL padding. */
export function decryptUserPassword(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  if (value.length === 0 || value.length % 16 !== 0 || value.length > MAX_PASSWORD_LENGTH) {
    throw new RadiusDecodeError(E.BadValue, `User-Password of ${value.length} octets is not a multiple of 16 up to 128`);
  }
  const plain = Buffer.allocUnsafe(value.length);
  xorChain(value, 0, value.length, secret, requestAuthenticator, undefined, plain, 0, true);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return plain.subarray(0, end);
}

let saltCounter = randomBytes(2).readUInt16BE(0);

/**
 * A fresh salt: two octets, high bit set (required by both RFC 2868 and RFC 2548). The salts of one packet must be
 * unique and 15 random bits collide too often for that, so the other 15 bits count on from a random start: any
 * 32768 consecutive salts differ, far more than one packet can hold.
 */
export function randomSalt(): Buffer {
  saltCounter = (saltCounter + 1) & 0x7fff;
  const salt = Buffer.allocUnsafe(2);
  salt.writeUInt16BE(0x8000 | saltCounter);
  return salt;
}

/**
 * Salted encryption: returns Salt(2) | E(Length(1) | data | zero pad). Used for MS-MPPE-*-Key as is, and
 * for Tunnel-Password behind a tag octet. Salts must be unique per attribute within a packet.
 */
export function encryptSalted(data: Buffer, secret: Buffer, requestAuthenticator: Buffer, salt: Buffer = randomSalt()): Buffer {
  if (data.length > 250) throw new RadiusEncodeError('ERR_RADIUS_VALUE_TOO_LONG', 'salted value longer than 250 octets');
  const n = Math.ceil((data.length + 1) / 16) * 16;
  // Salt, then Length | data | zero pad, encrypted in place.
  const at = salt.length;
  const out = Buffer.alloc(at + n);
  salt.copy(out, 0);
  out[at] = data.length;
  data.copy(out, at + 1);
  xorChain(out, at, n, secret, requestAuthenticator, salt, out, at, false);
  return out;
}

/** Reverses encryptSalted. */
export function decryptSalted(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  const body = value.subarray(2);
  if (value.length < 18 || body.length % 16 !== 0) {
    throw new RadiusDecodeError(E.BadValue, `salted value of ${value.length} octets is malformed`);
  }
  const plain = Buffer.allocUnsafe(body.length);
  xorChain(body, 0, body.length, secret, requestAuthenticator, value.subarray(0, 2), plain, 0, true);
  const length = plain[0];
  if (length > plain.length - 1) throw new RadiusDecodeError(E.BadValue, 'salted value length octet exceeds the data');
  return plain.subarray(1, 1 + length);
}
