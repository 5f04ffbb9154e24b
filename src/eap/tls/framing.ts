/**
 * EAP-TLS family Type-Data framing, shared by EAP-TLS (RFC 5216 §3.1), EAP-TTLS (RFC 5281 §9.1)
 * and PEAP: Flags(1) [TLS Message Length(4) if L] [TLS Data].
 * Flags: L=0x80 length included, M=0x40 more fragments, S=0x20 start; the low 3 bits carry the
 * TTLS/PEAP version (always 0 for EAP-TLS); the remaining bits are reserved and ignored.
 */
import { EapDecodeError, EapErrorCode } from '../errors.js';

export const EapTlsFlag = { LengthIncluded: 0x80, MoreFragments: 0x40, Start: 0x20 } as const;
export const EAP_TLS_VERSION_MASK = 0x07;
const FLAGS_LENGTH = 1;
const MESSAGE_LENGTH_FIELD = 4;

export interface EapTlsFrame {
  lengthIncluded: boolean;
  moreFragments: boolean;
  start: boolean;
  /** Version bits (TTLS/PEAP); 0 for EAP-TLS. */
  version: number;
  /** TLS Message Length when L is set. */
  messageLength?: number;
  /** TLS record bytes of this fragment (a view into the input). */
  data: Buffer;
}

export function decodeEapTlsFrame(typeData: Buffer): EapTlsFrame {
  if (typeData.length < FLAGS_LENGTH) {
    throw new EapDecodeError(EapErrorCode.TlsFrameTruncated, 'EAP-TLS frame without flags');
  }
  const flags = typeData[0]!;
  const lengthIncluded = (flags & EapTlsFlag.LengthIncluded) !== 0;
  let offset = FLAGS_LENGTH;
  let messageLength: number | undefined;
  if (lengthIncluded) {
    if (typeData.length < FLAGS_LENGTH + MESSAGE_LENGTH_FIELD) {
      throw new EapDecodeError(EapErrorCode.TlsFrameTruncated, 'EAP-TLS L flag set but TLS Message Length is cut');
    }
    messageLength = typeData.readUInt32BE(FLAGS_LENGTH);
    offset += MESSAGE_LENGTH_FIELD;
  }
  const frame: EapTlsFrame = {
    lengthIncluded,
    moreFragments: (flags & EapTlsFlag.MoreFragments) !== 0,
    start: (flags & EapTlsFlag.Start) !== 0,
    version: flags & EAP_TLS_VERSION_MASK,
    data: typeData.subarray(offset),
  };
  if (messageLength !== undefined) frame.messageLength = messageLength;
  return frame;
}

export interface EapTlsFrameInput {
  start?: boolean;
  moreFragments?: boolean;
  /** Adds the L flag and the 4-octet TLS Message Length. */
  messageLength?: number;
  version?: number;
  data?: Buffer;
}

export function eapTlsFrameLength(frame: EapTlsFrameInput): number {
  return FLAGS_LENGTH + (frame.messageLength !== undefined ? MESSAGE_LENGTH_FIELD : 0) + (frame.data?.length ?? 0);
}

export function encodeEapTlsFrame(frame: EapTlsFrameInput): Buffer {
  const buf = Buffer.allocUnsafe(eapTlsFrameLength(frame));
  let flags = (frame.version ?? 0) & EAP_TLS_VERSION_MASK;
  if (frame.start) flags |= EapTlsFlag.Start;
  if (frame.moreFragments) flags |= EapTlsFlag.MoreFragments;
  let offset = FLAGS_LENGTH;
  if (frame.messageLength !== undefined) {
    flags |= EapTlsFlag.LengthIncluded;
    buf.writeUInt32BE(frame.messageLength, FLAGS_LENGTH);
    offset += MESSAGE_LENGTH_FIELD;
  }
  buf[0] = flags;
  frame.data?.copy(buf, offset);
  return buf;
}

/** An ACK is an EAP-TLS message with no TLS data and no M flag (RFC 5216 §2.1.5). */
export function isEapTlsAck(frame: EapTlsFrame): boolean {
  return frame.data.length === 0 && !frame.moreFragments && !frame.start;
}
