import { randomFillSync } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { ReplyCheck, checkEapReply, signRequest, type ParsedReply, type UnsignedRequest } from './eap-radius.js';
import { IdFifo } from './id-fifo.js';

// Round trips for many concurrent EAP conversations over a few UDP sockets: each request takes a free Identifier
// on a socket (256 per socket, freed ones go to the back of a FIFO so a late reply rarely meets a reused one),
// the reply is matched by socket + Identifier and verified, and a request without an answer fails after
// `timeoutMs` (one sweep timer for all). No retransmissions: one lost packet fails that authentication.

export class RoundTripError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface Pending {
  request: Buffer;
  sentAt: number;
  resolve: (reply: ParsedReply & { requestAuthenticator: Buffer }) => void;
  reject: (err: RoundTripError) => void;
}

class IdSocket extends IdFifo {
  readonly pending: Array<Pending | undefined> = new Array(256).fill(undefined);
  constructor(readonly socket: Socket) {
    super();
  }
}

export interface TransportOptions {
  host: string;
  port: number;
  secret: Buffer;
  sockets: number;
  timeoutMs: number;
  maOptional: boolean;
}

export interface TransportStats {
  sent: number;
  /** Replies that did not verify against the outstanding request with their Identifier (kept waiting). */
  badReplies: Record<string, number>;
  missingMa: number;
  /** Replies for an Identifier with nothing outstanding (late after a timeout). */
  strays: number;
  timeouts: number;
  /** Socket errors by code, e.g. ECONNREFUSED when nothing listens (ICMP port unreachable). */
  socketErrors: Record<string, number>;
}

export class EapRadiusTransport {
  readonly stats: TransportStats = { sent: 0, badReplies: {}, missingMa: 0, strays: 0, timeouts: 0, socketErrors: {} };
  readonly #o: TransportOptions;
  readonly #socks: IdSocket[] = [];
  readonly #waiting: Array<() => void> = [];
  readonly #auth = Buffer.alloc(16 * 4096);
  #authNext = this.#auth.length;
  #rr = 0;
  #sweep: NodeJS.Timeout | undefined;

  private constructor(o: TransportOptions) {
    this.#o = o;
  }

  get secret(): Buffer {
    return this.#o.secret;
  }

  static async open(o: TransportOptions): Promise<EapRadiusTransport> {
    const t = new EapRadiusTransport(o);
    const family = o.host.includes(':') ? 'udp6' : 'udp4';
    for (let i = 0; i < o.sockets; i++) {
      const s = createSocket({ type: family, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.connect(o.port, o.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const idSock = new IdSocket(s);
      s.on('message', (msg: Buffer) => t.#onReply(idSock, msg));
      // A connected UDP socket reports ICMP errors (nothing listening) here; the round trips then time out.
      s.on('error', (err: Error & { code?: string }) => {
        const code = err.code ?? 'error';
        t.stats.socketErrors[code] = (t.stats.socketErrors[code] ?? 0) + 1;
      });
      t.#socks.push(idSock);
    }
    t.#sweep = setInterval(() => t.#expire(), Math.min(100, Math.max(10, o.timeoutMs / 10)));
    return t;
  }

  /** Sends one Access-Request and resolves with its verified reply (plus the Request Authenticator used). */
  async roundTrip(req: UnsignedRequest): Promise<ParsedReply & { requestAuthenticator: Buffer }> {
    let s = this.#pickSocket();
    while (!s) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
      s = this.#pickSocket();
    }
    const id = s.takeId();
    const bytes = signRequest(req, id, this.#nextAuthenticator(), this.#o.secret);
    const sock = s;
    return new Promise((resolve, reject) => {
      sock.pending[id] = { request: bytes, sentAt: performance.now(), resolve, reject };
      this.stats.sent++;
      sock.socket.send(bytes);
    });
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const s of this.#socks) {
      for (let id = 0; id < 256; id++) {
        const p = s.pending[id];
        if (p) {
          s.pending[id] = undefined;
          p.reject(new RoundTripError('closed'));
        }
      }
      s.socket.close();
    }
  }

  #pickSocket(): IdSocket | undefined {
    for (let k = 0; k < this.#socks.length; k++) {
      const s = this.#socks[this.#rr];
      this.#rr = (this.#rr + 1) % this.#socks.length;
      if (s.freeIds > 0) return s;
    }
    return undefined;
  }

  #release(s: IdSocket, id: number): void {
    s.pending[id] = undefined;
    s.releaseId(id);
    this.#waiting.shift()?.();
  }

  #nextAuthenticator(): Buffer {
    if (this.#authNext === this.#auth.length) {
      randomFillSync(this.#auth);
      this.#authNext = 0;
    }
    const a = this.#auth.subarray(this.#authNext, this.#authNext + 16);
    this.#authNext += 16;
    return a;
  }

  #onReply(s: IdSocket, msg: Buffer): void {
    if (msg.length < 20) {
      this.stats.strays++;
      return;
    }
    const id = msg[1];
    const p = s.pending[id];
    if (!p) {
      this.stats.strays++;
      return;
    }
    const r = checkEapReply(msg, p.request, this.#o.secret, this.#o.maOptional);
    if (typeof r === 'string') {
      this.stats.badReplies[r] = (this.stats.badReplies[r] ?? 0) + 1;
      // A reply that fails the Response Authenticator may be a late answer to an earlier use of this Identifier:
      // keep waiting for the real one. Anything else is the server's fault: fail this round trip.
      if (r !== ReplyCheck.BadResponseAuthenticator) {
        this.#release(s, id);
        p.reject(new RoundTripError(r));
      }
      return;
    }
    if (r.missingMa) this.stats.missingMa++;
    this.#release(s, id);
    p.resolve({ ...r, requestAuthenticator: Buffer.from(p.request.subarray(4, 20)) });
  }

  #expire(): void {
    const now = performance.now();
    for (const s of this.#socks) {
      for (let id = 0; id < 256; id++) {
        const p = s.pending[id];
        if (p && now - p.sentAt > this.#o.timeoutMs) {
          this.stats.timeouts++;
          this.#release(s, id);
          p.reject(new RoundTripError('timeout'));
        }
      }
    }
  }
}
