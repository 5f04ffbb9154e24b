// A bounded set of recently seen keys with an expiry each (webhook fingerprints, SET jti values). When it is
// full, expired keys are swept; if it is still full, the oldest insertions go first, so memory stays bounded
// whatever a sender does.

export class ReplayCache {
  readonly #expiry = new Map<string, number>();
  readonly #capacity: number;
  readonly #now: () => number;

  constructor(options: { capacity: number; now?: () => number }) {
    this.#capacity = Math.max(1, options.capacity);
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#expiry.size;
  }

  /** True when `key` was added and has not expired. */
  has(key: string): boolean {
    const until = this.#expiry.get(key);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#expiry.delete(key);
    return false;
  }

  /** Remembers `key` until `expiresAt` (ms since epoch). */
  add(key: string, expiresAt: number): void {
    this.#expiry.delete(key); // re-insert at the end: it is the newest now
    if (this.#expiry.size >= this.#capacity) this.#evict();
    this.#expiry.set(key, expiresAt);
  }

  /**
   * Adds `key` unless it is already there: true = first time seen. One call, so two concurrent requests with
   * the same key cannot both pass.
   */
  claim(key: string, expiresAt: number): boolean {
    if (this.has(key)) return false;
    this.add(key, expiresAt);
    return true;
  }

  delete(key: string): void {
    this.#expiry.delete(key);
  }

  #evict(): void {
    const now = this.#now();
    for (const [k, until] of this.#expiry) if (until <= now) this.#expiry.delete(k);
    while (this.#expiry.size >= this.#capacity) {
      const oldest = this.#expiry.keys().next().value;
      if (oldest === undefined) break;
      this.#expiry.delete(oldest);
    }
  }
}
