/**
 * One tls.Server per TLS-based method and configuration generation, shared by all of its
 * conversations (one SecureContext, shared ticket keys). Conversations reach it through
 * in-memory Duplexes via server.emit('connection', duplex): only a tls.Server computes
 * `authorized` / `authorizationError` for client certificates — a standalone server TLSSocket
 * silently accepts an untrusted certificate (fact sheet §7).
 *
 * rejectUnauthorized is false on purpose: Node would destroy the socket without telling us why.
 * Instead every handshake reaches 'secureConnection', and TlsMethodSession fails any session
 * whose certificate is not `authorized` before a method hook can see it; the reason and the
 * certificate then reach the auth log.
 *
 * 'secureConnection' is emitted synchronously while the channel pushes the peer's flight into
 * its Duplex, so the socket belongs to the channel that is feeding at that moment. A socket that
 * finishes outside a feed window is destroyed (fail closed).
 */
import { constants as cryptoConstants, createHash } from 'node:crypto';
import tls from 'node:tls';
import type { ResolvedTlsOptions, TlsVersionName } from '../options.js';
import type { EapLogger } from '../types.js';
import type { PeerCertificate } from './certificate-policy.js';
import { startFastResumption, type FastResumedConnection } from './fast-resumption.js';
import { ExtensionType, TLS13, parseClientHello, pskIdentities } from './hello.js';
import type { TlsSessionCache } from './session-cache.js';
import { storedSessionVersion } from './session-der.js';
import { TlsChannel } from './tls-channel.js';

export interface TlsEndpointConfig {
  /** Method name for logs and the session-id context ("EAP-TLS"). */
  name: string;
  tls: ResolvedTlsOptions;
  /** EAP-TLS: true (mutual auth). TTLS/PEAP: false. */
  requestCert: boolean;
  /** Lower cap than tls.maxVersion (TTLS/PEAP: TLSv1.2). */
  maxVersion?: TlsVersionName;
  ticketKeys: Buffer;
  /** Backstop for sockets nobody finishes; the conversation timeout normally fires first. */
  handshakeTimeoutMs: number;
  log: EapLogger;
  /** Shared across generations: counts TLS connections that are not destroyed yet. */
  stats?: TlsStats;
  /** Session-ID resumption store (used only when resumption is enabled). */
  sessionCache?: TlsSessionCache;
}

export interface TlsStats {
  openConnections: number;
}

export class TlsEndpoint {
  readonly name: string;
  readonly requestCert: boolean;
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
  readonly #server: tls.Server;
  readonly #log: EapLogger;
  readonly #stats: TlsStats;
  readonly #sessionIdContext: string;
  /** Session-ID cache in use (resumption on), else undefined. */
  readonly #cache: TlsSessionCache | undefined;
  readonly #tickets: boolean;
  readonly #fastResumption: boolean;
  /** ClientHello legacy session ID → the TLS 1.3 stateful ticket it offers (see notePskOffer). */
  readonly #pskOffers = new Map<string, Buffer>();
  #feeding: TlsChannel | undefined;

  /** Throws if the key, certificate, CAs or CRLs are unusable. */
  constructor(config: TlsEndpointConfig) {
    const t = config.tls;
    this.name = config.name;
    this.requestCert = config.requestCert;
    this.minVersion = t.minVersion;
    this.maxVersion = config.maxVersion && rank(config.maxVersion) < rank(t.maxVersion) ? config.maxVersion : t.maxVersion;
    if (rank(this.minVersion) > rank(this.maxVersion)) {
      throw new Error(`${config.name}: TLS minVersion ${this.minVersion} is above the method's maximum ${this.maxVersion}`);
    }
    this.#log = config.log;
    this.#stats = config.stats ?? { openConnections: 0 };
    this.#sessionIdContext = sessionIdContext(config.name, config.requestCert, t.caFingerprints);
    const cache = t.resumption.enabled ? config.sessionCache : undefined;
    this.#cache = cache;
    this.#tickets = t.resumption.enabled && t.resumption.tickets;
    // Only EAP-TLS: its peers prove themselves with the certificate kept from the full handshake.
    this.#fastResumption = config.requestCert && t.resumption.fastPath && cache !== undefined;
    this.#server = tls.createServer({
      key: t.privateKey,
      cert: t.certificate,
      ...(t.privateKeyPassphrase !== undefined ? { passphrase: t.privateKeyPassphrase } : {}),
      ca: t.ca,
      ...(t.crl.length > 0 ? { crl: t.crl } : {}),
      requestCert: config.requestCert,
      rejectUnauthorized: false,
      minVersion: this.minVersion,
      maxVersion: this.maxVersion,
      sessionIdContext: this.#sessionIdContext,
      ticketKeys: config.ticketKeys,
      sessionTimeout: t.resumption.lifetimeSeconds,
      // Without stateless tickets OpenSSL issues TLS 1.3 stateful tickets: session IDs in our cache.
      ...(this.#tickets ? {} : { secureOptions: cryptoConstants.SSL_OP_NO_TICKET }),
      handshakeTimeout: config.handshakeTimeoutMs,
    });
    this.#server.on('secureConnection', (socket: tls.TLSSocket) => this.#adopt(socket));
    if (cache) {
      this.#server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
        // With stateless tickets a TLS 1.3 session is never looked up by ID: do not keep it.
        if (!this.#tickets || storedSessionVersion(data) !== TLS13) cache.set(id, data);
        done();
      });
      this.#server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
        done(null, cache.get(id) ?? this.#pskOfferSession(id) ?? null);
      });
    }
    // Handshake errors reach the channel through its Duplex being destroyed; keep this quiet.
    this.#server.on('tlsClientError', (err: Error & { code?: string }) => {
      this.#log.debug({ method: this.name, error: err.code ?? err.message }, 'TLS client error');
    });
  }

  openChannel(log: EapLogger): TlsChannel {
    const stats = this.#stats;
    stats.openConnections++;
    const channel = new TlsChannel(this, log, () => stats.openConnections--);
    this.#server.emit('connection', channel.duplex);
    return channel;
  }

  /**
   * The abbreviated TLS 1.2 handshake without OpenSSL for a ClientHello that resumes a session
   * this endpoint can serve that way (fast-resumption.ts); undefined otherwise.
   */
  resumeFast(records: Buffer, log: EapLogger): FastResumedConnection | undefined {
    if (!this.#fastResumption || !this.#cache || this.minVersion === 'TLSv1.3') return undefined;
    return startFastResumption(records, {
      cache: this.#cache,
      sessionIdContext: Buffer.from(this.#sessionIdContext, 'latin1'),
      tls13: this.maxVersion === 'TLSv1.3',
      log,
    });
  }

  /** Keeps the checked client certificate with session `id` (a full TLS 1.2 handshake of this endpoint). */
  rememberPeer(id: Buffer, peer: PeerCertificate): void {
    if (this.#fastResumption) this.#cache?.attachPeer(id, peer);
  }

  /**
   * TLS 1.3 stateful tickets are session IDs in our cache, but Node's 'resumeSession' only tells
   * us the ClientHello's legacy session ID. A channel registers the ticket its ClientHello offers
   * under that legacy ID before OpenSSL sees the hello. Returns the key to forget, if any.
   */
  notePskOffer(records: Buffer): Buffer | undefined {
    if (!this.#cache || this.#tickets || this.maxVersion !== 'TLSv1.3') return undefined;
    const hello = parseClientHello(records);
    if (!hello || hello.sessionId.length === 0) return undefined;
    const psk = hello.extensions.find((e) => e.type === ExtensionType.PreSharedKey);
    const ticket = psk ? pskIdentities(psk.data)?.[0] : undefined;
    if (!ticket) return undefined;
    const legacyId = Buffer.from(hello.sessionId);
    this.#pskOffers.set(legacyId.toString('latin1'), Buffer.from(ticket));
    return legacyId;
  }

  forgetPskOffer(legacyId: Buffer): void {
    this.#pskOffers.delete(legacyId.toString('latin1'));
  }

  #pskOfferSession(legacyId: Buffer): Buffer | undefined {
    const key = legacyId.toString('latin1');
    const ticket = this.#pskOffers.get(key);
    if (!ticket) return undefined;
    this.#pskOffers.delete(key);
    return this.#cache?.get(ticket);
  }

  /** Runs `push` with `channel` marked as the one whose socket may finish now. */
  feedWindow(channel: TlsChannel, push: () => void): void {
    const outer = this.#feeding;
    this.#feeding = channel;
    try {
      push();
    } finally {
      this.#feeding = outer;
    }
  }

  #adopt(socket: tls.TLSSocket): void {
    const channel = this.#feeding;
    if (!channel || !channel.adopt(socket)) {
      this.#log.warn({ method: this.name }, 'TLS handshake finished outside its conversation; socket destroyed');
      socket.destroy();
    }
  }
}

function rank(version: TlsVersionName): number {
  return version === 'TLSv1.3' ? 3 : 2;
}

/**
 * OpenSSL only resumes a session whose context matches. Binding it to the method and the trusted
 * CAs means a ticket from another method or from before a trust change gives a full handshake.
 */
function sessionIdContext(name: string, requestCert: boolean, caFingerprints: readonly string[]): string {
  const h = createHash('sha256').update(`portcullis ${name} ${requestCert ? 'mutual' : 'server'}`);
  for (const fp of [...caFingerprints].sort()) h.update(`\n${fp}`);
  return h.digest('hex').slice(0, 32); // SSL_MAX_SID_CTX_LENGTH
}
