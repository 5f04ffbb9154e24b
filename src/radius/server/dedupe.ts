// RFC 5080 §2.2.2 duplicate detection. A NAS retransmits the identical packet (same source, port, code,
// Identifier and Request Authenticator). A duplicate of a request still being processed is dropped; a
// duplicate of an answered one gets the cached reply bytes, never a second run of the handler (which would
// advance an EAP/TLS conversation twice or write accounting twice).

type Entry = { reply: Buffer | undefined; done: boolean };

export type DuplicateCheck =
  | { kind: 'new' }
  | { kind: 'in-flight' }
  | { kind: 'answered'; reply: Buffer | undefined };

/**
 * Entries live between one and two windows: two generations of maps are rotated every window, so expiry
 * needs no per-entry timer and costs nothing per packet.
 */
export class DuplicateCache {
  #current = new Map<string, Entry>();
  #previous = new Map<string, Entry>();
  #rotatedAt: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
    this.#rotatedAt = now();
  }

  static key(address: string, port: number, packet: Buffer): string {
    // code, identifier and the 16-byte authenticator, as latin1 (one char per byte, cheap to hash).
    return `${address}|${port}|${packet.toString('latin1', 0, 2)}${packet.toString('latin1', 4, 20)}`;
  }

  #rotate(): void {
    const now = this.#now();
    if (now - this.#rotatedAt < this.#windowMs) return;
    // Idle for two windows or more: everything is older than the window.
    this.#previous = now - this.#rotatedAt >= 2 * this.#windowMs ? new Map() : this.#current;
    this.#current = new Map();
    this.#rotatedAt = now;
  }

  /** Looks the request up; a new one is recorded as in flight. */
  check(key: string): DuplicateCheck {
    this.#rotate();
    const entry = this.#current.get(key) ?? this.#previous.get(key);
    if (!entry) {
      this.#current.set(key, { reply: undefined, done: false });
      return { kind: 'new' };
    }
    return entry.done ? { kind: 'answered', reply: entry.reply } : { kind: 'in-flight' };
  }

  /** Records the reply (undefined = the request was answered with silence, e.g. a failed accounting write). */
  complete(key: string, reply: Buffer | undefined): void {
    const entry = this.#current.get(key) ?? this.#previous.get(key);
    if (entry) {
      entry.reply = reply;
      entry.done = true;
    }
  }

  /** Forgets a request so a retransmission is processed again (used when no reply could be produced yet). */
  forget(key: string): void {
    this.#current.delete(key);
    this.#previous.delete(key);
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}
