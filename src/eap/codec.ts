/**
 * EAP packet codec (RFC 3748 §4): Code(1) Identifier(1) Length(2) [Type(1) Type-Data].
 * Pure functions over Buffers. decodeEapPacket throws only EapDecodeError.
 */
import { EapDecodeError, EapError, EapErrorCode } from './errors.js';

export const EapCode = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;
export type EapCode = (typeof EapCode)[keyof typeof EapCode];

/** EAP method types used by this server (IANA "EAP Method Types"). */
export const EapType = {
  Identity: 1,
  Notification: 2,
  Nak: 3,
  Md5Challenge: 4,
  Gtc: 6,
  Tls: 13,
  Ttls: 21,
  Peap: 25,
  MsChapV2: 26,
  Tlv: 33,
  Expanded: 254,
} as const;
export type EapType = (typeof EapType)[keyof typeof EapType];

/** Code + Identifier + Length. */
export const EAP_HEADER_LENGTH = 4;
/** Header plus the Type octet of a Request/Response. */
export const EAP_TYPED_HEADER_LENGTH = 5;
export const EAP_MAX_LENGTH = 0xffff;

interface EapTypedPacket<C extends EapCode> {
  code: C;
  identifier: number;
  type: number;
  /** Type-Data (everything after the Type octet). */
  data: Buffer;
}
export type EapRequestPacket = EapTypedPacket<typeof EapCode.Request>;
export type EapResponsePacket = EapTypedPacket<typeof EapCode.Response>;
export type EapResultPacket = { code: typeof EapCode.Success | typeof EapCode.Failure; identifier: number };
export type EapPacket = EapRequestPacket | EapResponsePacket | EapResultPacket;

/**
 * Decodes one EAP packet. Octets past the Length field are link-layer padding and are
 * ignored (RFC 3748 §4.1). The returned `data` is a view into `buf`.
 */
export function decodeEapPacket(buf: Buffer): EapPacket {
  if (buf.length < EAP_HEADER_LENGTH) {
    throw new EapDecodeError(EapErrorCode.Truncated, `EAP packet too short (${buf.length} octets)`);
  }
  const code = buf[0]!;
  const identifier = buf[1]!;
  const length = buf.readUInt16BE(2);
  if (length < EAP_HEADER_LENGTH || length > buf.length) {
    throw new EapDecodeError(
      EapErrorCode.BadLength,
      `EAP Length ${length} does not fit the ${buf.length} octets received`,
    );
  }
  switch (code) {
    case EapCode.Success:
    case EapCode.Failure:
      if (length !== EAP_HEADER_LENGTH) {
        throw new EapDecodeError(EapErrorCode.BadLength, `EAP Success/Failure with Length ${length} (must be 4)`);
      }
      return { code, identifier };
    case EapCode.Request:
    case EapCode.Response:
      if (length < EAP_TYPED_HEADER_LENGTH) {
        throw new EapDecodeError(EapErrorCode.MissingType, 'EAP Request/Response without a Type');
      }
      return { code, identifier, type: buf[4]!, data: buf.subarray(EAP_TYPED_HEADER_LENGTH, length) } as
        | EapRequestPacket
        | EapResponsePacket;
    default:
      throw new EapDecodeError(EapErrorCode.UnknownCode, `unknown EAP Code ${code}`);
  }
}

export function eapPacketLength(packet: EapPacket): number {
  return 'data' in packet ? EAP_TYPED_HEADER_LENGTH + packet.data.length : EAP_HEADER_LENGTH;
}

/** Encodes one EAP packet into a new Buffer (measured first, written once). */
export function encodeEapPacket(packet: EapPacket): Buffer {
  const length = eapPacketLength(packet);
  if (length > EAP_MAX_LENGTH) {
    throw new EapError(EapErrorCode.TooLong, `EAP packet of ${length} octets exceeds 65535`);
  }
  const buf = Buffer.allocUnsafe(length);
  buf[0] = packet.code;
  buf[1] = packet.identifier & 0xff;
  buf.writeUInt16BE(length, 2);
  if ('data' in packet) {
    buf[4] = packet.type;
    packet.data.copy(buf, EAP_TYPED_HEADER_LENGTH);
  }
  return buf;
}

export function encodeEapRequest(identifier: number, type: number, data: Buffer): Buffer {
  return encodeEapPacket({ code: EapCode.Request, identifier, type, data });
}

export function encodeEapSuccess(identifier: number): Buffer {
  return encodeEapPacket({ code: EapCode.Success, identifier });
}

export function encodeEapFailure(identifier: number): Buffer {
  return encodeEapPacket({ code: EapCode.Failure, identifier });
}

/** Human-readable method name for logs ("EAP-TLS", "type 99"). */
export function eapTypeName(type: number): string {
  switch (type) {
    case EapType.Identity: return 'Identity';
    case EapType.Notification: return 'Notification';
    case EapType.Nak: return 'NAK';
    case EapType.Md5Challenge: return 'EAP-MD5';
    case EapType.Gtc: return 'EAP-GTC';
    case EapType.Tls: return 'EAP-TLS';
    case EapType.Ttls: return 'EAP-TTLS';
    case EapType.Peap: return 'PEAP';
    case EapType.MsChapV2: return 'EAP-MSCHAPv2';
    case EapType.Tlv: return 'EAP-TLV';
    case EapType.Expanded: return 'Expanded';
    default: return `type ${type}`;
  }
}
