// RFC 5080 §2.2.2 duplicate detection. A NAS retransmits the identical packet (same source, port, code,
// Identifier and Request Authenticator). A duplicate of a request still being processed is dropped; a
// duplicate of an answered one gets the cached reply bytes, never a second run of the handler (which would
// advance an EAP/TLS conversation twice or write accounting twice).
//
// Only the latest request per (source, port, code, Identifier) is kept, as FreeRADIUS does: a NAS reuses an
// Identifier only for a new request, which replaces the old entry. Memory is bounded by the number of
// NAS source ports × 256 Identifiers, whatever the request rate.

interface Entry {
  authenticator: Buffer;
  reply: Buffer | undefined;
  done: boolean;
  at: number;
}

export type DuplicateCheck =
  | { kind: 'new' }
  | { kind: 'in-flight' }
  | { kind: 'answered'; reply: Buffer | undefined };

/** Identifies one request slot: the entry for `source` holding `slot` (code × 256 + Identifier). */
export interface RequestKey {
  readonly source: string;
  readonly slot: number;
  readonly authenticator: Buffer;
}

export class DuplicateCache {
  readonly #sources = new Map<string, Map<number, Entry>>();
  readonly #windowMs: number;
  readonly #now: () => number;
  #lastSweep: number;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
    this.#lastSweep = now();
  }

  static key(address: string, port: number, packet: Buffer): RequestKey {
    return { source: `${address}|${port}`, slot: packet[0] * 256 + packet[1], authenticator: packet.subarray(4, 20) };
  }

  /** Looks the request up; a new one is recorded as in flight. */
  check(key: RequestKey): DuplicateCheck {
    const now = this.#now();
    if (now - this.#lastSweep > this.#windowMs) this.#sweep(now);
    let slots = this.#sources.get(key.source);
    if (!slots) this.#sources.set(key.source, (slots = new Map()));
    const entry = slots.get(key.slot);
    if (entry && now - entry.at <= this.#windowMs && entry.authenticator.equals(key.authenticator)) {
      return entry.done ? { kind: 'answered', reply: entry.reply } : { kind: 'in-flight' };
    }
    // The packet buffer is reused by nobody, but copy the 16 bytes so the entry does not pin the datagram.
    slots.set(key.slot, { authenticator: Buffer.from(key.authenticator), reply: undefined, done: false, at: now });
    return { kind: 'new' };
  }

  #entry(key: RequestKey): Entry | undefined {
    const entry = this.#sources.get(key.source)?.get(key.slot);
    return entry && entry.authenticator.equals(key.authenticator) ? entry : undefined;
  }

  /** Records the reply (undefined = the request was answered with silence). */
  complete(key: RequestKey, reply: Buffer | undefined): void {
    const entry = this.#entry(key);
    if (entry) {
      entry.reply = reply;
      entry.done = true;
      entry.at = this.#now();
    }
  }

  /** Forgets a request so a retransmission is processed again (no reply could be produced yet). */
  forget(key: RequestKey): void {
    if (this.#entry(key)) this.#sources.get(key.source)!.delete(key.slot);
  }

  /** Drops sources idle for longer than the window (NAS source ports come and go). */
  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [source, slots] of this.#sources) {
      for (const [slot, entry] of slots) if (now - entry.at > this.#windowMs) slots.delete(slot);
      if (slots.size === 0) this.#sources.delete(source);
    }
  }

  get size(): number {
    let n = 0;
    for (const slots of this.#sources.values()) n += slots.size;
    return n;
  }
}
