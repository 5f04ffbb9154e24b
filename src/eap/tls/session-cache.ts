/**
 * Server-side TLS session cache for session-ID resumption. TLS 1.2 supplicants built on
 * wpa_supplicant (Linux, Android, eapol_test) turn tickets off for EAP-TLS and resume by
 * session ID, which OpenSSL can only serve from a cache; with stateless tickets off, TLS 1.3
 * stateful tickets are session IDs in here too. Bounded: oldest entries go first; entries
 * expire with the resumption lifetime. OpenSSL still checks the session-id context, so a
 * session from another method or trust set is never resumed from here.
 *
 * A TLS 1.2 session whose EAP-TLS authentication succeeded also keeps the client certificate
 * as it was checked then, so fast-resumption.ts can resume it without OpenSSL.
 */
import type { PeerCertificate } from './certificate-policy.js';
import { parseStoredSession, type StoredSession } from './session-der.js';

/** A cached TLS 1.2 session with what fast resumption needs, parsed once. */
export interface ResumableSession {
  session: StoredSession;
  peer: PeerCertificate;
}

interface Entry {
  data: Buffer;
  expires: number;
  resumable?: ResumableSession;
}

export class TlsSessionCache {
  readonly #entries = new Map<string, Entry>();
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
    const key = id.toString('latin1');
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { data, expires: Date.now() + this.#lifetimeMs });
  }

  get(id: Buffer): Buffer | undefined {
    return this.#live(id)?.data;
  }

  /**
   * Keeps `peer` with the session `id` when that session is one fast resumption can serve
   * (TLS 1.2, readable). Returns whether it did.
   */
  attachPeer(id: Buffer, peer: PeerCertificate): boolean {
    const entry = this.#live(id);
    if (!entry) return false;
    const session = parseStoredSession(entry.data);
    if (!session || !session.sessionId.equals(id)) return false;
    // The session holds the same certificate: keep one copy.
    const der = session.peerCertificate?.equals(peer.der) ? session.peerCertificate : peer.der;
    entry.resumable = { session, peer: { ...peer, der } };
    return true;
  }

  /** The session `id` if a successful EAP-TLS authentication left its client certificate here. */
  resumable(id: Buffer): ResumableSession | undefined {
    return this.#live(id)?.resumable;
  }

  delete(id: Buffer): void {
    this.#entries.delete(id.toString('latin1'));
  }

  clear(): void {
    this.#entries.clear();
  }

  #live(id: Buffer): Entry | undefined {
    const key = id.toString('latin1');
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
