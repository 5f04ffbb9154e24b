/**
 * The fields of a serialized OpenSSL session (what Node's 'newSession' hands us: i2d_SSL_SESSION)
 * that a TLS 1.2 session-ID resumption needs. The layout is OpenSSL's SSL_SESSION_ASN1 (checked
 * against `openssl asn1parse` of real sessions from this Node):
 *   SEQUENCE { version INTEGER, ssl_version INTEGER, cipher OCTET STRING (2), session_id OCTET
 *   STRING, master_key OCTET STRING, [1] time, [2] timeout, [3] peer Certificate, [4] sid_ctx,
 *   [5] verify_result (absent = X509_V_OK), ..., [13] flags (bit 0: extended master secret), ... }
 * Returns undefined for anything it does not fully understand (the caller then lets OpenSSL do
 * the resumption).
 */
import { derChildren, readDer } from './der.js';

const Tag = { Integer: 0x02, OctetString: 0x04, Sequence: 0x30 } as const;
const explicit = (n: number): number => 0xa0 + n;
const SESSION_ASN1_VERSION = 1;
const FLAG_EXTENDED_MASTER_SECRET = 1;
const MASTER_SECRET_LENGTH = 48;

export interface StoredSession {
  /** 0x0303 for TLS 1.2. */
  protocolVersion: number;
  cipherSuite: number;
  sessionId: Buffer;
  masterSecret: Buffer;
  /** Seconds since the epoch when the session was made, and its lifetime in seconds. */
  time: number;
  timeout: number;
  sessionIdContext: Buffer;
  /** OpenSSL's verdict on the client certificate at the full handshake (0 = OK). */
  verifyResult: number;
  /** DER of the client certificate kept in the session, if any (a view into the session data). */
  peerCertificate: Buffer | undefined;
  extendedMasterSecret: boolean;
}

export function parseStoredSession(der: Buffer): StoredSession | undefined {
  try {
    const { node, next } = readDer(der, 0);
    if (node.tag !== Tag.Sequence || next !== der.length) return undefined;
    const fields = derChildren(node.value);
    const [version, sslVersion, cipher, sessionId, masterKey] = fields;
    if (
      version?.tag !== Tag.Integer ||
      sslVersion?.tag !== Tag.Integer ||
      cipher?.tag !== Tag.OctetString ||
      sessionId?.tag !== Tag.OctetString ||
      masterKey?.tag !== Tag.OctetString
    ) {
      return undefined;
    }
    if (unsigned(version.value) !== SESSION_ASN1_VERSION || cipher.value.length !== 2 || masterKey.value.length !== MASTER_SECRET_LENGTH) {
      return undefined;
    }
    const tagged = new Map<number, Buffer>();
    for (const field of fields.slice(5)) {
      if (tagged.has(field.tag)) return undefined;
      tagged.set(field.tag, field.value);
    }
    const time = explicitInteger(tagged.get(explicit(1)));
    const timeout = explicitInteger(tagged.get(explicit(2)));
    const sidCtx = explicitInner(tagged.get(explicit(4)), Tag.OctetString);
    const verifyResult = tagged.has(explicit(5)) ? explicitInteger(tagged.get(explicit(5))) : 0;
    const flags = tagged.has(explicit(13)) ? explicitInteger(tagged.get(explicit(13))) : 0;
    if (time === undefined || timeout === undefined || sidCtx === undefined || verifyResult === undefined || flags === undefined) {
      return undefined;
    }
    return {
      protocolVersion: unsigned(sslVersion.value) ?? -1,
      cipherSuite: cipher.value.readUInt16BE(0),
      sessionId: sessionId.value,
      masterSecret: masterKey.value,
      time,
      timeout,
      sessionIdContext: sidCtx,
      verifyResult,
      peerCertificate: explicitInner(tagged.get(explicit(3)), Tag.Sequence, true),
      extendedMasterSecret: (flags & FLAG_EXTENDED_MASTER_SECRET) !== 0,
    };
  } catch {
    return undefined;
  }
}

/** The protocol version of a serialized session without parsing the rest (0 if unreadable). */
export function storedSessionVersion(der: Buffer): number {
  try {
    const outer = readDer(der, 0).node;
    const first = readDer(outer.value, 0);
    const second = readDer(outer.value, first.next).node;
    return second.tag === Tag.Integer ? unsigned(second.value) ?? 0 : 0;
  } catch {
    return 0;
  }
}

/** The single TLV inside an explicit tag: its value, or the whole TLV with `whole`. */
function explicitInner(value: Buffer | undefined, tag: number, whole = false): Buffer | undefined {
  if (!value) return undefined;
  const { node, next } = readDer(value, 0);
  if (node.tag !== tag || next !== value.length) return undefined;
  return whole ? node.raw : node.value;
}

function explicitInteger(value: Buffer | undefined): number | undefined {
  const inner = explicitInner(value, Tag.Integer);
  return inner ? unsigned(inner) : undefined;
}

/** A non-negative INTEGER up to 2^48 (times, flags); undefined for negative or longer values. */
function unsigned(value: Buffer): number | undefined {
  if (value.length === 0 || value.length > 7 || (value[0]! & 0x80) !== 0) return undefined;
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}
