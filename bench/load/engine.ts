import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { Code, ReplyProblem, checkReply, type ReplyProblemValue } from './packets.js';
import { IdFifo } from './id-fifo.js';

// Keeps `parallel` requests outstanding over several UDP sockets (256 Identifiers each), matches replies by
// socket + Identifier, verifies them, and times out the ones that never come back. Bounded by `count` requests
// and `maxSeconds` of wall time; no retransmissions (like radclient -r 1).

export interface PhaseOptions {
  host: string;
  port: number;
  secret: Buffer;
  count: number;
  parallel: number;
  sockets: number;
  timeoutMs: number;
  maxSeconds: number;
  /** Access replies may lack Message-Authenticator (old servers); counted, not failed. */
  maOptional: boolean;
  /** Request number n (0-based) with Identifier id → bytes to send, and the reply code it must get. */
  build: (n: number, id: number) => { bytes: Buffer; expect: number };
}

export interface PhaseResult {
  sent: number;
  answered: number;
  accepts: number;
  rejects: number;
  responses: number; // Accounting-Response
  unexpectedCode: number;
  badReplies: Record<string, number>;
  missingMa: number;
  timeouts: number;
  strays: number; // replies for an Identifier with nothing outstanding (late after a timeout)
  wallSeconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  aborted: boolean;
}

interface Slot {
  request: Buffer | undefined;
  expect: number;
  sentAt: number;
}

const PROBLEM_NAMES: Record<ReplyProblemValue, string> = {
  0: 'none', 1: 'malformed', 2: 'bad_response_authenticator', 3: 'missing_message_authenticator', 4: 'bad_message_authenticator',
};

/** One UDP socket with its 256 Identifiers (IdFifo) and what is outstanding on each. */
class IdSocket extends IdFifo {
  readonly slots: Slot[] = Array.from({ length: 256 }, () => ({ request: undefined, expect: 0, sentAt: 0 }));
  constructor(readonly socket: Socket) {
    super();
  }
}

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const r: PhaseResult = {
    sent: 0, answered: 0, accepts: 0, rejects: 0, responses: 0, unexpectedCode: 0, badReplies: {}, missingMa: 0,
    timeouts: 0, strays: 0, wallSeconds: 0, latencyMs: { p50: 0, p99: 0, max: 0 }, aborted: false,
  };
  const latencies = new Float64Array(o.count);
  let latencyCount = 0;
  let outstanding = 0;
  const family = o.host.includes(':') ? 'udp6' : 'udp4';
  const socks: IdSocket[] = [];
  for (let i = 0; i < o.sockets; i++) {
    const s = createSocket({ type: family, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.connect(o.port, o.host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    socks.push(new IdSocket(s));
  }

  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let rr = 0;
  let closed = false;

  const pump = () => {
    while (outstanding < o.parallel && r.sent < o.count && !closed) {
      // Round-robin over sockets that still have a free Identifier.
      let s = socks[rr];
      for (let k = 0; k < socks.length && s.freeIds === 0; k++) s = socks[(rr = (rr + 1) % socks.length)];
      if (s.freeIds === 0) return;
      rr = (rr + 1) % socks.length;
      const id = s.takeId();
      const { bytes, expect } = o.build(r.sent, id);
      const slot = s.slots[id];
      slot.request = bytes;
      slot.expect = expect;
      slot.sentAt = performance.now();
      r.sent++;
      outstanding++;
      s.socket.send(bytes);
    }
    if (outstanding === 0 && r.sent >= o.count) finish();
  };

  const onReply = (s: IdSocket) => (msg: Buffer) => {
    if (msg.length < 20) {
      r.strays++;
      return;
    }
    const id = msg[1];
    const slot = s.slots[id];
    if (!slot.request) {
      r.strays++;
      return;
    }
    let problem = checkReply(msg, slot.request, o.secret);
    if (problem === ReplyProblem.MissingMessageAuthenticator) {
      r.missingMa++;
      if (o.maOptional) problem = ReplyProblem.None;
    }
    if (problem !== ReplyProblem.None) {
      // A reply that does not verify against this Identifier's request: wrong secret, corrupt, or a late reply to an
      // earlier use of the Identifier. Keep waiting for the real one (it times out otherwise).
      const name = PROBLEM_NAMES[problem];
      r.badReplies[name] = (r.badReplies[name] ?? 0) + 1;
      if (problem !== ReplyProblem.BadResponseAuthenticator) complete(s, id, slot);
      return;
    }
    const code = msg[0];
    if (code === Code.AccessAccept) r.accepts++;
    else if (code === Code.AccessReject) r.rejects++;
    else if (code === Code.AccountingResponse) r.responses++;
    if (code !== slot.expect) r.unexpectedCode++;
    r.answered++;
    if (latencyCount < latencies.length) latencies[latencyCount++] = performance.now() - slot.sentAt;
    complete(s, id, slot);
  };

  const complete = (s: IdSocket, id: number, slot: Slot) => {
    slot.request = undefined;
    s.releaseId(id);
    outstanding--;
    pump();
  };

  for (const s of socks) s.socket.on('message', onReply(s));
  const t0 = performance.now();
  const sweep = setInterval(() => {
    const now = performance.now();
    if (now - t0 > o.maxSeconds * 1000) {
      r.aborted = true;
      closed = true;
      finish();
      return;
    }
    for (const s of socks) {
      for (let id = 0; id < 256; id++) {
        const slot = s.slots[id];
        if (slot.request && now - slot.sentAt > o.timeoutMs) {
          r.timeouts++;
          complete(s, id, slot);
        }
      }
    }
  }, Math.min(100, Math.max(10, o.timeoutMs / 10)));

  pump();
  await done;
  r.wallSeconds = (performance.now() - t0) / 1000;
  clearInterval(sweep);
  if (r.aborted) r.timeouts += outstanding;
  for (const s of socks) s.socket.close();

  const sorted = latencies.subarray(0, latencyCount).sort();
  const pick = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
  r.latencyMs = { p50: round3(pick(0.5)), p99: round3(pick(0.99)), max: round3(sorted.length ? sorted[sorted.length - 1] : 0) };
  r.wallSeconds = round3(r.wallSeconds);
  return r;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
