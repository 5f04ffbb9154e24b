/**
 * EAP-TTLSv0 Diameter AVP codec (RFC 5281 §10.1), for the data inside the TLS tunnel.
 *
 *   Code (4) | Flags V M r r r r r r (1) | Length (3) | [Vendor-ID (4) if V] | Data | pad to 4
 *
 * Length covers the header and data but not the padding. RADIUS attributes map to codes 1–255
 * with no vendor (RFC 5281 §10). Pure functions over Buffers; decode errors are TtlsAvpError.
 */

export const AVP_FLAG_VENDOR = 0x80;
export const AVP_FLAG_MANDATORY = 0x40;
/** Code(4) + Flags(1) + Length(3). */
export const AVP_HEADER_LENGTH = 8;
const VENDOR_ID_LENGTH = 4;
const MAX_AVP_LENGTH = 0xffffff;

/** Caps on what one tunnel record may carry: a peer cannot make us loop or allocate without bound. */
export const AVP_LIMITS = { maxInputBytes: 64 * 1024, maxAvps: 256 } as const;

/** AVP codes TTLS uses (RADIUS attribute numbers, vendor 0). */
export const AvpCode = {
  UserName: 1,
  UserPassword: 2,
  ReplyMessage: 18,
  EapMessage: 79,
} as const;

export interface DiameterAvp {
  code: number;
  /** Present iff the V flag is set. */
  vendorId?: number;
  mandatory: boolean;
  data: Buffer;
}

const ERROR_TEXT = {
  ERR_TTLS_AVP_INPUT_TOO_LARGE: 'AVP data exceeds the size limit',
  ERR_TTLS_AVP_TOO_MANY: 'too many AVPs',
  ERR_TTLS_AVP_TRUNCATED_HEADER: 'truncated AVP header',
  ERR_TTLS_AVP_BAD_LENGTH: 'AVP length smaller than its header',
  ERR_TTLS_AVP_OVERFLOW: 'AVP length runs past the end of the data',
  ERR_TTLS_AVP_TOO_LONG: 'AVP data too long to encode',
  ERR_TTLS_AVP_BAD_FIELD: 'AVP code or vendor is not a 32-bit unsigned integer',
} as const;
export type TtlsAvpErrorCode = keyof typeof ERROR_TEXT;

/** The only error the AVP codec throws. `offset` is where in the input the problem starts. */
export class TtlsAvpError extends Error {
  override readonly name = 'TtlsAvpError';
  constructor(
    readonly code: TtlsAvpErrorCode,
    readonly offset: number,
  ) {
    super(`Cannot decode TTLS AVPs (${ERROR_TEXT[code]}) at offset ${offset}`);
  }
}

function fail(code: TtlsAvpErrorCode, offset = 0): never {
  throw new TtlsAvpError(code, offset);
}

function padLength(length: number): number {
  return (4 - (length & 3)) & 3;
}

/**
 * Decodes every AVP in `buf`. Missing padding after the last AVP is accepted (hostapd does
 * the same); any other inconsistency throws TtlsAvpError. Data slices are copies.
 */
export function decodeAvps(buf: Uint8Array): DiameterAvp[] {
  if (buf.length > AVP_LIMITS.maxInputBytes) fail('ERR_TTLS_AVP_INPUT_TOO_LARGE');
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const avps: DiameterAvp[] = [];
  let offset = 0;
  while (offset < view.length) {
    if (avps.length === AVP_LIMITS.maxAvps) fail('ERR_TTLS_AVP_TOO_MANY', offset);
    if (view.length - offset < AVP_HEADER_LENGTH) fail('ERR_TTLS_AVP_TRUNCATED_HEADER', offset);
    const code = view.readUInt32BE(offset);
    const flags = view[offset + 4];
    const length = view.readUIntBE(offset + 5, 3);
    const hasVendor = (flags & AVP_FLAG_VENDOR) !== 0;
    const headerLength = AVP_HEADER_LENGTH + (hasVendor ? VENDOR_ID_LENGTH : 0);
    if (length < headerLength) fail('ERR_TTLS_AVP_BAD_LENGTH', offset);
    if (length > view.length - offset) fail('ERR_TTLS_AVP_OVERFLOW', offset);
    const avp: DiameterAvp = {
      code,
      mandatory: (flags & AVP_FLAG_MANDATORY) !== 0,
      data: Buffer.from(view.subarray(offset + headerLength, offset + length)),
    };
    if (hasVendor) avp.vendorId = view.readUInt32BE(offset + AVP_HEADER_LENGTH);
    avps.push(avp);
    offset = Math.min(view.length, offset + length + padLength(length));
  }
  return avps;
}

/** Bytes `encodeAvp(avp)` produces, padding included. */
export function avpEncodingLength(avp: DiameterAvp): number {
  const length = AVP_HEADER_LENGTH + (avp.vendorId === undefined ? 0 : VENDOR_ID_LENGTH) + avp.data.length;
  return length + padLength(length);
}

function isUint32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** Encodes one AVP, zero-padded to a multiple of 4. Throws TtlsAvpError on unencodable input. */
export function encodeAvp(avp: DiameterAvp): Buffer {
  if (!isUint32(avp.code) || (avp.vendorId !== undefined && !isUint32(avp.vendorId))) {
    fail('ERR_TTLS_AVP_BAD_FIELD');
  }
  const headerLength = AVP_HEADER_LENGTH + (avp.vendorId === undefined ? 0 : VENDOR_ID_LENGTH);
  const length = headerLength + avp.data.length;
  if (length > MAX_AVP_LENGTH) fail('ERR_TTLS_AVP_TOO_LONG');
  const out = Buffer.alloc(length + padLength(length));
  out.writeUInt32BE(avp.code, 0);
  out[4] = (avp.vendorId === undefined ? 0 : AVP_FLAG_VENDOR) | (avp.mandatory ? AVP_FLAG_MANDATORY : 0);
  out.writeUIntBE(length, 5, 3);
  if (avp.vendorId !== undefined) out.writeUInt32BE(avp.vendorId, AVP_HEADER_LENGTH);
  out.set(avp.data, headerLength);
  return out;
}

/** Encodes AVPs back to back (each padded). */
export function encodeAvps(avps: readonly DiameterAvp[]): Buffer {
  return Buffer.concat(avps.map(encodeAvp));
}

/** A vendor-0 AVP with the M bit set: how peers send User-Name, User-Password and EAP-Message. */
export function radiusAvp(code: number, data: Uint8Array | string): DiameterAvp {
  return { code, mandatory: true, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data) };
}

function isRadiusAvp(avp: DiameterAvp, code: number): boolean {
  return avp.code === code && (avp.vendorId === undefined || avp.vendorId === 0);
}

/** True for AVPs the PAP / EAP inner handling understands (User-Name, User-Password, EAP-Message). */
export function isKnownInnerAvp(avp: DiameterAvp): boolean {
  return (
    isRadiusAvp(avp, AvpCode.UserName) ||
    isRadiusAvp(avp, AvpCode.UserPassword) ||
    isRadiusAvp(avp, AvpCode.EapMessage)
  );
}

/**
 * AVPs with the M bit that `isKnown` does not accept. RFC 5281 §10.1: a receiver that does not
 * support a mandatory AVP must fail the negotiation, so a non-empty result means reject.
 */
export function unsupportedMandatoryAvps(
  avps: readonly DiameterAvp[],
  isKnown: (avp: DiameterAvp) => boolean = isKnownInnerAvp,
): DiameterAvp[] {
  return avps.filter((avp) => avp.mandatory && !isKnown(avp));
}

/** First User-Name (1) as UTF-8 text, or undefined. */
export function findUserName(avps: readonly DiameterAvp[]): string | undefined {
  return avps.find((avp) => isRadiusAvp(avp, AvpCode.UserName))?.data.toString('utf8');
}

/**
 * First User-Password (2) with trailing NULs removed: RFC 5281 §11.2.5 lets the peer pad the
 * clear-text password with NULs to a multiple of 16 bytes. Raw bytes, for constant-time compare.
 */
export function findUserPassword(avps: readonly DiameterAvp[]): Buffer | undefined {
  const data = avps.find((avp) => isRadiusAvp(avp, AvpCode.UserPassword))?.data;
  if (data === undefined) return undefined;
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return data.subarray(0, end);
}

/** All EAP-Message (79) AVPs joined in order (a peer may split one EAP packet), or undefined. */
export function findEapMessage(avps: readonly DiameterAvp[]): Buffer | undefined {
  const parts = avps.filter((avp) => isRadiusAvp(avp, AvpCode.EapMessage)).map((avp) => avp.data);
  return parts.length === 0 ? undefined : Buffer.concat(parts);
}
