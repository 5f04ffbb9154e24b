import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { errorCauseText } from './error-cause.js';
import { NasIdentifiers } from './identifiers.js';
import { verifyCoaReply } from './messages.js';
import { TokenBucket, defaultBurst } from './token-bucket.js';
import type { CoaOutcome } from './types.js';

// The UDP side of the Dynamic Authorization Client: one socket per address family, a bounded FIFO paced by a token
// bucket, per-NAS Identifiers, retransmission of the identical datagram with exponential backoff, and replies
// matched by (source address, source port, Identifier) and accepted only after verification.

export interface TransportOptions {
  /** Wait for the first answer; doubles for each retransmission. */
  timeoutMs: number;
  /** Retransmissions after the first datagram (attempts = retries + 1). */
  retries: number;
  /** Requests started per second, all NASes together. */
  perSecond: number;
  burst?: number;
  /** Requests waiting to be sent; beyond this a request fails at once with kind 'error'. */
  maxQueue: number;
  log?: Logger;
}

export interface OutgoingRequest {
  address: string;
  port: number;
  secret: Buffer;
  /** Encodes and signs the request with the Identifier the transport picked (called once; the bytes are reused). */
  build(identifier: number): Buffer;
}

interface Job {
  readonly request: OutgoingRequest;
  readonly nas: string;
  readonly queuedAt: number;
  readonly resolve: (outcome: CoaOutcome) => void;
}

interface InFlight {
  readonly job: Job;
  readonly identifier: number;
  readonly bytes: Buffer;
  attempts: number;
  timer: NodeJS.Timeout;
}

/** A FIFO that does not shift arrays (a mass change queues thousands). */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  unshift(item: T): void {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }
  peek(): T | undefined {
    return this.#items[this.#head];
  }
  shift(): T | undefined {
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}

const RECEIVE_BUFFER_BYTES = 1 << 20;
const PACING_TICK_MS = 10;

const nasKey = (address: string, port: number) => `${address}|${port}`;

export class CoaTransport {
  #options: TransportOptions;
  #bucket!: TokenBucket;
  readonly #ids = new NasIdentifiers();
  readonly #queue = new Fifo<Job>();
  /** Jobs whose NAS has all 256 Identifiers outstanding, by NAS, in arrival order. */
  readonly #parked = new Map<string, Job[]>();
  #parkedCount = 0;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #sockets: { 4?: Socket; 6?: Socket } = {};
  #pumpTimer: NodeJS.Timeout | undefined;
  #tickMs!: number;
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.configure(options);
  }

  /**
   * New timeout, retries, rate and queue bound (a reload): requests already waiting keep their place, and a
   * request already sent uses the new timeout and retries from its next retransmission on.
   */
  configure(options: Omit<TransportOptions, 'log'>): void {
    this.#options = { ...options, log: this.#options.log };
    const burst = options.burst ?? defaultBurst(options.perSecond);
    this.#bucket = new TokenBucket(options.perSecond, burst);
    // Wake up at most every 10 ms and send the tokens gathered meanwhile: one timer per request costs more CPU than
    // the request itself. Never longer than the burst takes to refill, or the rate would drop.
    this.#tickMs = Math.min(PACING_TICK_MS, (1000 * burst) / options.perSecond);
  }

  /** Requests queued or waiting for an Identifier (not yet sent). */
  get queued(): number {
    return this.#queue.length + this.#parkedCount;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  send(request: OutgoingRequest): Promise<CoaOutcome> {
    const queuedAt = performance.now();
    return new Promise((resolve) => {
      if (this.#closed) return resolve(failed(queuedAt, 0, 'the CoA sender is closed'));
      if (this.queued >= this.#options.maxQueue) {
        return resolve(failed(queuedAt, 0, `CoA queue full (${this.#options.maxQueue} requests waiting): request dropped`));
      }
      this.#queue.push({ request, nas: nasKey(request.address, request.port), queuedAt, resolve });
      this.#pump();
    });
  }

  /** Stops: every queued or outstanding request ends with kind 'error'. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#pumpTimer);
    for (const job of this.#queue.drain()) job.resolve(failed(job.queuedAt, 0, 'the CoA sender was closed'));
    for (const jobs of this.#parked.values()) for (const job of jobs) job.resolve(failed(job.queuedAt, 0, 'the CoA sender was closed'));
    this.#parked.clear();
    this.#parkedCount = 0;
    for (const f of [...this.#inFlight.values()]) this.#finish(f, failed(f.job.queuedAt, f.attempts, 'the CoA sender was closed'));
    const sockets = Object.values(this.#sockets);
    delete this.#sockets[4];
    delete this.#sockets[6];
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  #pump(): void {
    if (this.#closed || this.#pumpTimer) return;
    while (this.#queue.length) {
      const job = this.#queue.peek()!;
      if (!this.#ids.hasFree(job.nas)) {
        this.#queue.shift();
        const parked = this.#parked.get(job.nas);
        if (parked) parked.push(job);
        else this.#parked.set(job.nas, [job]);
        this.#parkedCount++;
        continue;
      }
      const wait = this.#bucket.take();
      if (wait > 0) {
        this.#pumpTimer = setTimeout(() => {
          this.#pumpTimer = undefined;
          this.#pump();
        }, Math.max(wait, this.#tickMs));
        return;
      }
      this.#queue.shift();
      this.#start(job, this.#ids.acquire(job.nas)!);
    }
  }

  #start(job: Job, identifier: number): void {
    let bytes: Buffer;
    try {
      bytes = job.request.build(identifier);
    } catch (err) {
      this.#ids.release(job.nas, identifier);
      job.resolve(failed(job.queuedAt, 0, `request not encoded: ${(err as Error).message}`));
      this.#unpark(job.nas, false); // called from #pump, which carries on
      return;
    }
    const flight: InFlight = { job, identifier, bytes, attempts: 0, timer: undefined as unknown as NodeJS.Timeout };
    this.#inFlight.set(`${job.nas}|${identifier}`, flight);
    this.#transmit(flight);
  }

  #transmit(f: InFlight): void {
    f.attempts++;
    const { address, port } = f.job.request;
    this.#socketFor(address).send(f.bytes, port, address, (err) => {
      if (err && this.#inFlight.get(`${f.job.nas}|${f.identifier}`) === f) {
        this.#finish(f, failed(f.job.queuedAt, f.attempts, `send to ${address}:${port} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      }
    });
    const wait = this.#options.timeoutMs * 2 ** (f.attempts - 1);
    f.timer = setTimeout(() => {
      if (f.attempts <= this.#options.retries) this.#transmit(f);
      else this.#finish(f, { kind: 'timeout', attempts: f.attempts, ms: elapsed(f.job.queuedAt) });
    }, wait);
  }

  #socketFor(address: string): Socket {
    const family = isIPv6(address) ? 6 : 4;
    let socket = this.#sockets[family];
    if (!socket) {
      // Replies to a mass change arrive together (hundreds of NASes answering a paced burst): a larger receive
      // buffer than the 208 KiB default keeps them from being dropped and retransmitted for nothing. The kernel
      // caps it at net.core.rmem_max.
      socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
      socket.on('message', (msg, rinfo) => this.#onReply(msg, rinfo.address, rinfo.port));
      socket.on('error', (err) => this.#options.log?.error({ err }, 'CoA socket error'));
      // Sends issued before the bind completes are queued by dgram.
      socket.bind(0);
      this.#sockets[family] = socket;
    }
    return socket;
  }

  #onReply(msg: Buffer, address: string, port: number): void {
    if (msg.length < 20) return;
    const f = this.#inFlight.get(`${nasKey(address, port)}|${msg[1]}`);
    if (!f) {
      this.#options.log?.debug({ from: `${address}:${port}`, identifier: msg[1] }, 'CoA reply ignored: no request outstanding with that Identifier');
      return;
    }
    const check = verifyCoaReply(msg, f.bytes, f.job.request.secret);
    if (!check.ok) {
      // Keep waiting: a forged or corrupted datagram must not end the request (the real reply may follow).
      this.#options.log?.warn({ from: `${address}:${port}`, identifier: msg[1] }, `CoA reply ignored: ${check.reason}`);
      return;
    }
    const { kind, errorCause } = check.reply;
    this.#finish(f, {
      kind, attempts: f.attempts, ms: elapsed(f.job.queuedAt),
      ...(errorCause !== undefined ? { errorCause, errorCauseText: errorCauseText(errorCause) } : {}),
    });
  }

  #finish(f: InFlight, outcome: CoaOutcome): void {
    clearTimeout(f.timer);
    this.#inFlight.delete(`${f.job.nas}|${f.identifier}`);
    this.#ids.release(f.job.nas, f.identifier);
    f.job.resolve(outcome);
    this.#unpark(f.job.nas);
  }

  /** An Identifier of `nas` came free: its oldest parked job goes back to the front of the queue. */
  #unpark(nas: string, pump = true): void {
    const parked = this.#parked.get(nas);
    if (parked?.length) {
      this.#queue.unshift(parked.shift()!);
      this.#parkedCount--;
      if (!parked.length) this.#parked.delete(nas);
    }
    if (pump) this.#pump();
  }
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

function failed(since: number, attempts: number, error: string): CoaOutcome {
  return { kind: 'error', attempts, ms: elapsed(since), error };
}
