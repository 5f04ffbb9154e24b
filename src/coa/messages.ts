import { PacketCode } from '../radius/codec/codes.js';
import { RadiusDecodeError } from '../radius/codec/errors.js';
import { Attr, HEADER_LENGTH, decodePacket, encodePacket, findAttribute, type RawAttribute } from '../radius/codec/packet.js';
import {
  messageAuthenticatorPlaceholder, signZeroedRequest, verifyMessageAuthenticator, verifyResponseAuthenticator,
} from '../radius/codec/authenticator.js';

// Disconnect-Request / CoA-Request and their replies (RFC 5176). Pure functions over Buffers: the sender owns the
// socket, the clock and the secret's lifetime.

/** The two requests a Dynamic Authorization Client sends. */
export const CoaRequestCode = { Disconnect: PacketCode.DisconnectRequest, Coa: PacketCode.CoaRequest } as const;
export type CoaRequestCodeValue = (typeof CoaRequestCode)[keyof typeof CoaRequestCode];

export interface CoaRequestInput {
  code: CoaRequestCodeValue;
  identifier: number;
  /** Session identification and, for a CoA, the changes; Message-Authenticator and Event-Timestamp are added here. */
  attributes: readonly RawAttribute[];
  /** Unix seconds. hostapd drops a request outside its time window (default 300 s): keep the clock in sync. */
  eventTimestamp: number;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * Encodes and signs a request: Message-Authenticator first (BlastRADIUS), Event-Timestamp last, then the
 * Message-Authenticator over the packet with a zeroed Authenticator field and the Request Authenticator
 * MD5(Code|Id|Length|16 zeros|Attributes|secret) (RFC 5176 §2.3, §3.1). Retransmissions must resend these bytes.
 */
export function encodeCoaRequest(input: CoaRequestInput, secret: Buffer): Buffer {
  const attributes: RawAttribute[] = [messageAuthenticatorPlaceholder()];
  for (const a of input.attributes) {
    if (a.type === Attr.MessageAuthenticator || a.type === Attr.EventTimestamp) continue;
    attributes.push(a);
  }
  attributes.push({ type: Attr.EventTimestamp, value: u32(input.eventTimestamp) });
  return signZeroedRequest(encodePacket({ code: input.code, identifier: input.identifier, attributes }), secret);
}

export interface CoaReply {
  kind: 'ack' | 'nak';
  code: number;
  /** Error-Cause (101), when the NAS sent one. */
  errorCause?: number;
}

export type CoaReplyCheck = { ok: true; reply: CoaReply } | { ok: false; reason: string };

const replyCodes: Record<number, { ack: number; nak: number }> = {
  [PacketCode.DisconnectRequest]: { ack: PacketCode.DisconnectAck, nak: PacketCode.DisconnectNak },
  [PacketCode.CoaRequest]: { ack: PacketCode.CoaAck, nak: PacketCode.CoaNak },
};

/**
 * Checks a datagram against the request it claims to answer: ACK/NAK of that request's kind, same Identifier,
 * Response Authenticator MD5(Code|Id|Length|Request Authenticator|Attributes|secret), and the
 * Message-Authenticator (computed with the Request Authenticator in the header) when present. A reply that fails
 * any check must be ignored, never taken as an answer: anyone can send a UDP datagram to our port.
 */
export function verifyCoaReply(datagram: Buffer, request: Buffer, secret: Buffer): CoaReplyCheck {
  let packet;
  try {
    packet = decodePacket(datagram);
  } catch (err) {
    if (err instanceof RadiusDecodeError) return { ok: false, reason: `malformed reply: ${err.message}` };
    throw err;
  }
  const expected = replyCodes[request[0]];
  if (!expected) return { ok: false, reason: `code ${request[0]} is not a CoA or Disconnect request` };
  if (packet.code !== expected.ack && packet.code !== expected.nak) return { ok: false, reason: `reply code ${packet.code} does not answer code ${request[0]}` };
  if (packet.identifier !== request[1]) return { ok: false, reason: `Identifier ${packet.identifier} does not match the request's ${request[1]}` };
  const requestAuthenticator = request.subarray(4, HEADER_LENGTH);
  if (!verifyResponseAuthenticator(packet.raw, requestAuthenticator, secret)) {
    return { ok: false, reason: 'bad Response Authenticator (wrong secret or forged reply)' };
  }
  if (packet.messageAuthenticatorOffset >= 0 && !verifyMessageAuthenticator(packet.raw, packet.messageAuthenticatorOffset, secret, requestAuthenticator)) {
    return { ok: false, reason: 'bad Message-Authenticator' };
  }
  const cause = findAttribute(packet.attributes, Attr.ErrorCause);
  return {
    ok: true,
    reply: {
      kind: packet.code === expected.ack ? 'ack' : 'nak',
      code: packet.code,
      errorCause: cause?.length === 4 ? cause.readUInt32BE(0) : undefined,
    },
  };
}
