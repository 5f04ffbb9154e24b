import { randomFillSync, timingSafeEqual } from 'node:crypto';
import { createHMAC, createMD5, type IHasher } from 'hash-wasm';

// Wire bytes for the bench's requests and the checks on every reply. Written independently of src/radius so
// the bench is also an oracle for the server's codec: a reply portcullis signs wrongly is counted as bad here.
//
// Hashing uses hash-wasm objects made once and reused (init/update/digest): node:crypto builds a native
// object per call, which made the generator cost ~28 µs/request and left the server below saturation.

let md5Hasher: IHasher | undefined;
const hmacHashers = new Map<string, IHasher>();

/** Loads the hashers for `secret`; call (and await) once before building or checking packets. */
export async function prepareCrypto(secret: Buffer): Promise<void> {
  md5Hasher ??= await createMD5();
  const key = secret.toString('hex');
  if (!hmacHashers.has(key)) hmacHashers.set(key, await createHMAC(createMD5(), secret));
}

function md5(...parts: Uint8Array[]): Buffer {
  const h = md5Hasher!;
  h.init();
  for (const p of parts) h.update(p);
  const d = h.digest('binary');
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

function hmacMd5(secret: Buffer, data: Uint8Array): Buffer {
  const h = hmacHashers.get(secret.toString('hex'));
  if (!h) throw new Error('prepareCrypto(secret) was not awaited');
  h.init();
  h.update(data);
  const d = h.digest('binary');
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

export const Code = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
} as const;

const A = {
  UserName: 1, UserPassword: 2, NasIpAddress: 4, NasPort: 5, ServiceType: 6, FramedIpAddress: 8,
  CalledStationId: 30, CallingStationId: 31, NasIdentifier: 32, AcctStatusType: 40, AcctDelayTime: 41,
  AcctInputOctets: 42, AcctOutputOctets: 43, AcctSessionId: 44, AcctSessionTime: 46, AcctInputPackets: 47,
  AcctOutputPackets: 48, AcctTerminateCause: 49, EventTimestamp: 55, NasPortType: 61, MessageAuthenticator: 80,
} as const;

const WIRELESS_80211 = 19;
const CALL_CHECK = 10;
const USER_REQUEST = 1;
export const AcctStatus = { Start: 1, Stop: 2, InterimUpdate: 3 } as const;

type Attr = [type: number, value: Buffer];

const str = (s: string) => Buffer.from(s, 'latin1');
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
const ipv4 = (a: number, b: number, c: number, d: number) => Buffer.from([a, b, c, d]);

/** Encodes Code, Identifier 0, a zero authenticator and the attributes; returns the offset of each attribute value. */
function encode(code: number, attrs: Attr[]): { buf: Buffer; offsets: number[] } {
  const length = attrs.reduce((n, [, v]) => n + 2 + v.length, 20);
  const buf = Buffer.alloc(length);
  buf[0] = code;
  buf.writeUInt16BE(length, 2);
  const offsets: number[] = [];
  let o = 20;
  for (const [type, value] of attrs) {
    if (value.length > 253) throw new Error(`attribute ${type} too long`);
    buf[o] = type;
    buf[o + 1] = value.length + 2;
    offsets.push(o + 2);
    value.copy(buf, o + 2);
    o += value.length + 2;
  }
  return { buf, offsets };
}

/** "020000000001" → "02-00-00-00-00-01" (RFC 3580 Calling-Station-Id). */
function dashed(mac: string): string {
  return mac.toUpperCase().match(/../g)!.join('-');
}
const two = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const dec2 = (n: number) => String(n).padStart(2, '0');

/** Test MAC number k (1..): 02:00:00 + 24-bit k, lower-case hex without separators, as MAB sends it. */
export function testMac(k: number): string {
  return `020000${k.toString(16).padStart(6, '0')}`;
}

// ---------------------------------------------------------------- MAB

/** An Access-Request template for one MAC: copy, then fill Identifier, Authenticator, User-Password, MA. */
export interface MabTemplate {
  readonly bytes: Buffer;
  readonly password: Buffer; // the MAC, zero-padded to 16
  readonly passwordOffset: number;
  readonly maOffset: number;
  readonly expectAccept: boolean;
}

/** Same attributes as the anchor's bench-mab.sh: User-Name = User-Password = MAC, Service-Type = Call-Check. */
export function mabTemplate(i: number, macNumber: number, expectAccept: boolean): MabTemplate {
  const mac = testMac(macNumber);
  const { buf, offsets } = encode(Code.AccessRequest, [
    [A.UserName, str(mac)],
    [A.UserPassword, Buffer.alloc(16)],
    [A.CallingStationId, str(dashed(mac))],
    [A.CalledStationId, str(`AA-BB-CC-00-00-${two(i % 16)}:CorpWiFi`)],
    [A.NasIpAddress, ipv4(127, 0, 0, 1)],
    [A.NasIdentifier, str(`ap-${dec2(i % 16)}`)],
    [A.NasPort, u32(i % 4096)],
    [A.NasPortType, u32(WIRELESS_80211)],
    [A.ServiceType, u32(CALL_CHECK)],
    [A.MessageAuthenticator, Buffer.alloc(16)],
  ]);
  const password = Buffer.alloc(16);
  str(mac).copy(password);
  return { bytes: buf, password, passwordOffset: offsets[1], maOffset: offsets[9], expectAccept };
}

/** Random Request Authenticators drawn from a pool refilled in bulk (one getrandom per 4096 requests). */
export class AuthenticatorPool {
  #pool = Buffer.alloc(16 * 4096);
  #next = this.#pool.length;

  take(into: Buffer, offset: number): void {
    if (this.#next === this.#pool.length) {
      randomFillSync(this.#pool);
      this.#next = 0;
    }
    this.#pool.copy(into, offset, this.#next, this.#next + 16);
    this.#next += 16;
  }
}

/** A ready-to-send MAB Access-Request: random authenticator, hidden password (RFC 2865 §5.2), Message-Authenticator. */
export function buildMab(t: MabTemplate, id: number, secret: Buffer, auth: AuthenticatorPool): Buffer {
  const buf = Buffer.allocUnsafe(t.bytes.length);
  t.bytes.copy(buf);
  buf[1] = id;
  auth.take(buf, 4);
  const b = md5(secret, buf.subarray(4, 20));
  for (let j = 0; j < 16; j++) buf[t.passwordOffset + j] = t.password[j] ^ b[j];
  hmacMd5(secret, buf).copy(buf, t.maOffset);
  return buf;
}

// ---------------------------------------------------------------- accounting

/** An Accounting-Request template for one session and phase, with the offsets of the values that change per round. */
export interface AcctTemplate {
  readonly bytes: Buffer;
  /** Offsets of Event-Timestamp, Acct-Session-Time, Acct-Input-Octets, Acct-Output-Octets (-1 if absent). */
  readonly ts: number;
  readonly sessionTime: number;
  readonly inOctets: number;
  readonly outOctets: number;
}

/** Same attributes as the anchor's bench-acct.sh (session i, 1-based). */
export function acctTemplate(status: number, i: number, runId: string, eventTime: number): AcctTemplate {
  const mac = testMac(i);
  const attrs: Attr[] = [
    [A.AcctStatusType, u32(status)],
    [A.AcctSessionId, str(`${runId}-${String(i).padStart(6, '0')}`)],
    [A.UserName, str(mac)],
    [A.CallingStationId, str(dashed(mac))],
    [A.CalledStationId, str(`AA-BB-CC-00-00-${two(i % 16)}:CorpWiFi`)],
    [A.NasIpAddress, ipv4(127, 0, 0, 1)],
    [A.NasIdentifier, str(`ap-${dec2(i % 16)}`)],
    [A.NasPort, u32(i)],
    [A.NasPortType, u32(WIRELESS_80211)],
    [A.FramedIpAddress, ipv4(10, (i >> 16) & 255, (i >> 8) & 255, i & 255)],
    [A.EventTimestamp, u32(eventTime)],
    [A.AcctDelayTime, u32(0)],
  ];
  if (status !== AcctStatus.Start) {
    attrs.push(
      [A.AcctSessionTime, u32(600)], [A.AcctInputOctets, u32(100000 + i)], [A.AcctOutputOctets, u32(200000 + i)],
      [A.AcctInputPackets, u32(1000)], [A.AcctOutputPackets, u32(2000)],
    );
  }
  if (status === AcctStatus.Stop) attrs.push([A.AcctTerminateCause, u32(USER_REQUEST)]);
  const { buf, offsets } = encode(Code.AccountingRequest, attrs);
  const at = (type: number) => {
    const k = attrs.findIndex(([t]) => t === type);
    return k < 0 ? -1 : offsets[k];
  };
  return { bytes: buf, ts: at(A.EventTimestamp), sessionTime: at(A.AcctSessionTime), inOctets: at(A.AcctInputOctets), outOctets: at(A.AcctOutputOctets) };
}

/**
 * A ready-to-send Accounting-Request for round r (0 = as templated). Rounds advance the timestamp and counters so
 * every Interim-Update is a distinct packet (a server must not mistake it for a retransmission).
 */
export function buildAcct(t: AcctTemplate, id: number, round: number, secret: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(t.bytes.length);
  t.bytes.copy(buf);
  buf[1] = id;
  if (round > 0) {
    buf.writeUInt32BE((buf.readUInt32BE(t.ts) + 600 * round) >>> 0, t.ts);
    if (t.sessionTime >= 0) buf.writeUInt32BE(600 * (round + 1), t.sessionTime);
    if (t.inOctets >= 0) buf.writeUInt32BE((buf.readUInt32BE(t.inOctets) + 100000 * round) >>> 0, t.inOctets);
    if (t.outOctets >= 0) buf.writeUInt32BE((buf.readUInt32BE(t.outOctets) + 200000 * round) >>> 0, t.outOctets);
  }
  // RFC 2866 §3: Request Authenticator = MD5(packet with a zero authenticator field | secret).
  md5(buf, secret).copy(buf, 4);
  return buf;
}

// ---------------------------------------------------------------- reply checks

export const ReplyProblem = {
  None: 0,
  Malformed: 1,
  BadResponseAuthenticator: 2,
  MissingMessageAuthenticator: 3,
  BadMessageAuthenticator: 4,
} as const;
export type ReplyProblemValue = (typeof ReplyProblem)[keyof typeof ReplyProblem];

/** Offset of the Message-Authenticator value, -1 if absent, -2 if the attribute list is malformed. */
function findMa(msg: Buffer, length: number): number {
  let o = 20;
  while (o < length) {
    if (o + 2 > length) return -2;
    const l = msg[o + 1];
    if (l < 2 || o + l > length) return -2;
    if (msg[o] === A.MessageAuthenticator) return l === 18 ? o + 2 : -2;
    o += l;
  }
  return -1;
}

/**
 * Checks a reply against the request it answers: the Response Authenticator (RFC 2865 §3) and, for Access
 * replies, the Message-Authenticator (RFC 3579 §3.2). Mutates `msg`.
 */
export function checkReply(msg: Buffer, request: Buffer, secret: Buffer): ReplyProblemValue {
  if (msg.length < 20) return ReplyProblem.Malformed;
  const length = msg.readUInt16BE(2);
  if (length < 20 || length > msg.length) return ReplyProblem.Malformed;
  const reply = msg.subarray(0, length);
  const requestAuth = request.subarray(4, 20);
  const expected = md5(reply.subarray(0, 4), requestAuth, reply.subarray(20), secret);
  if (!timingSafeEqual(expected, reply.subarray(4, 20))) return ReplyProblem.BadResponseAuthenticator;
  const code = reply[0];
  if (code !== Code.AccessAccept && code !== Code.AccessReject) return ReplyProblem.None;
  const ma = findMa(reply, length);
  if (ma === -2) return ReplyProblem.Malformed;
  if (ma === -1) return ReplyProblem.MissingMessageAuthenticator;
  const received = Buffer.from(reply.subarray(ma, ma + 16));
  requestAuth.copy(reply, 4);
  reply.fill(0, ma, ma + 16);
  const mac = hmacMd5(secret, reply);
  return timingSafeEqual(mac, received) ? ReplyProblem.None : ReplyProblem.BadMessageAuthenticator;
}
