import { RadiusDecodeError, RadiusDecodeErrorCode as E } from './errors.js';
import type { RawAttribute } from './packet.js';

// Vendor-Specific (26), RFC 2865 §5.26: Vendor-Id(4) then, in the standard vendor format, a list of
// Vendor-Type(1) Vendor-Length(1) Value sub-attributes.

export interface VendorAttributes {
  readonly vendorId: number;
  readonly attributes: readonly RawAttribute[];
}

/** Decodes a VSA value in the standard (1,1) format. Never throws anything but RadiusDecodeError. */
export function decodeVsa(value: Buffer): VendorAttributes {
  if (value.length < 4) throw new RadiusDecodeError(E.BadVsa, `Vendor-Specific of ${value.length} octets has no Vendor-Id`);
  const vendorId = value.readUInt32BE(0);
  const attributes: RawAttribute[] = [];
  let offset = 4;
  while (offset < value.length) {
    if (offset + 2 > value.length) throw new RadiusDecodeError(E.BadVsa, `vendor ${vendorId} sub-attribute header truncated`);
    const type = value[offset];
    const length = value[offset + 1];
    if (length < 2 || offset + length > value.length) {
      throw new RadiusDecodeError(E.BadVsa, `vendor ${vendorId} sub-attribute ${type} has bad length ${length}`);
    }
    attributes.push({ type, value: value.subarray(offset + 2, offset + length) });
    offset += length;
  }
  return { vendorId, attributes };
}

/** One Vendor-Specific attribute value holding one sub-attribute. */
export function encodeVsa(vendorId: number, type: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(6 + value.length);
  out.writeUInt32BE(vendorId, 0);
  out[4] = type;
  out[5] = value.length + 2;
  value.copy(out, 6);
  return out;
}
