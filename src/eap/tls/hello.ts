/**
 * TLS 1.2 hello messages (RFC 5246 §7.4.1.2/§7.4.1.3, extensions RFC 5246 §7.4.1.4): the
 * ClientHello parsed out of the peer's first flight, the ServerHello we build for a session-ID
 * resumption. Pure functions; the parser never throws and answers undefined for anything that is
 * not exactly one well-formed ClientHello in plaintext handshake records.
 */

export const ContentType = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23 } as const;
export const HandshakeType = { ClientHello: 1, ServerHello: 2, Finished: 20 } as const;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;
export const RECORD_HEADER_LENGTH = 5;
export const HANDSHAKE_HEADER_LENGTH = 4;
export const RANDOM_LENGTH = 32;
/** RFC 5246 §6.2.1: a plaintext fragment is at most 2^14 octets. */
const MAX_FRAGMENT = 16_384;
const MAX_SESSION_ID = 32;

export const ExtensionType = {
  ServerName: 0,
  MaxFragmentLength: 1,
  StatusRequest: 5,
  SupportedGroups: 10,
  EcPointFormats: 11,
  SignatureAlgorithms: 13,
  Alpn: 16,
  SignedCertificateTimestamp: 18,
  Padding: 21,
  EncryptThenMac: 22,
  ExtendedMasterSecret: 23,
  RecordSizeLimit: 28,
  SessionTicket: 35,
  PreSharedKey: 41,
  EarlyData: 42,
  SupportedVersions: 43,
  PskKeyExchangeModes: 45,
  PostHandshakeAuth: 49,
  SignatureAlgorithmsCert: 50,
  KeyShare: 51,
  RenegotiationInfo: 0xff01,
} as const;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3). */
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

export interface HelloExtension {
  type: number;
  data: Buffer;
}

export interface ClientHello {
  /** The handshake message, header included (the Finished transcript starts with it). */
  message: Buffer;
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cipherSuites: number[];
  compressionMethods: Buffer;
  /** In the order sent; empty when the hello has no extensions block. */
  extensions: HelloExtension[];
}

/**
 * The plaintext handshake bytes carried by `records`, when every record is a TLS handshake
 * record of legal size and nothing trails the last one.
 */
export function handshakePayload(records: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < records.length) {
    if (offset + RECORD_HEADER_LENGTH > records.length) return undefined;
    const type = records[offset]!;
    const major = records[offset + 1]!;
    const length = records.readUInt16BE(offset + 3);
    if (type !== ContentType.Handshake || major !== 3 || length === 0 || length > MAX_FRAGMENT) return undefined;
    const end = offset + RECORD_HEADER_LENGTH + length;
    if (end > records.length) return undefined;
    parts.push(records.subarray(offset + RECORD_HEADER_LENGTH, end));
    offset = end;
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The ClientHello in `records` (the peer's first flight), or undefined if it is anything else. */
export function parseClientHello(records: Buffer): ClientHello | undefined {
  const payload = handshakePayload(records);
  if (!payload || payload.length < HANDSHAKE_HEADER_LENGTH || payload[0] !== HandshakeType.ClientHello) return undefined;
  const bodyLength = payload.readUIntBE(1, 3);
  if (HANDSHAKE_HEADER_LENGTH + bodyLength !== payload.length) return undefined; // one message, nothing after it
  const r = new Reader(payload, HANDSHAKE_HEADER_LENGTH);
  const version = r.u16();
  const random = r.bytes(RANDOM_LENGTH);
  const sessionId = r.vector(1);
  const suites = r.vector(2);
  const compressionMethods = r.vector(1);
  if (r.failed || sessionId.length > MAX_SESSION_ID || suites.length < 2 || suites.length % 2 !== 0 || compressionMethods.length < 1) {
    return undefined;
  }
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
  const extensions: HelloExtension[] = [];
  if (!r.atEnd) {
    const block = r.vector(2);
    if (r.failed || !r.atEnd) return undefined;
    const e = new Reader(block, 0);
    while (!e.atEnd) {
      const type = e.u16();
      const data = e.vector(2);
      if (e.failed) return undefined;
      extensions.push({ type, data });
    }
  }
  return { message: payload, version, random, sessionId, cipherSuites, compressionMethods, extensions };
}

/** RFC 8446 §4.2.11: the identities offered in a pre_shared_key extension (TLS 1.3 tickets). */
export function pskIdentities(data: Buffer): Buffer[] | undefined {
  const r = new Reader(data, 0);
  const list = r.vector(2);
  if (r.failed) return undefined;
  const l = new Reader(list, 0);
  const out: Buffer[] = [];
  while (!l.atEnd) {
    const identity = l.vector(2);
    l.bytes(4); // obfuscated_ticket_age
    if (l.failed) return undefined;
    out.push(identity);
  }
  return out;
}

/** RFC 8446 §4.2.1: the versions listed in a ClientHello supported_versions extension. */
export function supportedVersions(data: Buffer): number[] | undefined {
  const r = new Reader(data, 0);
  const list = r.vector(1);
  if (r.failed || !r.atEnd || list.length % 2 !== 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < list.length; i += 2) out.push(list.readUInt16BE(i));
  return out;
}

export interface ServerHelloInput {
  random: Buffer;
  sessionId: Buffer;
  cipherSuite: number;
  extensions: readonly HelloExtension[];
}

/** A TLS 1.2 ServerHello handshake message (header included, no record header). */
export function encodeServerHello(hello: ServerHelloInput): Buffer {
  const extLength = hello.extensions.reduce((n, e) => n + 4 + e.data.length, 0);
  const bodyLength = 2 + RANDOM_LENGTH + 1 + hello.sessionId.length + 2 + 1 + (hello.extensions.length > 0 ? 2 + extLength : 0);
  const out = Buffer.allocUnsafe(HANDSHAKE_HEADER_LENGTH + bodyLength);
  out[0] = HandshakeType.ServerHello;
  out.writeUIntBE(bodyLength, 1, 3);
  let o = HANDSHAKE_HEADER_LENGTH;
  o = out.writeUInt16BE(TLS12, o);
  o += hello.random.copy(out, o);
  out[o++] = hello.sessionId.length;
  o += hello.sessionId.copy(out, o);
  o = out.writeUInt16BE(hello.cipherSuite, o);
  out[o++] = 0; // compression: null
  if (hello.extensions.length > 0) {
    o = out.writeUInt16BE(extLength, o);
    for (const e of hello.extensions) {
      o = out.writeUInt16BE(e.type, o);
      o = out.writeUInt16BE(e.data.length, o);
      o += e.data.copy(out, o);
    }
  }
  return out;
}

/** One plaintext record around `fragment` (≤ 2^14 octets). */
export function encodeRecord(type: number, fragment: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_LENGTH + fragment.length);
  out[0] = type;
  out.writeUInt16BE(TLS12, 1);
  out.writeUInt16BE(fragment.length, 3);
  fragment.copy(out, RECORD_HEADER_LENGTH);
  return out;
}

/** Bounds-checked big-endian reader; after any overrun `failed` is true and reads return zeros. */
class Reader {
  readonly #buf: Buffer;
  #offset: number;
  failed = false;

  constructor(buf: Buffer, offset: number) {
    this.#buf = buf;
    this.#offset = offset;
  }

  get atEnd(): boolean {
    return this.#offset >= this.#buf.length;
  }

  u16(): number {
    if (this.#offset + 2 > this.#buf.length) return this.#fail(0);
    const v = this.#buf.readUInt16BE(this.#offset);
    this.#offset += 2;
    return v;
  }

  bytes(length: number): Buffer {
    if (this.#offset + length > this.#buf.length) return this.#fail(Buffer.alloc(0));
    const v = this.#buf.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return v;
  }

  /** A vector with a `lengthOctets`-octet length prefix. */
  vector(lengthOctets: 1 | 2): Buffer {
    if (this.#offset + lengthOctets > this.#buf.length) return this.#fail(Buffer.alloc(0));
    const length = lengthOctets === 1 ? this.#buf[this.#offset]! : this.#buf.readUInt16BE(this.#offset);
    this.#offset += lengthOctets;
    return this.bytes(length);
  }

  #fail<T>(value: T): T {
    this.failed = true;
    this.#offset = this.#buf.length;
    return value;
  }
}
