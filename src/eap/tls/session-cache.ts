/**
 * Server-side TLS session cache for session-ID resumption. TLS 1.2 supplicants built on
 * wpa_supplicant (Linux, Android, eapol_test) turn tickets off for EAP-TLS and resume by
 * session ID, which OpenSSL can only serve from a cache. Bounded: oldest entries go first;
 * entries expire with the resumption lifetime. OpenSSL still checks the session-id context,
 * so a session from another method or trust set is never resumed from here.
 */

export class TlsSessionCache {
  readonly #entries = new Map<string, { data: Buffer; expires: number }>();
  readonly #maxEntries: number;
  #lifetimeMs: number;

  constructor(maxEntries: number, lifetimeSeconds: number) {
    this.#maxEntries = maxEntries;
    this.#lifetimeMs = lifetimeSeconds * 1000;
  }

  get size(): number {
    return this.#entries.size;
  }

  setLifetime(lifetimeSeconds: number): void {
    this.#lifetimeMs = lifetimeSeconds * 1000;
  }

  set(id: Buffer, data: Buffer): void {
    const key = id.toString('hex');
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { data, expires: Date.now() + this.#lifetimeMs });
  }

  get(id: Buffer): Buffer | undefined {
    const key = id.toString('hex');
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.data;
  }

  clear(): void {
    this.#entries.clear();
  }
}
