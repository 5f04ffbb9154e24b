/**
 * TLS 1.2 session-ID resumption without OpenSSL (RFC 5246 §7.3 abbreviated handshake), for
 * EAP-TLS peers that come back with a session an earlier full handshake made and a successful
 * authentication left in the session cache:
 *
 *   ClientHello(session_id)  →  ServerHello, ChangeCipherSpec, Finished  →  ChangeCipherSpec, Finished
 *
 * A Node TLSSocket, its SSL object and the re-decoding of the stored session (client certificate
 * included) cost more than the whole rest of such an authentication; here it is a few HMACs and
 * two AES-GCM operations. Anything this file does not fully understand — tickets, TLS 1.3, a suite
 * or extension outside the small set below, a session without extended master secret, a session
 * made under other trust settings — returns undefined, and the caller lets Node do the handshake.
 *
 * The client's Finished is the proof: it is computed from the master secret, which only the
 * holder of the session has, and over our fresh server random, so a recorded flight cannot be
 * replayed. A Finished that does not verify fails the authentication and removes the session
 * (RFC 5246 §7.2.2: a session of a connection that failed is not resumable).
 */
import { timingSafeEqual, type X509Certificate } from 'node:crypto';
import { randomOctets } from '../random-pool.js';
import type { EapLogger } from '../types.js';
import type { PeerCertificate } from './certificate-policy.js';
import {
  ContentType,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  ExtensionType,
  HANDSHAKE_HEADER_LENGTH,
  HandshakeType,
  RECORD_HEADER_LENGTH,
  TLS12,
  TLS13,
  encodeRecord,
  encodeServerHello,
  parseClientHello,
  supportedVersions,
  type ClientHello,
  type HelloExtension,
} from './hello.js';
import { alertName, plaintextAlert } from './records.js';
import type { ResumableSession, TlsSessionCache } from './session-cache.js';
import type { ChannelPhase, ServerTlsConnection } from './tls-channel.js';
import {
  AEAD_SUITES,
  TranscriptHash,
  VERIFY_DATA_LENGTH,
  finishedVerifyData,
  keyBlock,
  openRecord,
  sealRecord,
  tls12Prf,
  type AeadSuite,
  type RecordKeys,
} from './tls12-crypto.js';

/** RFC 8446 §4.1.3: what a TLS 1.3-capable server puts at the end of a TLS 1.2 ServerHello random. */
const DOWNGRADE_TLS12 = Buffer.from('444f574e47524401', 'hex');
/** TLS_FALLBACK_SCSV (RFC 7507): the peer retries with a lower version; let OpenSSL judge it. */
const FALLBACK_SCSV = 0x5600;
const CHANGE_CIPHER_SPEC = encodeRecord(ContentType.ChangeCipherSpec, Buffer.from([1]));
const FINISHED_MESSAGE_LENGTH = HANDSHAKE_HEADER_LENGTH + VERIFY_DATA_LENGTH;
/** Where a ClientHello's session_id length sits when the hello starts a record: headers, version, random. */
const SESSION_ID_LENGTH_AT = RECORD_HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH + 2 + 32;

/** Extensions a resumed handshake may ignore (RFC 6066 §3-§8 and RFC 5246 §7.4.1.4: the session's settings apply). */
const IGNORABLE_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.ServerName,
  ExtensionType.StatusRequest,
  ExtensionType.SupportedGroups,
  ExtensionType.EcPointFormats,
  ExtensionType.SignatureAlgorithms,
  ExtensionType.Alpn,
  ExtensionType.SignedCertificateTimestamp,
  ExtensionType.Padding,
  ExtensionType.EncryptThenMac, // applies to CBC suites only; we only resume AEAD ones
  ExtensionType.RecordSizeLimit,
  ExtensionType.SignatureAlgorithmsCert,
]);

/** TLS 1.3 extensions a server capped at 1.2 ignores like any unknown one (RFC 8446 §4.2). */
const TLS13_EXTENSIONS: ReadonlySet<number> = new Set([ExtensionType.PskKeyExchangeModes, ExtensionType.PostHandshakeAuth, ExtensionType.KeyShare]);

export interface FastResumptionSettings {
  cache: TlsSessionCache;
  /** The session-id context the endpoint gave OpenSSL (trusted CAs, method). */
  sessionIdContext: Buffer;
  /** The endpoint also speaks TLS 1.3: a peer offering it goes to OpenSSL, and our random says so. */
  tls13: boolean;
  log: EapLogger;
}

interface Offer {
  hello: ClientHello;
  resumable: ResumableSession;
  suite: AeadSuite;
  secureRenegotiation: boolean;
}

/**
 * The abbreviated handshake for `records` (the peer's first flight), already answered (take the
 * flight with takeOutput()), or undefined when this ClientHello is not one we resume here.
 */
export function startFastResumption(records: Buffer, settings: FastResumptionSettings): FastResumedConnection | undefined {
  const offer = acceptableOffer(records, settings);
  return offer ? new FastResumedConnection(offer, settings) : undefined;
}

function acceptableOffer(records: Buffer, settings: FastResumptionSettings): Offer | undefined {
  if (records[0] !== ContentType.Handshake) return undefined;
  // Most first flights offer no session: skip parsing when the first record shows an empty session_id.
  if (records.length > SESSION_ID_LENGTH_AT && records.readUInt16BE(3) > SESSION_ID_LENGTH_AT - RECORD_HEADER_LENGTH && records[SESSION_ID_LENGTH_AT] === 0) {
    return undefined;
  }
  const hello = parseClientHello(records);
  if (!hello || hello.sessionId.length === 0 || hello.version < TLS12) return undefined;
  const resumable = settings.cache.resumable(hello.sessionId);
  if (!resumable) return undefined;
  const s = resumable.session;
  const suite = AEAD_SUITES.get(s.cipherSuite);
  const nowSeconds = Date.now() / 1000;
  if (
    !suite ||
    s.protocolVersion !== TLS12 ||
    s.verifyResult !== 0 ||
    !s.extendedMasterSecret ||
    !s.sessionId.equals(hello.sessionId) ||
    !s.sessionIdContext.equals(settings.sessionIdContext) ||
    s.time + s.timeout <= nowSeconds ||
    !hello.cipherSuites.includes(s.cipherSuite) ||
    hello.cipherSuites.includes(FALLBACK_SCSV) ||
    !hello.compressionMethods.includes(0)
  ) {
    return undefined;
  }
  let secureRenegotiation = hello.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV);
  let extendedMasterSecret = false;
  const seen = new Set<number>();
  for (const { type, data } of hello.extensions) {
    if (seen.has(type)) return undefined;
    seen.add(type);
    if (type === ExtensionType.RenegotiationInfo) {
      // Initial handshake: renegotiated_connection must be empty (RFC 5746 §3.6).
      if (data.length !== 1 || data[0] !== 0) return undefined;
      secureRenegotiation = true;
    } else if (type === ExtensionType.ExtendedMasterSecret) {
      if (data.length !== 0) return undefined;
      extendedMasterSecret = true;
    } else if (type === ExtensionType.SessionTicket) {
      if (data.length !== 0) return undefined; // a ticket: OpenSSL's business
    } else if (type === ExtensionType.SupportedVersions) {
      const versions = supportedVersions(data);
      if (!versions || !versions.includes(TLS12) || (settings.tls13 && versions.includes(TLS13))) return undefined;
    } else if (!IGNORABLE_EXTENSIONS.has(type) && (settings.tls13 || !TLS13_EXTENSIONS.has(type))) {
      return undefined;
    }
  }
  // RFC 7627 §5.3: a session made with extended master secret resumes only if the hello asks for it
  // (without it OpenSSL aborts, as the RFC says; it can tell the peer).
  if (!extendedMasterSecret) return undefined;
  return { hello, resumable, suite, secureRenegotiation };
}

export class FastResumedConnection implements ServerTlsConnection {
  readonly protocol = 'TLSv1.2';
  readonly resumed = true;
  readonly authorized = true;
  readonly authorizationError = undefined;
  readonly cachedPeer: PeerCertificate;
  readonly clientRandom: Buffer;
  readonly serverRandom: Buffer;
  readonly #settings: FastResumptionSettings;
  readonly #sessionId: Buffer;
  readonly #suite: AeadSuite;
  readonly #masterSecret: Buffer;
  readonly #keys: RecordKeys;
  /** Transcript hash after ClientHello, ServerHello and our Finished: what the client's Finished covers. */
  readonly #transcript: TranscriptHash;
  #phase: ChannelPhase = 'HANDSHAKE';
  #failure: string | undefined;
  #output: Buffer;

  constructor(offer: Offer, settings: FastResumptionSettings) {
    this.#settings = settings;
    const { hello, resumable, suite } = offer;
    this.#sessionId = Buffer.from(hello.sessionId);
    this.#suite = suite;
    this.#masterSecret = resumable.session.masterSecret;
    this.cachedPeer = resumable.peer;
    this.clientRandom = Buffer.from(hello.random);
    this.serverRandom = Buffer.from(randomOctets(32));
    if (settings.tls13) DOWNGRADE_TLS12.copy(this.serverRandom, 32 - DOWNGRADE_TLS12.length);

    const extensions: HelloExtension[] = [];
    if (offer.secureRenegotiation) extensions.push({ type: ExtensionType.RenegotiationInfo, data: Buffer.from([0]) });
    extensions.push({ type: ExtensionType.ExtendedMasterSecret, data: Buffer.alloc(0) });
    const serverHello = encodeServerHello({ random: this.serverRandom, sessionId: this.#sessionId, cipherSuite: suite.id, extensions });

    this.#keys = keyBlock(suite, this.#masterSecret, this.clientRandom, this.serverRandom);
    this.#transcript = new TranscriptHash(suite.prfHash).update(hello.message, serverHello);
    const serverFinished = finishedMessage(finishedVerifyData(suite, this.#masterSecret, 'server', this.#transcript.digest()));
    this.#transcript.update(serverFinished);
    this.#output = Buffer.concat([
      encodeRecord(ContentType.Handshake, serverHello),
      CHANGE_CIPHER_SPEC,
      sealRecord(suite, this.#keys.serverKey, this.#keys.serverIv, 0n, ContentType.Handshake, serverFinished),
    ]);
  }

  get phase(): ChannelPhase {
    return this.#phase;
  }

  get failureReason(): string | undefined {
    return this.#failure;
  }

  /** The peer's ChangeCipherSpec and Finished (anything else fails the handshake). */
  async feed(records: Buffer): Promise<void> {
    if (this.#phase !== 'HANDSHAKE') return;
    const verdict = this.#checkClientFinished(records);
    if (verdict === undefined) {
      this.#phase = 'SECURE';
      return;
    }
    this.#phase = 'FAILED';
    this.#failure = `TLS resumption failed: ${verdict}`;
    // RFC 5246 §7.2.2: this session must not be resumed again.
    this.#settings.cache.delete(this.#sessionId);
    this.#settings.log.debug({ method: 'EAP-TLS', reason: this.#failure }, 'TLS channel failed');
  }

  takeOutput(): Buffer {
    const out = this.#output;
    this.#output = Buffer.alloc(0);
    return out;
  }

  takeApplicationData(): Buffer {
    return Buffer.alloc(0);
  }

  async write(): Promise<void> {
    throw new Error('a fast-resumed EAP-TLS connection carries no application data');
  }

  peerCertificate(): X509Certificate | undefined {
    return undefined;
  }

  rememberPeer(): void {}

  /** RFC 5705 / RFC 5216 §2.3: PRF(master, label, client_random ‖ server_random [‖ length ‖ context]). */
  exportKeyingMaterial(length: number, label: string, context?: Buffer): Buffer {
    if (this.#phase !== 'SECURE') throw new Error('TLS handshake not complete');
    const parts = [this.clientRandom, this.serverRandom];
    if (context) {
      const size = Buffer.allocUnsafe(2);
      size.writeUInt16BE(context.length, 0);
      parts.push(size, context);
    }
    return tls12Prf(this.#suite.prfHash, this.#masterSecret, label, Buffer.concat(parts), length);
  }

  close(): void {
    if (this.#phase === 'HANDSHAKE' || this.#phase === 'SECURE') this.#phase = 'CLOSED';
    this.#output = Buffer.alloc(0);
    // The record keys die with the connection (the master secret stays with the cached session).
    for (const key of Object.values(this.#keys)) key.fill(0);
  }

  /** undefined when the flight is exactly ChangeCipherSpec + a Finished that verifies; else why not. */
  #checkClientFinished(records: Buffer): string | undefined {
    const alert = plaintextAlert(records);
    if (alert) return `peer sent alert ${alert.name}`;
    if (records.length < CHANGE_CIPHER_SPEC.length || !records.subarray(0, CHANGE_CIPHER_SPEC.length).equals(CHANGE_CIPHER_SPEC)) {
      return 'expected ChangeCipherSpec from the peer';
    }
    const at = CHANGE_CIPHER_SPEC.length;
    if (records.length < at + RECORD_HEADER_LENGTH) return 'expected Finished from the peer';
    const type = records[at]!;
    const length = records.readUInt16BE(at + 3);
    if (records[at + 1] !== 3 || at + RECORD_HEADER_LENGTH + length !== records.length) return 'malformed record after ChangeCipherSpec';
    const fragment = records.subarray(at + RECORD_HEADER_LENGTH);
    const k = this.#keys;
    const plain = openRecord(this.#suite, k.clientKey, k.clientIv, 0n, type, fragment);
    if (!plain) return 'the peer\'s Finished record does not decrypt (bad_record_mac)';
    if (type === ContentType.Alert && plain.length === 2) return `peer sent alert ${alertName(plain[1]!)}`;
    if (type !== ContentType.Handshake || plain.length !== FINISHED_MESSAGE_LENGTH || plain[0] !== HandshakeType.Finished) {
      return 'expected Finished from the peer';
    }
    const expected = finishedMessage(finishedVerifyData(this.#suite, this.#masterSecret, 'client', this.#transcript.digest()));
    if (!timingSafeEqual(plain, expected)) return 'the peer\'s Finished does not verify (decrypt_error)';
    return undefined;
  }
}

function finishedMessage(verifyData: Buffer): Buffer {
  const m = Buffer.allocUnsafe(FINISHED_MESSAGE_LENGTH);
  m[0] = HandshakeType.Finished;
  m.writeUIntBE(VERIFY_DATA_LENGTH, 1, 3);
  verifyData.copy(m, HANDSHAKE_HEADER_LENGTH);
  return m;
}
