import { createHash, createHmac } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

// A scriptable NAS for CoA tests: listens on loopback like a switch's RFC 5176 server, records every datagram it
// receives (with arrival time), and answers as the test says: ACK, NAK with an Error-Cause, silence, or any bytes.
// Its crypto is written out here with node:crypto, independently of src/radius, so it checks our sender rather
// than agreeing with it by construction.

export interface NasAttribute {
  type: number;
  value: Buffer;
}

export interface NasRequest {
  raw: Buffer;
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: NasAttribute[];
  /** performance.now() at arrival. */
  at: number;
  from: { address: string; port: number };
  /** How many times these exact bytes have arrived (1 = first copy; >1 = retransmission). */
  copy: number;
  /** Request Authenticator and Message-Authenticator (if any) are right for the NAS's secret. */
  authentic: boolean;
  hasMessageAuthenticator: boolean;
}

export type NasAnswer =
  | { type: 'ack'; attributes?: NasAttribute[] }
  | { type: 'nak'; errorCause?: number }
  | { type: 'drop' }
  | { type: 'raw'; bytes: Buffer };

export type NasScript = (req: NasRequest, nas: TestNas) => NasAnswer | NasAnswer[] | Promise<NasAnswer | NasAnswer[]>;

const ZERO16 = Buffer.alloc(16);

export function parseAttributes(raw: Buffer): NasAttribute[] {
  const out: NasAttribute[] = [];
  const length = raw.readUInt16BE(2);
  for (let o = 20; o + 2 <= length && raw[o + 1] >= 2; o += raw[o + 1]) out.push({ type: raw[o], value: raw.subarray(o + 2, o + raw[o + 1]) });
  return out;
}

/** Offset of the Message-Authenticator value, or -1. */
function maOffset(raw: Buffer): number {
  const length = raw.readUInt16BE(2);
  for (let o = 20; o + 2 <= length && raw[o + 1] >= 2; o += raw[o + 1]) if (raw[o] === 80) return o + 2;
  return -1;
}

/** RFC 5176 §2.3 / RFC 3579 §3.2, from the RFC text: MA over the packet with Authenticator and MA zeroed. */
export function requestIsAuthentic(raw: Buffer, secret: Buffer): { authentic: boolean; hasMa: boolean } {
  const zeroed = Buffer.from(raw);
  ZERO16.copy(zeroed, 4);
  const expectedAuth = createHash('md5').update(zeroed).update(secret).digest();
  let authentic = expectedAuth.equals(raw.subarray(4, 20));
  const ma = maOffset(raw);
  if (ma >= 0) {
    ZERO16.copy(zeroed, ma);
    authentic &&= createHmac('md5', secret).update(zeroed).digest().equals(raw.subarray(ma, ma + 16));
  }
  return { authentic, hasMa: ma >= 0 };
}

/** A reply to `request` signed like a NAS: MA (over the request's authenticator) first, then Response Authenticator. */
export function signedReply(request: Buffer, code: number, attributes: NasAttribute[], secret: Buffer, options: { identifier?: number; withMa?: boolean } = {}): Buffer {
  const attrs = options.withMa === false ? attributes : [{ type: 80, value: Buffer.alloc(16) }, ...attributes];
  const length = 20 + attrs.reduce((n, a) => n + 2 + a.value.length, 0);
  const out = Buffer.alloc(length);
  out[0] = code;
  out[1] = options.identifier ?? request[1];
  out.writeUInt16BE(length, 2);
  request.copy(out, 4, 4, 20);
  let o = 20;
  for (const a of attrs) {
    out[o] = a.type;
    out[o + 1] = a.value.length + 2;
    a.value.copy(out, o + 2);
    o += 2 + a.value.length;
  }
  if (options.withMa !== false) createHmac('md5', secret).update(out).digest().copy(out, 22);
  createHash('md5').update(out).update(secret).digest().copy(out, 4);
  return out;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** The ACK / NAK codes answering a request code (40 → 41/42, 43 → 44/45). */
export const replyCode = (requestCode: number, ack: boolean) => requestCode + (ack ? 1 : 2);

export class TestNas {
  readonly requests: NasRequest[] = [];
  readonly #seen = new Map<string, number>();
  #socket!: Socket;
  port = 0;

  private constructor(readonly secret: Buffer, public script: NasScript, readonly address: string) {}

  /** Starts on an ephemeral port of `address` (127.0.0.1 or ::1). Default script: ACK what is authentic, drop the rest. */
  static async start(secret: string, script: NasScript = authenticOnly(() => ({ type: 'ack' })), address = '127.0.0.1'): Promise<TestNas> {
    const nas = new TestNas(Buffer.from(secret), script, address);
    nas.#socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    nas.#socket.on('message', (msg, rinfo) => void nas.#onRequest(msg, rinfo.address, rinfo.port));
    await new Promise<void>((r) => nas.#socket.bind(0, address, () => r()));
    nas.port = nas.#socket.address().port;
    return nas;
  }

  /** Requests by arrival, first copies only. */
  get distinct(): NasRequest[] {
    return this.requests.filter((r) => r.copy === 1);
  }

  send(bytes: Buffer, to: { address: string; port: number }): void {
    this.#socket.send(bytes, to.port, to.address);
  }

  reply(req: NasRequest, answer: NasAnswer): void {
    switch (answer.type) {
      case 'drop':
        return;
      case 'raw':
        return this.send(answer.bytes, req.from);
      case 'ack':
        return this.send(signedReply(req.raw, replyCode(req.code, true), answer.attributes ?? [], this.secret), req.from);
      case 'nak':
        return this.send(signedReply(req.raw, replyCode(req.code, false), answer.errorCause === undefined ? [] : [{ type: 101, value: u32(answer.errorCause) }], this.secret), req.from);
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.#socket.close(() => r()));
  }

  async #onRequest(raw: Buffer, address: string, port: number): Promise<void> {
    if (raw.length < 20) return;
    const key = raw.toString('hex');
    const copy = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, copy);
    const { authentic, hasMa } = requestIsAuthentic(raw, this.secret);
    const req: NasRequest = {
      raw: Buffer.from(raw), code: raw[0], identifier: raw[1], authenticator: Buffer.from(raw.subarray(4, 20)), attributes: parseAttributes(raw),
      at: performance.now(), from: { address, port }, copy, authentic, hasMessageAuthenticator: hasMa,
    };
    this.requests.push(req);
    const answers = await this.script(req, this);
    for (const a of Array.isArray(answers) ? answers : [answers]) this.reply(req, a);
  }
}

/** Wraps a script so that inauthentic requests are dropped silently (what hostapd does with a wrong secret). */
export function authenticOnly(script: NasScript): NasScript {
  return (req, nas) => (req.authentic ? script(req, nas) : { type: 'drop' });
}

/** The first value of an attribute type, as text. */
export function attributeText(req: NasRequest, type: number): string | undefined {
  return req.attributes.find((a) => a.type === type)?.value.toString('utf8');
}
