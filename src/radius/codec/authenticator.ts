import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hasZeroedRequestAuthenticator } from './codes.js';
import { ATTRIBUTE_HEADER_LENGTH, AUTHENTICATOR_LENGTH, Attr, HEADER_LENGTH } from './packet.js';

// Authenticators (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3) and Message-Authenticator (RFC 3579 §3.2).
// All functions work on the encoded bytes in place: nothing is re-encoded to sign or verify.

const ZERO16 = Buffer.alloc(16);

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
  const hmac = createHmac('md5', secret);
  hmac.update(raw.subarray(0, 4));
  hmac.update(headerAuthenticator);
  hmac.update(raw.subarray(HEADER_LENGTH, maOffset));
  hmac.update(ZERO16);
  hmac.update(raw.subarray(maOffset + 16));
  return hmac.digest();
}

/** Constant-time check of a received Message-Authenticator. */
export function verifyMessageAuthenticator(raw: Buffer, maOffset: number, secret: Buffer, headerAuthenticator: Buffer): boolean {
  if (maOffset < 0 || maOffset + 16 > raw.length) return false;
  const expected = computeMessageAuthenticator(raw, maOffset, secret, headerAuthenticator);
  return timingSafeEqual(expected, raw.subarray(maOffset, maOffset + 16));
}

/** The Authenticator field to use in the Message-Authenticator HMAC of a received request. */
export function requestHmacAuthenticator(raw: Buffer): Buffer {
  return hasZeroedRequestAuthenticator(raw[0]) ? ZERO16 : raw.subarray(4, HEADER_LENGTH);
}

/** MD5(Code|Id|Length|auth|Attributes|secret) with the Authenticator field taken as `auth`. */
function md5Authenticator(raw: Buffer, auth: Buffer, secret: Buffer): Buffer {
  return createHash('md5').update(raw.subarray(0, 4)).update(auth).update(raw.subarray(HEADER_LENGTH)).update(secret).digest();
}

/** Verifies an Accounting-, CoA- or Disconnect-Request's Request Authenticator (MD5 over a zeroed field). */
export function verifyZeroedRequestAuthenticator(raw: Buffer, secret: Buffer): boolean {
  if (raw.length < HEADER_LENGTH) return false;
  const expected = md5Authenticator(raw, ZERO16, secret);
  return timingSafeEqual(expected, raw.subarray(4, HEADER_LENGTH));
}

/** Verifies a reply's Response Authenticator against the request's authenticator. */
export function verifyResponseAuthenticator(raw: Buffer, requestAuthenticator: Buffer, secret: Buffer): boolean {
  if (raw.length < HEADER_LENGTH) return false;
  const expected = md5Authenticator(raw, requestAuthenticator, secret);
  return timingSafeEqual(expected, raw.subarray(4, HEADER_LENGTH));
}

/** Signs an encoded reply in place: Message-Authenticator (if present) first, then the Response Authenticator. */
export function signResponse(buf: Buffer, requestAuthenticator: Buffer, secret: Buffer): Buffer {
  const maOffset = findAttributeOffset(buf, Attr.MessageAuthenticator);
  if (maOffset >= 0) computeMessageAuthenticator(buf, maOffset, secret, requestAuthenticator).copy(buf, maOffset);
  md5Authenticator(buf, requestAuthenticator, secret).copy(buf, 4);
  return buf;
}

/**
 * Signs an encoded Accounting-, CoA- or Disconnect-Request in place: the Message-Authenticator is computed
 * with a zeroed Authenticator field, then the Request Authenticator = MD5 over the zeroed field.
 */
export function signZeroedRequest(buf: Buffer, secret: Buffer): Buffer {
  const maOffset = findAttributeOffset(buf, Attr.MessageAuthenticator);
  if (maOffset >= 0) computeMessageAuthenticator(buf, maOffset, secret, ZERO16).copy(buf, maOffset);
  md5Authenticator(buf, ZERO16, secret).copy(buf, 4);
  return buf;
}

/** Signs an Access-Request / Status-Server in place: its random authenticator is already in the header. */
export function signAccessRequest(buf: Buffer, secret: Buffer): Buffer {
  const maOffset = findAttributeOffset(buf, Attr.MessageAuthenticator);
  if (maOffset >= 0) computeMessageAuthenticator(buf, maOffset, secret, buf.subarray(4, HEADER_LENGTH)).copy(buf, maOffset);
  return buf;
}

/** A Message-Authenticator placeholder to put FIRST in a reply (BlastRADIUS) before signing. */
export function messageAuthenticatorPlaceholder(): { type: number; value: Buffer } {
  return { type: Attr.MessageAuthenticator, value: Buffer.alloc(16) };
}
