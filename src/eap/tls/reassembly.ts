/**
 * Reassembles a TLS message the peer sends in EAP-TLS fragments (RFC 5216 §2.1.5).
 * The first fragment of a fragmented message must carry L; the total is capped so a rogue
 * peer cannot make us buffer without bound (hostapd and FreeRADIUS use 64 KiB).
 */
import type { EapTlsFrame } from './framing.js';

export const DEFAULT_MAX_TLS_MESSAGE_LENGTH = 64 * 1024;

export type ReassemblyResult =
  | { kind: 'more' }
  | { kind: 'complete'; message: Buffer }
  | { kind: 'error'; reason: string };

export class TlsMessageReassembler {
  readonly #maxLength: number;
  #parts: Buffer[] = [];
  #received = 0;
  #expected: number | undefined;

  constructor(maxLength: number = DEFAULT_MAX_TLS_MESSAGE_LENGTH) {
    this.#maxLength = maxLength;
  }

  /** True while fragments of a message have been received but not the last one. */
  get inProgress(): boolean {
    return this.#parts.length > 0;
  }

  add(frame: EapTlsFrame): ReassemblyResult {
    const first = !this.inProgress;
    if (frame.messageLength !== undefined) {
      if (frame.messageLength > this.#maxLength) {
        return this.#fail(`TLS message length ${frame.messageLength} exceeds the ${this.#maxLength}-octet limit`);
      }
      if (first) {
        this.#expected = frame.messageLength;
      } else if (frame.messageLength !== this.#expected) {
        return this.#fail('TLS Message Length changed between fragments');
      }
    } else if (first && frame.moreFragments) {
      return this.#fail('first fragment of a fragmented TLS message has no TLS Message Length (L flag)');
    }
    if (frame.data.length === 0 && (frame.moreFragments || !first)) {
      return this.#fail('empty fragment inside a fragmented TLS message');
    }

    const received = this.#received + frame.data.length;
    if (received > this.#maxLength) {
      return this.#fail(`reassembled TLS message exceeds the ${this.#maxLength}-octet limit`);
    }
    if (this.#expected !== undefined && received > this.#expected) {
      return this.#fail(`TLS fragments carry more than the announced ${this.#expected} octets`);
    }
    // Copy: the frame is a view into a RADIUS packet buffer that the caller may reuse.
    this.#parts.push(Buffer.from(frame.data));
    this.#received = received;
    if (frame.moreFragments) return { kind: 'more' };

    if (this.#expected !== undefined && received !== this.#expected) {
      return this.#fail(`TLS message ended after ${received} of ${this.#expected} announced octets`);
    }
    const message = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, received);
    this.reset();
    return { kind: 'complete', message };
  }

  reset(): void {
    this.#parts = [];
    this.#received = 0;
    this.#expected = undefined;
  }

  #fail(reason: string): ReassemblyResult {
    this.reset();
    return { kind: 'error', reason };
  }
}
