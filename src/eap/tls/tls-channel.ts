/**
 * One conversation's TLS server connection, driven message by message: the EAP layer pushes a
 * reassembled peer message in and takes the next flight out. The TLSSocket belongs to the shared
 * tls.Server (see tls-endpoint.ts); this side only sees an in-memory Duplex.
 */
import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { EapLogger } from '../types.js';
import type { PeerCertificate } from './certificate-policy.js';
import { HandshakeType, helloRandom, helloSessionId, plaintextAlert } from './records.js';
import type { TlsEndpoint } from './tls-endpoint.js';

/** Ticks waited for OpenSSL output to stop changing after a push (normally 1–2 are used). */
const MAX_SETTLE_TICKS = 6;

export type ChannelPhase = 'HANDSHAKE' | 'SECURE' | 'FAILED' | 'CLOSED';

/** What a TLS-based method may use once the server-side handshake is complete. */
export interface TlsTunnel {
  readonly protocol: string;
  readonly resumed: boolean;
  /** OpenSSL's verdict on the client certificate (false when none was sent). */
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  /** The client certificate OpenSSL holds (parsed once per connection); undefined when none was sent. */
  peerCertificate(): X509Certificate | undefined;
  /** The client certificate as checked when the session was made, on a fast resumption (no OpenSSL). */
  readonly cachedPeer?: PeerCertificate | undefined;
  /** Keeps the checked client certificate with this TLS 1.2 session, for fast resumption later. */
  rememberPeer(peer: PeerCertificate): void;
  exportKeyingMaterial(length: number, label: string, context?: Buffer): Buffer;
  /** Client and server hello randoms of this handshake (for the TLS 1.2 Session-Id). */
  readonly clientRandom: Buffer | undefined;
  readonly serverRandom: Buffer | undefined;
  /** Writes application data into the tunnel; the records join the pending output. */
  write(data: Buffer): Promise<void>;
  /** Decrypted application data received from the peer since the last call. */
  takeApplicationData(): Buffer;
}

/** A server-side TLS connection driven by the EAP-TLS family method: Node's (TlsChannel) or fast-resumption.ts. */
export interface ServerTlsConnection extends TlsTunnel {
  readonly phase: ChannelPhase;
  readonly failureReason: string | undefined;
  /** Pushes one complete peer message (TLS records) and waits until the answer is ready. */
  feed(records: Buffer): Promise<void>;
  /** Everything to send since the last call (the next flight). */
  takeOutput(): Buffer;
  /** Frees the connection; idempotent. */
  close(): void;
}

class ChannelDuplex extends Duplex {
  readonly #onWrite: (chunk: Buffer) => void;
  readonly #onGone: () => void;
  readonly #onDestroyed: () => void;
  constructor(onWrite: (chunk: Buffer) => void, onGone: () => void, onDestroyed: () => void) {
    super();
    this.#onWrite = onWrite;
    this.#onGone = onGone;
    this.#onDestroyed = onDestroyed;
  }
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#onWrite(chunk);
    callback();
  }
  override _final(callback: (error?: Error | null) => void): void {
    this.#onGone();
    callback();
  }
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#onGone();
    this.#onDestroyed();
    callback(error);
  }
}

export class TlsChannel implements ServerTlsConnection {
  readonly duplex: Duplex;
  readonly #endpoint: TlsEndpoint;
  readonly #log: EapLogger;
  #socket: TLSSocket | undefined;
  #phase: ChannelPhase = 'HANDSHAKE';
  #failure: string | undefined;
  #output: Buffer[] = [];
  #appData: Buffer[] = [];
  /** Bumped on every observable change, so settle() knows when OpenSSL has gone quiet. */
  #progress = 0;
  #clientRandom: Buffer | undefined;
  #serverRandom: Buffer | undefined;
  #serverSessionId: Buffer | undefined;
  /** getPeerX509Certificate() copies and re-parses the certificate on every call: once is enough. */
  #peerCertificate: X509Certificate | undefined | null = null;
  /** TLS 1.3 stateful ticket offered in our ClientHello, registered with the endpoint (see feed). */
  #pskAlias: Buffer | undefined;
  #peerAlert: string | undefined;
  #ourAlert: string | undefined;

  /** `onDestroyed` runs once, when the connection's Duplex is destroyed (by either side). */
  constructor(endpoint: TlsEndpoint, log: EapLogger, onDestroyed: () => void = () => {}) {
    this.#endpoint = endpoint;
    this.#log = log;
    this.duplex = new ChannelDuplex(
      (chunk) => this.#onOutput(chunk),
      () => this.#onTransportGone(),
      onDestroyed,
    );
  }

  get phase(): ChannelPhase {
    return this.#phase;
  }

  get failureReason(): string | undefined {
    return this.#failure;
  }

  /** Called by the endpoint inside this channel's feed window. */
  adopt(socket: TLSSocket): boolean {
    if (this.#socket || this.#phase !== 'HANDSHAKE') return false;
    this.#socket = socket;
    this.#phase = 'SECURE';
    this.#progress++;
    socket.on('data', (data: Buffer) => {
      this.#appData.push(data);
      this.#progress++;
    });
    socket.on('error', (err: Error & { code?: string }) => this.#fail(`TLS error after handshake: ${err.code ?? err.message}`));
    socket.on('close', () => this.#fail('TLS connection closed'));
    return true;
  }

  /** Pushes one complete peer message (TLS records) and waits until OpenSSL has answered. */
  async feed(records: Buffer): Promise<void> {
    if (this.#phase === 'FAILED' || this.#phase === 'CLOSED') return;
    if (!this.#clientRandom) {
      this.#clientRandom = helloRandom(records, HandshakeType.ClientHello);
      this.#pskAlias = this.#endpoint.notePskOffer(records);
    }
    const alert = plaintextAlert(records);
    if (alert) this.#peerAlert = alert.name;
    this.#endpoint.feedWindow(this, () => this.duplex.push(records));
    await this.#settle();
  }

  async write(data: Buffer): Promise<void> {
    if (this.#phase !== 'SECURE' || !this.#socket) return;
    this.#socket.write(data);
    await this.#settle();
  }

  /** Everything OpenSSL wrote since the last call (the next flight). */
  takeOutput(): Buffer {
    const out = this.#output.length === 1 ? this.#output[0]! : Buffer.concat(this.#output);
    this.#output = [];
    return out;
  }

  takeApplicationData(): Buffer {
    const data = this.#appData.length === 1 ? this.#appData[0]! : Buffer.concat(this.#appData);
    this.#appData = [];
    return data;
  }

  get protocol(): string {
    return this.#socket?.getProtocol() ?? 'unknown';
  }

  get resumed(): boolean {
    return this.#socket?.isSessionReused() ?? false;
  }

  get authorized(): boolean {
    return this.#socket?.authorized === true;
  }

  get authorizationError(): string | undefined {
    const err = this.#socket?.authorizationError;
    return err === null || err === undefined ? undefined : String(err);
  }

  get clientRandom(): Buffer | undefined {
    return this.#clientRandom;
  }

  get serverRandom(): Buffer | undefined {
    return this.#serverRandom;
  }

  peerCertificate(): X509Certificate | undefined {
    if (this.#peerCertificate === null) {
      if (!this.#socket) return undefined;
      this.#peerCertificate = this.#socket.getPeerX509Certificate();
    }
    return this.#peerCertificate;
  }

  rememberPeer(peer: PeerCertificate): void {
    // Only a full TLS 1.2 handshake made a new session ID worth keeping the certificate for.
    if (this.protocol !== 'TLSv1.2' || !this.#serverSessionId || this.#serverSessionId.length === 0) return;
    this.#endpoint.rememberPeer(this.#serverSessionId, peer);
  }

  exportKeyingMaterial(length: number, label: string, context?: Buffer): Buffer {
    if (!this.#socket) throw new Error('TLS handshake not complete');
    // No context ≠ empty context for TLS 1.2 (fact sheet §0); @types/node wants one, Node does not.
    const exporter = this.#socket.exportKeyingMaterial.bind(this.#socket) as (length: number, label: string, context?: Buffer) => Buffer;
    return exporter(length, label, context);
  }

  /** Destroys the socket and the Duplex; idempotent. */
  close(): void {
    if (this.#phase === 'CLOSED') return;
    this.#phase = 'CLOSED';
    this.#output = [];
    this.#appData = [];
    if (this.#pskAlias) this.#endpoint.forgetPskOffer(this.#pskAlias);
    this.#socket?.destroy();
    this.duplex.destroy();
  }

  #onOutput(chunk: Buffer): void {
    if (this.#phase === 'CLOSED') return;
    if (!this.#serverRandom) {
      this.#serverRandom = helloRandom(chunk, HandshakeType.ServerHello);
      if (this.#serverRandom) this.#serverSessionId = helloSessionId(chunk, HandshakeType.ServerHello);
    }
    if (this.#phase === 'HANDSHAKE' && !this.#ourAlert) {
      const alert = plaintextAlert(chunk);
      if (alert) this.#ourAlert = alert.name;
    }
    this.#output.push(Buffer.from(chunk));
    this.#progress++;
  }

  #onTransportGone(): void {
    if (this.#phase === 'CLOSED') return;
    this.#fail(this.#phase === 'HANDSHAKE' ? this.#handshakeFailure() : 'TLS connection closed');
  }

  #fail(reason: string): void {
    if (this.#phase === 'FAILED' || this.#phase === 'CLOSED') return;
    this.#phase = 'FAILED';
    this.#failure = reason;
    this.#progress++;
    this.#log.debug({ method: this.#endpoint.name, reason }, 'TLS channel failed');
  }

  #handshakeFailure(): string {
    if (this.#peerAlert) {
      const hint = this.#peerAlert === 'unknown_ca' || this.#peerAlert === 'bad_certificate' || this.#peerAlert === 'certificate_unknown'
        ? ' (the peer does not accept our server certificate)'
        : '';
      return `TLS handshake failed: peer sent alert ${this.#peerAlert}${hint}`;
    }
    if (this.#ourAlert === 'protocol_version') {
      return `TLS handshake failed: no common TLS version (server allows ${this.#endpoint.minVersion}..${this.#endpoint.maxVersion}; alert protocol_version)`;
    }
    if (this.#ourAlert) return `TLS handshake failed: server sent alert ${this.#ourAlert}`;
    return 'TLS handshake failed';
  }

  async #settle(): Promise<void> {
    for (let tick = 0; tick < MAX_SETTLE_TICKS; tick++) {
      const before = this.#progress;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#progress === before) return;
    }
  }
}
