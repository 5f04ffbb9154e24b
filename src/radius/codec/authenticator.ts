import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hasZeroedRequestAuthenticator } from './codes.js';
import { HmacMd5Key, Md5Input } from './md5.js';
import { ATTRIBUTE_HEADER_LENGTH, AUTHENTICATOR_LENGTH, Attr, HEADER_LENGTH } from './packet.js';

// Authenticators (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3) and Message-Authenticator (RFC 3579 §3.2).
// All functions work on the encoded bytes in place: nothing is re-encoded to sign or verify. The hashing
// uses one reusable input buffer and per-secret HMAC pads (md5.ts): no allocation per packet.

const ZERO16 = Buffer.alloc(16);
const input = new Md5Input();
/** Where verify* computes the expected value and copies the received one for the constant-time compare. */
const expected = Buffer.alloc(16);
const received = Buffer.alloc(16);

/** timingSafeEqual of `expected` and raw[at..at+16), without making a view per packet. */
function receivedEquals(raw: Buffer, at: number): boolean {
  raw.copy(received, 0, at, at + 16);
  return timingSafeEqual(expected, received);
}

// HMAC pads per secret. Keyed by the Buffer (a client's Secret hands out the same one); the copy guards
// against a caller that reuses a Buffer for another secret.
const hmacKeys = new WeakMap<Buffer, { secret: Buffer; key: HmacMd5Key }>();

/** Byte comparison in JS: for a secret of a few dozen bytes, cheaper than a call into Buffer.equals. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hmacKey(secret: Buffer): HmacMd5Key {
  const hit = hmacKeys.get(secret);
  if (hit && sameBytes(hit.secret, secret)) return hit.key;
  const key = new HmacMd5Key(secret);
  hmacKeys.set(secret, { secret: Buffer.from(secret), key });
  return key;
}

/** A fresh random Request Authenticator for an Access-Request or Status-Server. */
export function randomAuthenticator(): Buffer {
  return randomBytes(AUTHENTICATOR_LENGTH);
}

/** Offset of the value of the first attribute of `type` in an encoded packet, or -1. */
export function findAttributeOffset(buf: Buffer, type: number): number {
  const length = buf.readUInt16BE(2);
  let offset = HEADER_LENGTH;
  while (offset + ATTRIBUTE_HEADER_LENGTH <= length) {
    const attrLength = buf[offset + 1];
    if (attrLength < ATTRIBUTE_HEADER_LENGTH) return -1;
    if (buf[offset] === type) return offset + ATTRIBUTE_HEADER_LENGTH;
    offset += attrLength;
  }
  return -1;
}

/**
 * HMAC-MD5 over the packet with the Message-Authenticator value taken as 16 zero octets and the
 * Authenticator field taken as `headerAuthenticator` (the packet's own for Access-Request, the request's for
 * responses, zeros for Accounting/CoA/Disconnect requests).
 */
export function computeMessageAuthenticator(raw: Buffer, maOffset: number, secret: Buffer, headerAuthenticator: Buffer): Buffer {
  const out = Buffer.allocUnsafe(16);
  messageAuthenticatorInto(raw, maOffset, secret, headerAuthenticator, out, 0);
  return out;
}

function messageAuthenticatorInto(raw: Buffer, maOffset: number, secret: Buffer, headerAuthenticator: Buffer, out: Buffer, outOffset: number): void {
  input.reset().push(raw, 0, 4).push(headerAuthenticator).push(raw, HEADER_LENGTH, maOffset).pushZeros(16).push(raw, maOffset + 16);
  input.hmacInto(hmacKey(secret), out, outOffset);
}

/** Constant-time check of a received Message-Authenticator. */
export function verifyMessageAuthenticator(raw: Buffer, maOffset: number, secret: Buffer, headerAuthenticator: Buffer): boolean {
  if (maOffset < 0 || maOffset + 16 > raw.length) return false;
  messageAuthenticatorInto(raw, maOffset, secret, headerAuthenticator, expected, 0);
  return receivedEquals(raw, maOffset);
}

/** The Authenticator field to use in the Message-Authenticator HMAC of a received request. */
export function requestHmacAuthenticator(raw: Buffer): Buffer {
  return hasZeroedRequestAuthenticator(raw[0]) ? ZERO16 : raw.subarray(4, HEADER_LENGTH);
}

/** MD5(Code|Id|Length|auth|Attributes|secret) with the Authenticator field taken as `auth`, into out[outOffset]. */
function md5AuthenticatorInto(raw: Buffer, auth: Buffer, secret: Buffer, out: Buffer, outOffset: number): void {
  input.reset().push(raw, 0, 4).push(auth).push(raw, HEADER_LENGTH).push(secret);
  input.md5Into(out, outOffset);
}

/** Verifies an Accounting-, CoA- or Disconnect-Request's Request Authenticator (MD5 over a zeroed field). */
export function verifyZeroedRequestAuthenticator(raw: Buffer, secret: Buffer): boolean {
  if (raw.length < HEADER_LENGTH) return false;
  md5AuthenticatorInto(raw, ZERO16, secret, expected, 0);
  return receivedEquals(raw, 4);
}

/** Verifies a reply's Response Authenticator against the request's authenticator. */
export function verifyResponseAuthenticator(raw: Buffer, requestAuthenticator: Buffer, secret: Buffer): boolean {
  if (raw.length < HEADER_LENGTH) return false;
  md5AuthenticatorInto(raw, requestAuthenticator, secret, expected, 0);
  return receivedEquals(raw, 4);
}

/** Signs an encoded reply in place: Message-Authenticator (if present) first, then the Response Authenticator. */
export function signResponse(buf: Buffer, requestAuthenticator: Buffer, secret: Buffer): Buffer {
  const maOffset = findAttributeOffset(buf, Attr.MessageAuthenticator);
  if (maOffset >= 0) messageAuthenticatorInto(buf, maOffset, secret, requestAuthenticator, buf, maOffset);
  md5AuthenticatorInto(buf, requestAuthenticator, secret, buf, 4);
  return buf;
}

/**
 * Signs an encoded Accounting-, CoA- or Disconnect-Request in place: the Message-Authenticator is computed
 * with a zeroed Authenticator field, then the Request Authenticator = MD5 over the zeroed field.
 */
export function signZeroedRequest(buf: Buffer, secret: Buffer): Buffer {
  const maOffset = findAttributeOffset(buf, Attr.MessageAuthenticator);
  if (maOffset >= 0) messageAuthenticatorInto(buf, maOffset, secret, ZERO16, buf, maOffset);
  md5AuthenticatorInto(buf, ZERO16, secret, buf, 4);
  return buf;
}

/** Signs an Access-Request / Status-Server in place: its random authenticator is already in the header. */
export function signAccessRequest(buf: Buffer, secret: Buffer): Buffer {
  const maOffset = findAttributeOffset(buf, Attr.MessageAuthenticator);
  if (maOffset >= 0) messageAuthenticatorInto(buf, maOffset, secret, buf.subarray(4, HEADER_LENGTH), buf, maOffset);
  return buf;
}

/** A Message-Authenticator placeholder to put FIRST in a reply (BlastRADIUS) before signing. */
export function messageAuthenticatorPlaceholder(): { type: number; value: Buffer } {
  return { type: Attr.MessageAuthenticator, value: Buffer.alloc(16) };
}
