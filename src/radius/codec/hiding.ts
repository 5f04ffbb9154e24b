import { createHash, randomBytes } from 'node:crypto';
import { RadiusDecodeError, RadiusDecodeErrorCode as E, RadiusEncodeError } from './errors.js';

// Attribute value hiding with the shared secret: User-Password (RFC 2865 §5.2) and the salted scheme shared
// by Tunnel-Password (RFC 2868 §3.5) and MS-MPPE-Send/Recv-Key (RFC 2548 §2.4.2).

const MAX_PASSWORD_LENGTH = 128;

function xorChain(data: Buffer, secret: Buffer, iv: Buffer, decrypt: boolean): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  let previous = iv;
  for (let i = 0; i < data.length; i += 16) {
    const b = createHash('md5').update(secret).update(previous).digest();
    for (let j = 0; j < 16; j++) out[i + j] = data[i + j] ^ b[j];
    previous = decrypt ? data.subarray(i, i + 16) : out.subarray(i, i + 16);
  }
  return out;
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
  return xorChain(padTo16(password), secret, requestAuthenticator, false);
}

/** Reverses encryptUserPassword and strips the NUL padding. */
export function decryptUserPassword(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  if (value.length === 0 || value.length % 16 !== 0 || value.length > MAX_PASSWORD_LENGTH) {
    throw new RadiusDecodeError(E.BadValue, `User-Password of ${value.length} octets is not a multiple of 16 up to 128`);
  }
  const plain = xorChain(value, secret, requestAuthenticator, true);
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
  const plain = Buffer.alloc(Math.ceil((data.length + 1) / 16) * 16);
  plain[0] = data.length;
  data.copy(plain, 1);
  const iv = Buffer.concat([requestAuthenticator, salt]);
  return Buffer.concat([salt, xorChain(plain, secret, iv, false)]);
}

/** Reverses encryptSalted. */
export function decryptSalted(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer {
  const body = value.subarray(2);
  if (value.length < 18 || body.length % 16 !== 0) {
    throw new RadiusDecodeError(E.BadValue, `salted value of ${value.length} octets is malformed`);
  }
  const plain = xorChain(body, secret, Buffer.concat([requestAuthenticator, value.subarray(0, 2)]), true);
  const length = plain[0];
  if (length > plain.length - 1) throw new RadiusDecodeError(E.BadValue, 'salted value length octet exceeds the data');
  return plain.subarray(1, 1 + length);
}
