import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// RADIUS bytes for EAP over RADIUS (RFC 3579) as a NAS sends them, and every check a NAS makes on the answer:
// Response Authenticator, Message-Authenticator on Access-Challenge/Accept/Reject, EAP-Message reassembly,
// State, and the MS-MPPE keys (RFC 2548 salt decryption). Written independently of src/radius so that a reply
// portcullis builds wrongly fails here (the same reason bench/load/packets.ts has its own codec).

export const RadiusCode = { AccessRequest: 1, AccessAccept: 2, AccessReject: 3, AccessChallenge: 11 } as const;

const A = {
  UserName: 1, NasIpAddress: 4, NasPort: 5, ServiceType: 6, FramedMtu: 12, State: 24, VendorSpecific: 26,
  CalledStationId: 30, CallingStationId: 31, NasIdentifier: 32, NasPortType: 61, EapMessage: 79, MessageAuthenticator: 80,
} as const;
const FRAMED_USER = 2;
const WIRELESS_80211 = 19;
const MICROSOFT = 311;
const MS_MPPE_SEND_KEY = 16;
const MS_MPPE_RECV_KEY = 17;

/** The attributes of one simulated device that do not change between its round trips. */
export interface NasContext {
  userName: Buffer;
  callingStationId: Buffer;
  calledStationId: Buffer;
  nasIdentifier: Buffer;
  nasPort: number;
  framedMtu: number;
}

/** An Access-Request still missing its Identifier, Request Authenticator and Message-Authenticator value. */
export interface UnsignedRequest {
  bytes: Buffer;
  maOffset: number;
}

function put(buf: Buffer, o: number, type: number, value: Buffer): number {
  buf[o] = type;
  buf[o + 1] = value.length + 2;
  value.copy(buf, o + 2);
  return o + 2 + value.length;
}
function putU32(buf: Buffer, o: number, type: number, n: number): number {
  buf[o] = type;
  buf[o + 1] = 6;
  buf.writeUInt32BE(n >>> 0, o + 2);
  return o + 6;
}

/** Access-Request carrying one EAP packet (split into 253-octet EAP-Message attributes) and the last State. */
export function eapAccessRequest(nas: NasContext, eap: Buffer, state: Buffer | undefined): UnsignedRequest {
  const eapAttrs = Math.max(1, Math.ceil(eap.length / 253));
  const length = 20 + (2 + nas.userName.length) + 6 + 6 + 6 + 6 + 6 + (2 + nas.calledStationId.length) +
    (2 + nas.callingStationId.length) + (2 + nas.nasIdentifier.length) + 2 * eapAttrs + eap.length +
    (state ? 2 + state.length : 0) + 18;
  if (length > 4096) throw new Error(`Access-Request of ${length} octets exceeds 4096`);
  const buf = Buffer.alloc(length);
  buf[0] = RadiusCode.AccessRequest;
  buf.writeUInt16BE(length, 2);
  let o = 20;
  o = put(buf, o, A.UserName, nas.userName);
  o = putU32(buf, o, A.NasIpAddress, 0x7f000001);
  o = putU32(buf, o, A.NasPort, nas.nasPort);
  o = putU32(buf, o, A.NasPortType, WIRELESS_80211);
  o = putU32(buf, o, A.ServiceType, FRAMED_USER);
  o = putU32(buf, o, A.FramedMtu, nas.framedMtu);
  o = put(buf, o, A.CalledStationId, nas.calledStationId);
  o = put(buf, o, A.CallingStationId, nas.callingStationId);
  o = put(buf, o, A.NasIdentifier, nas.nasIdentifier);
  for (let i = 0; i < eapAttrs; i++) o = put(buf, o, A.EapMessage, eap.subarray(i * 253, Math.min(eap.length, (i + 1) * 253)));
  if (state) o = put(buf, o, A.State, state);
  buf[o] = A.MessageAuthenticator;
  buf[o + 1] = 18;
  return { bytes: buf, maOffset: o + 2 };
}

/** Fills Identifier and Request Authenticator (copied from `auth`), then the Message-Authenticator (RFC 3579 §3.2). */
export function signRequest(req: UnsignedRequest, id: number, auth: Buffer, secret: Buffer): Buffer {
  const buf = req.bytes;
  buf[1] = id;
  auth.copy(buf, 4, 0, 16);
  buf.fill(0, req.maOffset, req.maOffset + 16);
  createHmac('md5', secret).update(buf).digest().copy(buf, req.maOffset);
  return buf;
}

export const ReplyCheck = {
  Ok: 'ok',
  Malformed: 'malformed',
  BadResponseAuthenticator: 'bad_response_authenticator',
  MissingMessageAuthenticator: 'missing_message_authenticator',
  BadMessageAuthenticator: 'bad_message_authenticator',
} as const;
export type ReplyCheckValue = (typeof ReplyCheck)[keyof typeof ReplyCheck];

export interface ParsedReply {
  code: number;
  eap: Buffer | undefined;
  state: Buffer | undefined;
  /** Raw MS-MPPE-Recv-Key / Send-Key values (salt + ciphertext), still hidden. */
  mppeRecv: Buffer | undefined;
  mppeSend: Buffer | undefined;
  missingMa: boolean;
}

/**
 * Verifies a reply against the request it answers (Response Authenticator, and the Message-Authenticator
 * that RFC 3579 requires whenever EAP-Message is present) and collects what the NAS uses. `msg` is not
 * modified. `maOptional` accepts replies without Message-Authenticator (flagged in `missingMa`).
 */
export function checkEapReply(msg: Buffer, request: Buffer, secret: Buffer, maOptional: boolean): ParsedReply | ReplyCheckValue {
  if (msg.length < 20) return ReplyCheck.Malformed;
  const length = msg.readUInt16BE(2);
  if (length < 20 || length > msg.length) return ReplyCheck.Malformed;
  const reply = msg.subarray(0, length);
  const requestAuth = request.subarray(4, 20);
  const expected = createHash('md5').update(reply.subarray(0, 4)).update(requestAuth).update(reply.subarray(20)).update(secret).digest();
  if (!timingSafeEqual(expected, reply.subarray(4, 20))) return ReplyCheck.BadResponseAuthenticator;

  const eapParts: Buffer[] = [];
  const out: ParsedReply = { code: reply[0], eap: undefined, state: undefined, mppeRecv: undefined, mppeSend: undefined, missingMa: false };
  let ma = -1;
  for (let o = 20; o < length;) {
    if (o + 2 > length) return ReplyCheck.Malformed;
    const type = reply[o];
    const l = reply[o + 1];
    if (l < 2 || o + l > length) return ReplyCheck.Malformed;
    const value = reply.subarray(o + 2, o + l);
    if (type === A.EapMessage) eapParts.push(value);
    else if (type === A.State) out.state = Buffer.from(value);
    else if (type === A.MessageAuthenticator) {
      if (l !== 18) return ReplyCheck.Malformed;
      ma = o + 2;
    } else if (type === A.VendorSpecific && value.length >= 6 && value.readUInt32BE(0) === MICROSOFT) {
      // Microsoft VSAs: one or more (type, length, value) inside; RFC 2548 keys are one per VSA in practice.
      for (let v = 4; v + 2 <= value.length;) {
        const vt = value[v];
        const vl = value[v + 1];
        if (vl < 2 || v + vl > value.length) return ReplyCheck.Malformed;
        if (vt === MS_MPPE_RECV_KEY) out.mppeRecv = Buffer.from(value.subarray(v + 2, v + vl));
        else if (vt === MS_MPPE_SEND_KEY) out.mppeSend = Buffer.from(value.subarray(v + 2, v + vl));
        v += vl;
      }
    }
    o += l;
  }
  if (eapParts.length > 0) out.eap = eapParts.length === 1 ? Buffer.from(eapParts[0]) : Buffer.concat(eapParts);

  if (ma < 0) {
    if (!maOptional) return ReplyCheck.MissingMessageAuthenticator;
    out.missingMa = true;
    return out;
  }
  // HMAC-MD5 over the reply with the Request Authenticator in place of the Response Authenticator and a zero MA.
  const copy = Buffer.from(reply);
  requestAuth.copy(copy, 4);
  copy.fill(0, ma, ma + 16);
  const mac = createHmac('md5', secret).update(copy).digest();
  return timingSafeEqual(mac, reply.subarray(ma, ma + 16)) ? out : ReplyCheck.BadMessageAuthenticator;
}

/**
 * RFC 2548 §2.4.2/2.4.3 decryption of an MS-MPPE-Send/Recv-Key value: Salt (2 octets, high bit set) followed by
 * C = c(1)..c(n); b(1) = MD5(secret | Request-Authenticator | Salt), b(i) = MD5(secret | c(i-1)), p(i) = c(i) ^ b(i).
 * The plaintext is Key-Length (1 octet), the key, and zero padding. Returns undefined if the value is malformed.
 */
export function decryptMppeKey(value: Buffer, secret: Buffer, requestAuthenticator: Buffer): Buffer | undefined {
  if (value.length < 2 + 16 || (value.length - 2) % 16 !== 0 || (value[0] & 0x80) === 0) return undefined;
  const salt = value.subarray(0, 2);
  const cipher = value.subarray(2);
  const plain = Buffer.alloc(cipher.length);
  let b = createHash('md5').update(secret).update(requestAuthenticator).update(salt).digest();
  for (let i = 0; i < cipher.length; i += 16) {
    if (i > 0) b = createHash('md5').update(secret).update(cipher.subarray(i - 16, i)).digest();
    for (let j = 0; j < 16; j++) plain[i + j] = cipher[i + j] ^ b[j];
  }
  const keyLength = plain[0];
  if (keyLength + 1 > plain.length) return undefined;
  return plain.subarray(1, 1 + keyLength);
}
