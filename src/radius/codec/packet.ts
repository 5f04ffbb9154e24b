import { isKnownCode } from './codes.js';
import { RadiusDecodeError, RadiusDecodeErrorCode as E, RadiusEncodeError } from './errors.js';

/** Code(1) Identifier(1) Length(2) Authenticator(16). */
export const HEADER_LENGTH = 20;
/** RFC 2865 §3: the largest packet a peer may send or accept. */
export const MAX_PACKET_LENGTH = 4096;
export const AUTHENTICATOR_LENGTH = 16;
/** An attribute's Type(1) + Length(1); its value is at most 253 octets. */
export const ATTRIBUTE_HEADER_LENGTH = 2;
export const MAX_ATTRIBUTE_VALUE_LENGTH = 253;

export const Attr = {
  UserName: 1,
  UserPassword: 2,
  ChapPassword: 3,
  NasIpAddress: 4,
  NasPort: 5,
  ServiceType: 6,
  FramedIpAddress: 8,
  FilterId: 11,
  FramedMtu: 12,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  SessionTimeout: 27,
  IdleTimeout: 28,
  TerminationAction: 29,
  CalledStationId: 30,
  CallingStationId: 31,
  NasIdentifier: 32,
  ProxyState: 33,
  AcctStatusType: 40,
  AcctDelayTime: 41,
  AcctInputOctets: 42,
  AcctOutputOctets: 43,
  AcctSessionId: 44,
  AcctAuthentic: 45,
  AcctSessionTime: 46,
  AcctInputPackets: 47,
  AcctOutputPackets: 48,
  AcctTerminateCause: 49,
  AcctMultiSessionId: 50,
  AcctInputGigawords: 52,
  AcctOutputGigawords: 53,
  EventTimestamp: 55,
  NasPortType: 61,
  TunnelType: 64,
  TunnelMediumType: 65,
  TunnelPassword: 69,
  ConnectInfo: 77,
  EapMessage: 79,
  MessageAuthenticator: 80,
  TunnelPrivateGroupId: 81,
  AcctInterimInterval: 85,
  NasPortId: 87,
  ChargeableUserIdentity: 89,
  NasIpv6Address: 95,
  ErrorCause: 101,
  EapKeyName: 102,
} as const;

/** One attribute as it is on the wire: `value` is a view into the packet buffer (no copy). */
export interface RawAttribute {
  readonly type: number;
  readonly value: Buffer;
}

export interface RadiusPacket {
  readonly code: number;
  readonly identifier: number;
  /** Request or Response Authenticator (a view into the packet). */
  readonly authenticator: Buffer;
  readonly attributes: readonly RawAttribute[];
  /** Offset of the Message-Authenticator attribute's value in the packet, or -1 if absent. */
  readonly messageAuthenticatorOffset: number;
  /** The packet bytes up to Length (bytes past Length are ignored, RFC 2865 §3). */
  readonly raw: Buffer;
}

/**
 * A decoded attribute. The value view is made on first use: a server reads a handful of a request's
 * attributes, and a Buffer view per attribute was a measurable share of the per-request cost.
 */
class WireAttribute implements RawAttribute {
  readonly type: number;
  readonly #raw: Buffer;
  readonly #start: number;
  readonly #end: number;
  #value: Buffer | undefined;

  constructor(type: number, raw: Buffer, start: number, end: number) {
    this.type = type;
    this.#raw = raw;
    this.#start = start;
    this.#end = end;
  }

  get value(): Buffer {
    return (this.#value ??= this.#raw.subarray(this.#start, this.#end));
  }

  toJSON(): { type: number; value: Buffer } {
    return { type: this.type, value: this.value };
  }
}

/**
 * Reads only the header: enough to find the client, check the length and de-duplicate before the
 * attribute walk. Returns the declared length or throws RadiusDecodeError.
 */
export function checkHeader(buf: Buffer): number {
  if (buf.length < HEADER_LENGTH) {
    throw new RadiusDecodeError(E.TooShort, `packet of ${buf.length} bytes is shorter than the 20-byte header`, 0);
  }
  const length = buf.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH) {
    throw new RadiusDecodeError(E.BadLength, `Length field ${length} outside 20..4096`, 2);
  }
  if (length > buf.length) {
    throw new RadiusDecodeError(E.BadLength, `Length field ${length} exceeds the ${buf.length} bytes received`, 2);
  }
  return length;
}

/** Decodes a packet into its header and raw attribute list. Never throws anything but RadiusDecodeError. */
export function decodePacket(input: Buffer): RadiusPacket {
  const length = checkHeader(input);
  const raw = length === input.length ? input : input.subarray(0, length);
  const code = raw[0];
  if (!isKnownCode(code)) throw new RadiusDecodeError(E.UnknownCode, `unknown packet code ${code}`, 0);
  const attributes: RawAttribute[] = [];
  let maOffset = -1;
  let offset = HEADER_LENGTH;
  while (offset < length) {
    if (offset + ATTRIBUTE_HEADER_LENGTH > length) {
      throw new RadiusDecodeError(E.TruncatedAttribute, `attribute header truncated at offset ${offset}`, offset);
    }
    const type = raw[offset];
    const attrLength = raw[offset + 1];
    if (attrLength < ATTRIBUTE_HEADER_LENGTH) {
      throw new RadiusDecodeError(E.BadAttributeLength, `attribute ${type} has length ${attrLength} (< 2) at offset ${offset}`, offset);
    }
    if (offset + attrLength > length) {
      throw new RadiusDecodeError(E.TruncatedAttribute, `attribute ${type} of length ${attrLength} runs past the packet end at offset ${offset}`, offset);
    }
    if (type === 80) {
      if (maOffset !== -1) {
        throw new RadiusDecodeError(E.DuplicateMessageAuthenticator, 'more than one Message-Authenticator', offset);
      }
      if (attrLength !== 18) {
        throw new RadiusDecodeError(E.BadMessageAuthenticatorLength, `Message-Authenticator of length ${attrLength} (must be 18)`, offset);
      }
      maOffset = offset + ATTRIBUTE_HEADER_LENGTH;
    }
    attributes.push(new WireAttribute(type, raw, offset + ATTRIBUTE_HEADER_LENGTH, offset + attrLength));
    offset += attrLength;
  }
  return {
    code,
    identifier: raw[1],
    authenticator: raw.subarray(4, HEADER_LENGTH),
    attributes,
    messageAuthenticatorOffset: maOffset,
    raw,
  };
}

export interface PacketToEncode {
  code: number;
  identifier: number;
  /** 16 bytes; omitted = zeros (the signing step fills it in). */
  authenticator?: Buffer;
  attributes: readonly RawAttribute[];
}

/** Encoded length of a packet: measured once so encode allocates once. */
export function packetLength(packet: PacketToEncode): number {
  let length = HEADER_LENGTH;
  for (const a of packet.attributes) length += ATTRIBUTE_HEADER_LENGTH + a.value.length;
  return length;
}

/**
 * Serialises a packet. Plain wire bytes only: authenticators and Message-Authenticator are computed by
 * the sign* functions in authenticator.ts, which take the secret.
 */
export function encodePacket(packet: PacketToEncode): Buffer {
  const length = packetLength(packet);
  if (length > MAX_PACKET_LENGTH) {
    throw new RadiusEncodeError('ERR_RADIUS_PACKET_TOO_LARGE', `packet would be ${length} bytes (max ${MAX_PACKET_LENGTH})`);
  }
  const buf = Buffer.allocUnsafe(length);
  buf[0] = packet.code;
  buf[1] = packet.identifier;
  buf.writeUInt16BE(length, 2);
  if (packet.authenticator) {
    if (packet.authenticator.length !== AUTHENTICATOR_LENGTH) {
      throw new RadiusEncodeError('ERR_RADIUS_BAD_AUTHENTICATOR', 'authenticator must be 16 bytes');
    }
    packet.authenticator.copy(buf, 4);
  } else {
    buf.fill(0, 4, HEADER_LENGTH);
  }
  let offset = HEADER_LENGTH;
  for (const a of packet.attributes) {
    if (a.value.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      throw new RadiusEncodeError('ERR_RADIUS_VALUE_TOO_LONG', `attribute ${a.type} value of ${a.value.length} bytes exceeds 253`);
    }
    buf[offset] = a.type;
    buf[offset + 1] = a.value.length + ATTRIBUTE_HEADER_LENGTH;
    a.value.copy(buf, offset + ATTRIBUTE_HEADER_LENGTH);
    offset += ATTRIBUTE_HEADER_LENGTH + a.value.length;
  }
  return buf;
}

/** First attribute of a type, or undefined. */
export function findAttribute(attributes: readonly RawAttribute[], type: number): Buffer | undefined {
  for (const a of attributes) if (a.type === type) return a.value;
  return undefined;
}

/** Concatenated values of every attribute of a type, in order (EAP-Message, RFC 3579 §3.1). */
export function joinAttribute(attributes: readonly RawAttribute[], type: number): Buffer | undefined {
  let parts: Buffer[] | undefined;
  for (const a of attributes) if (a.type === type) (parts ??= []).push(a.value);
  if (!parts) return undefined;
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Splits a long value into consecutive attributes of at most 253 octets (EAP-Message). */
export function splitAttribute(type: number, value: Buffer): RawAttribute[] {
  if (value.length === 0) return [{ type, value }];
  const out: RawAttribute[] = [];
  for (let i = 0; i < value.length; i += MAX_ATTRIBUTE_VALUE_LENGTH) {
    out.push({ type, value: value.subarray(i, i + MAX_ATTRIBUTE_VALUE_LENGTH) });
  }
  return out;
}
