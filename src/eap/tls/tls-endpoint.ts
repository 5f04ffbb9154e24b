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
import type { TlsSessionCache } from './session-cache.js';
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
      sessionIdContext: sessionIdContext(config.name, config.requestCert, t.caFingerprints),
      ticketKeys: config.ticketKeys,
      sessionTimeout: t.resumption.lifetimeSeconds,
      ...(t.resumption.enabled ? {} : { secureOptions: cryptoConstants.SSL_OP_NO_TICKET }),
      handshakeTimeout: config.handshakeTimeoutMs,
    });
    this.#server.on('secureConnection', (socket: tls.TLSSocket) => this.#adopt(socket));
    const cache = config.sessionCache;
    if (t.resumption.enabled && cache) {
      this.#server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
        cache.set(id, data);
        done();
      });
      this.#server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
        done(null, cache.get(id) ?? null);
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
