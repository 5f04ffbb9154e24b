/**
 * Read-only peeks into plaintext TLS records passing through the EAP-TLS layer: the hello
 * randoms (for the TLS 1.2 Session-Id, RFC 5216 §2.3) and alerts (for a readable failure
 * reason). Never throws: anything unexpected yields undefined.
 */

const RECORD_HEADER = 5;
const ContentType = { Alert: 21, Handshake: 22 } as const;
export const HandshakeType = { ClientHello: 1, ServerHello: 2 } as const;
const HANDSHAKE_HEADER = 4;
const HELLO_VERSION = 2;
const RANDOM_LENGTH = 32;

/** The body of the first ClientHello/ServerHello in `records` (from its handshake header on), if present. */
function helloMessage(records: Buffer, handshakeType: number): Buffer | undefined {
  let offset = 0;
  while (offset + RECORD_HEADER <= records.length) {
    const type = records[offset]!;
    const length = records.readUInt16BE(offset + 3);
    const body = records.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    if (type === ContentType.Handshake && body[0] === handshakeType) return body;
    offset += RECORD_HEADER + length;
  }
  return undefined;
}

/** The 32-octet random of the first ClientHello/ServerHello in `records`, if present. */
export function helloRandom(records: Buffer, handshakeType: number): Buffer | undefined {
  const body = helloMessage(records, handshakeType);
  const start = HANDSHAKE_HEADER + HELLO_VERSION;
  if (!body || body.length < start + RANDOM_LENGTH) return undefined;
  return Buffer.from(body.subarray(start, start + RANDOM_LENGTH));
}

/** The session_id of the first ClientHello/ServerHello in `records` (empty if none was sent). */
export function helloSessionId(records: Buffer, handshakeType: number): Buffer | undefined {
  const body = helloMessage(records, handshakeType);
  const at = HANDSHAKE_HEADER + HELLO_VERSION + RANDOM_LENGTH;
  if (!body || body.length < at + 1 || body.length < at + 1 + body[at]!) return undefined;
  return Buffer.from(body.subarray(at + 1, at + 1 + body[at]!));
}

/** Alert descriptions from RFC 8446 §6 / RFC 5246 §7.2. */
const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `alert ${description}`;
}

/**
 * The first plaintext alert in `records` (alerts sent before the peers switch to encrypted
 * records). Encrypted alerts look like application data and are not found.
 */
export function plaintextAlert(records: Buffer): { level: number; description: number; name: string } | undefined {
  let offset = 0;
  while (offset + RECORD_HEADER <= records.length) {
    const type = records[offset]!;
    const length = records.readUInt16BE(offset + 3);
    if (type === ContentType.Alert && length === 2 && offset + RECORD_HEADER + 2 <= records.length) {
      const description = records[offset + RECORD_HEADER + 1]!;
      return { level: records[offset + RECORD_HEADER]!, description, name: alertName(description) };
    }
    offset += RECORD_HEADER + length;
  }
  return undefined;
}
