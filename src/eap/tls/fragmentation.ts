/**
 * Splits a TLS flight from the server into EAP-TLS fragments (RFC 5216 §2.1.5): L on the first
 * fragment of a fragmented message, M on all but the last. The peer ACKs each fragment.
 */
import { encodeEapTlsFrame } from './framing.js';

export const DEFAULT_FRAGMENT_SIZE = 1024;
/**
 * Octets around the TLS data inside one link-layer EAP frame: EAP header with Type (5),
 * EAP-TLS flags (1), TLS Message Length (4), EAPOL header (4) — so a fragment always fits
 * the Framed-MTU the NAS announced (RFC 3580 §3.17: the largest EAP frame it can carry).
 */
export const EAP_TLS_FRAGMENT_OVERHEAD = 14;
/** Framed-MTU values below this are bogus (FreeRADIUS ignores them likewise). */
export const MIN_USABLE_FRAMED_MTU = 128;

/** TLS data octets per fragment: the configured size, capped by what Framed-MTU allows. */
export function fragmentPayloadSize(fragmentSize: number, framedMtu?: number): number {
  if (framedMtu === undefined || !Number.isInteger(framedMtu) || framedMtu < MIN_USABLE_FRAMED_MTU) {
    return fragmentSize;
  }
  return Math.min(fragmentSize, framedMtu - EAP_TLS_FRAGMENT_OVERHEAD);
}

/** The fragments of one outgoing TLS message, handed out one per EAP-Request. */
export class OutgoingTlsMessage {
  readonly #message: Buffer;
  readonly #payloadSize: number;
  readonly #version: number;
  #offset = 0;

  constructor(message: Buffer, payloadSize: number, version = 0) {
    this.#message = message;
    this.#payloadSize = Math.max(1, payloadSize);
    this.#version = version;
  }

  get done(): boolean {
    return this.#offset >= this.#message.length;
  }

  /** Type-Data of the next fragment. Call only while !done. */
  next(): Buffer {
    const fragmented = this.#message.length > this.#payloadSize;
    const first = this.#offset === 0;
    const end = Math.min(this.#offset + this.#payloadSize, this.#message.length);
    const data = this.#message.subarray(this.#offset, end);
    this.#offset = end;
    return encodeEapTlsFrame({
      version: this.#version,
      moreFragments: end < this.#message.length,
      ...(fragmented && first ? { messageLength: this.#message.length } : {}),
      data,
    });
  }
}
