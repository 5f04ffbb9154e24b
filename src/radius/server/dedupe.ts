// RFC 5080 §2.2.2 duplicate detection. A NAS retransmits the identical packet (same source, port, code,
// Identifier and Request Authenticator). A duplicate of a request still being processed is dropped; a
// duplicate of an answered one gets the cached reply bytes, never a second run of the handler (which would
// advance an EAP/TLS conversation twice or write accounting twice).
//
// Only the latest request per (source, port, code, Identifier) is kept, as FreeRADIUS does: a NAS reuses an
// Identifier only for a new request, which replaces the old entry. Memory is bounded by the number of
// NAS source ports × 256 Identifiers, whatever the request rate.
//
// Every request passes through here, so nothing is allocated per request but its key: the slot is one small
// integer, the authenticator is kept as four numbers (no copy, no Buffer view) and a replaced entry is
// overwritten in place.

interface Entry {
  /** The Request Authenticator as four 32-bit words. */
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  code: number;
  reply: Buffer | undefined;
  done: boolean;
  at: number;
}

export type DuplicateCheck =
  | { kind: 'new' }
  | { kind: 'in-flight' }
  | { kind: 'answered'; reply: Buffer | undefined };

/** Identifies one request: its source address, its slot there (port, Identifier, code) and its authenticator. */
export interface RequestKey {
  readonly source: string;
  readonly slot: number;
  readonly code: number;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
}

const NEW: DuplicateCheck = Object.freeze({ kind: 'new' });
const IN_FLIGHT: DuplicateCheck = Object.freeze({ kind: 'in-flight' });

/**
 * The codes a RADIUS port answers, each in its own slot; every other code shares the last one (such packets
 * are dropped right after the check, and the code is compared too). Keeps the slot a small integer.
 */
function codeClass(code: number): number {
  return code === 1 ? 0 : code === 4 ? 1 : code === 12 ? 2 : 3;
}

function sameRequest(e: Entry, key: RequestKey): boolean {
  return e.a0 === key.a0 && e.a1 === key.a1 && e.a2 === key.a2 && e.a3 === key.a3 && e.code === key.code;
}

export class DuplicateCache {
  /** source address → slot ((port × 256 + Identifier) × 4 + code class) → the latest request there. */
  readonly #sources = new Map<string, Map<number, Entry>>();
  readonly #windowMs: number;
  readonly #now: () => number;
  #lastSweep: number;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
    this.#lastSweep = now();
  }

  /** The key of a request from `address`:`port` (packet: at least the 20-byte header). */
  static key(address: string, port: number, packet: Buffer): RequestKey {
    const code = packet[0];
    return {
      source: address,
      slot: ((port * 256 + packet[1]) << 2) | codeClass(code),
      code,
      a0: packet.readInt32LE(4),
      a1: packet.readInt32LE(8),
      a2: packet.readInt32LE(12),
      a3: packet.readInt32LE(16),
    };
  }

  /** Looks the request up; a new one is recorded as in flight. */
  check(key: RequestKey): DuplicateCheck {
    const now = this.#now();
    if (now - this.#lastSweep > this.#windowMs) this.#sweep(now);
    let slots = this.#sources.get(key.source);
    if (!slots) this.#sources.set(key.source, (slots = new Map()));
    const entry = slots.get(key.slot);
    if (entry === undefined) {
      slots.set(key.slot, { a0: key.a0, a1: key.a1, a2: key.a2, a3: key.a3, code: key.code, reply: undefined, done: false, at: now });
      return NEW;
    }
    if (now - entry.at <= this.#windowMs && sameRequest(entry, key)) {
      return entry.done ? { kind: 'answered', reply: entry.reply } : IN_FLIGHT;
    }
    // A new request in this slot replaces the old one.
    entry.a0 = key.a0;
    entry.a1 = key.a1;
    entry.a2 = key.a2;
    entry.a3 = key.a3;
    entry.code = key.code;
    entry.reply = undefined;
    entry.done = false;
    entry.at = now;
    return NEW;
  }

  #entry(key: RequestKey): Entry | undefined {
    const entry = this.#sources.get(key.source)?.get(key.slot);
    return entry !== undefined && sameRequest(entry, key) ? entry : undefined;
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

  /** Drops entries idle for longer than the window, and sources left with none (NAS source ports come and go). */
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
