// In-process RADIUS load generator: MAB Access-Requests or accounting (Start / Interim-Update / Stop) from one
// process, many requests outstanding, every reply verified. Loopback targets only.
//
//   npx tsc -p bench/tsconfig.json          # compiles to bench/.build/
//   node bench/.build/radius-load.js --mode mab  --port 18122 --count 150000 --parallel 64 --server-pid <pid>
//   node bench/.build/radius-load.js --mode acct --port 18132 --sessions 1000 --interims 100 --parallel 32
//
// Prints one line per phase and a final `RESULT {json}` line (for the wrapper scripts).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runPhase, type PhaseResult } from './load/engine.js';
import { AcctStatus, AuthenticatorPool, Code, acctTemplate, buildAcct, buildMab, mabTemplate, prepareCrypto, type AcctTemplate } from './load/packets.js';
import { ownCpuSeconds, processCpu, processMemoryMiB } from './load/proc-stats.js';

const MAX_COUNT = 2_000_000;
const USAGE = `usage: radius-load --mode mab|acct --port N [--host 127.0.0.1|::1] [--secret S]
  mab:  --count N [--macs 1000] [--reject-pct 0]
  acct: --sessions N [--interims 100]
  common: [--parallel 64] [--sockets ceil(parallel/128)] [--timeout 5 (s)] [--max-seconds 300]
          [--warmup N requests, not measured] [--server-pid PID] [--ma-optional] [--label TEXT]`;

const { values: a } = parseArgs({
  options: {
    mode: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' },
    secret: { type: 'string', default: 'testing123' }, count: { type: 'string' }, macs: { type: 'string', default: '1000' },
    'reject-pct': { type: 'string', default: '0' }, sessions: { type: 'string' }, interims: { type: 'string', default: '100' },
    parallel: { type: 'string', default: '64' }, sockets: { type: 'string' }, timeout: { type: 'string', default: '5' },
    'max-seconds': { type: 'string', default: '300' }, warmup: { type: 'string', default: '0' },
    'server-pid': { type: 'string' }, 'ma-optional': { type: 'boolean', default: false }, label: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`radius-load: ${message}\n${USAGE}\n`);
  process.exit(2);
}
function int(name: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text)) fail(`--${name} must be an integer`);
  const n = Number(text);
  if (n < min || n > max) fail(`--${name} must be in ${min}..${max}`);
  return n;
}

if (a.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const mode = a.mode === 'mab' || a.mode === 'acct' ? a.mode : fail('--mode must be mab or acct');
const host = a.host === 'localhost' ? '127.0.0.1' : a.host!;
if (host !== '127.0.0.1' && host !== '::1') fail(`refusing non-loopback target "${host}" (only 127.0.0.1 and ::1)`);
const port = int('port', a.port, 1, 65535);
const secret = Buffer.from(a.secret!, 'utf8');
const parallel = int('parallel', a.parallel, 1, 65536);
const sockets = a.sockets === undefined ? Math.max(1, Math.ceil(parallel / 128)) : int('sockets', a.sockets, 1, 1024);
if (parallel > sockets * 256) fail(`--parallel ${parallel} needs at least ${Math.ceil(parallel / 256)} sockets (256 Identifiers each)`);
const timeoutMs = int('timeout', a.timeout, 1, 60) * 1000;
const maxSeconds = int('max-seconds', a['max-seconds'], 1, 3600);
const warmup = int('warmup', a.warmup, 0, MAX_COUNT);
const serverPid = a['server-pid'] === undefined ? undefined : int('server-pid', a['server-pid'], 1, 2 ** 22);
const common = { host, port, secret, parallel, sockets, timeoutMs, maxSeconds, maOptional: a['ma-optional']! };

interface PhaseReport extends PhaseResult {
  phase: string;
  rps: number;
  serverCpuSeconds?: number;
  /** Share of the server's CPU spent in the kernel (UDP syscalls, fsync). */
  serverSystemSeconds?: number;
  serverCpuUsPerRequest?: number;
  serverCpuPercent?: number;
  clientCpuUsPerRequest: number;
  clientCpuPercent: number;
}

/** Runs one phase and measures the server's and our own CPU across it. */
async function measured(phase: string, count: number, build: Parameters<typeof runPhase>[0]['build']): Promise<PhaseReport> {
  const idle = { user: 0, system: 0 };
  const s0 = serverPid ? processCpu(serverPid) : idle;
  const c0 = ownCpuSeconds();
  const r = await runPhase({ ...common, count, build });
  const c1 = ownCpuSeconds();
  const s1 = serverPid ? processCpu(serverPid) : idle;
  const serverSeconds = s1.user + s1.system - s0.user - s0.system;
  const per = (seconds: number) => (r.answered ? Math.round((seconds * 1e7) / r.answered) / 10 : Number.NaN);
  const pct = (seconds: number) => Math.round((100 * seconds) / r.wallSeconds);
  const report: PhaseReport = {
    phase, ...r, rps: Math.round(r.answered / r.wallSeconds),
    clientCpuUsPerRequest: per(c1 - c0), clientCpuPercent: pct(c1 - c0),
  };
  if (serverPid) {
    report.serverCpuSeconds = Math.round(serverSeconds * 100) / 100;
    report.serverSystemSeconds = Math.round((s1.system - s0.system) * 100) / 100;
    report.serverCpuUsPerRequest = per(serverSeconds);
    report.serverCpuPercent = pct(serverSeconds);
  }
  const bad = Object.entries(r.badReplies).map(([k, v]) => `${k}=${v}`).join(',') || '0';
  process.stdout.write(
    `  phase=${phase} sent=${r.sent} answered=${r.answered} rps=${report.rps} wall=${r.wallSeconds}s` +
    ` accept=${r.accepts} reject=${r.rejects} acct_resp=${r.responses} unexpected=${r.unexpectedCode} timeouts=${r.timeouts}` +
    ` bad=${bad} missing_ma=${r.missingMa} strays=${r.strays} p50=${r.latencyMs.p50}ms p99=${r.latencyMs.p99}ms` +
    ` client_cpu=${report.clientCpuUsPerRequest}us/req(${report.clientCpuPercent}%)` +
    (serverPid ? ` server_cpu=${report.serverCpuSeconds}s(sys ${report.serverSystemSeconds}s) ${report.serverCpuUsPerRequest}us/req(${report.serverCpuPercent}%)` : '') +
    (r.aborted ? ' ABORTED(max-seconds)' : '') + '\n',
  );
  return report;
}

async function mab(count: number, label: string): Promise<PhaseReport[]> {
  const macs = int('macs', a.macs, 1, 0xffffff);
  const rejectPct = int('reject-pct', a['reject-pct'], 0, 100);
  // Same MAC choice as bench-mab.sh: packet i uses MAC (i % macs) + 1; reject-pct of every 100 use unknown MACs.
  const templates = Array.from({ length: macs }, (_, i) => {
    const unknown = rejectPct > 0 && i % 100 < rejectPct;
    return mabTemplate(i, unknown ? 0xffffff - (i % macs) : (i % macs) + 1, !unknown);
  });
  const pool = new AuthenticatorPool();
  return [await measured(label, count, (n, id) => {
    const t = templates[n % macs];
    return { bytes: buildMab(t, id, secret, pool), expect: t.expectAccept ? Code.AccessAccept : Code.AccessReject };
  })];
}

async function acct(sessions: number, interims: number, labelPrefix: string): Promise<PhaseReport[]> {
  const runId = `${Math.floor(Date.now() / 1000).toString(16).toUpperCase().padStart(8, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
  const now = Math.floor(Date.now() / 1000);
  const make = (status: number) => Array.from({ length: sessions }, (_, k) => acctTemplate(status, k + 1, runId, now));
  const phase = (name: string, templates: AcctTemplate[], rounds: number, firstRound: number) =>
    measured(`${labelPrefix}${name}`, sessions * rounds, (n, id) => ({
      bytes: buildAcct(templates[n % sessions], id, firstRound + Math.floor(n / sessions), secret),
      expect: Code.AccountingResponse,
    }));
  const out = [await phase('start', make(AcctStatus.Start), 1, 0)];
  if (interims > 0) out.push(await phase('interim', make(AcctStatus.InterimUpdate), interims, 0));
  out.push(await phase('stop', make(AcctStatus.Stop), 1, interims));
  return out;
}

function total(phases: PhaseReport[]): Record<string, number | undefined> {
  const sum = (f: (p: PhaseReport) => number | undefined) => phases.reduce((n, p) => n + (f(p) ?? 0), 0);
  const answered = sum((p) => p.answered);
  const wall = sum((p) => p.wallSeconds);
  const serverCpu = serverPid ? sum((p) => p.serverCpuSeconds) : undefined;
  const serverSys = serverPid ? sum((p) => p.serverSystemSeconds) : undefined;
  // Percentiles do not add up across phases: report the biggest phase's (the Interim-Updates for accounting).
  const main = phases.reduce((x, y) => (y.answered > x.answered ? y : x));
  return {
    answered, timeouts: sum((p) => p.timeouts), unexpected: sum((p) => p.unexpectedCode),
    bad: sum((p) => Object.values(p.badReplies).reduce((x, y) => x + y, 0)), wallSeconds: Math.round(wall * 1000) / 1000,
    rps: Math.round(answered / wall), clientCpuUsPerRequest: Math.round(sum((p) => p.clientCpuUsPerRequest * p.answered) / Math.max(1, answered) * 10) / 10,
    serverCpuSeconds: serverCpu === undefined ? undefined : Math.round(serverCpu * 100) / 100,
    serverSystemSeconds: serverSys === undefined ? undefined : Math.round(serverSys * 100) / 100,
    serverCpuUsPerRequest: serverCpu === undefined || !answered ? Number.NaN : Math.round((serverCpu * 1e7) / answered) / 10,
    serverCpuPercent: serverCpu === undefined ? undefined : Math.round((100 * serverCpu) / wall),
    p50Ms: main.latencyMs.p50, p99Ms: main.latencyMs.p99,
  };
}

async function main(): Promise<void> {
  const label = a.label ? ` label=${a.label}` : '';
  await prepareCrypto(secret);
  let phases: PhaseReport[];
  if (mode === 'mab') {
    const count = int('count', a.count, 1, MAX_COUNT);
    process.stdout.write(`radius-load mode=mab target=${host}:${port} count=${count} parallel=${parallel} sockets=${sockets} macs=${a.macs} reject_pct=${a['reject-pct']} warmup=${warmup}${label}\n`);
    if (warmup) await mab(warmup, 'warmup');
    phases = await mab(count, 'mab');
  } else {
    const sessions = int('sessions', a.sessions, 1, 100_000);
    const interims = int('interims', a.interims, 0, 10_000);
    if (sessions * (interims + 2) > MAX_COUNT) fail(`sessions * (interims + 2) exceeds ${MAX_COUNT}`);
    process.stdout.write(`radius-load mode=acct target=${host}:${port} sessions=${sessions} interims=${interims} packets=${sessions * (interims + 2)} parallel=${parallel} sockets=${sockets} warmup=${warmup}${label}\n`);
    if (warmup) await acct(Math.min(sessions, warmup), Math.max(0, Math.ceil(warmup / Math.min(sessions, warmup)) - 2), 'warmup-');
    phases = await acct(sessions, interims, '');
  }
  const t = total(phases);
  const mem = serverPid ? processMemoryMiB(serverPid) : undefined;
  process.stdout.write(
    `  total: answered=${t.answered} rps=${t.rps} timeouts=${t.timeouts} unexpected=${t.unexpected} bad=${t.bad}` +
    ` client_cpu=${t.clientCpuUsPerRequest}us/req p50=${t.p50Ms}ms p99=${t.p99Ms}ms` +
    (mem ? ` server_cpu=${t.serverCpuSeconds}s(sys ${t.serverSystemSeconds}s) ${t.serverCpuUsPerRequest}us/req(${t.serverCpuPercent}%) rss=${mem.rss}MiB peak_rss=${mem.peak}MiB` : '') + '\n',
  );
  process.stdout.write(`RESULT ${JSON.stringify({ mode, label: a.label, parallel, sockets, total: t, serverMemoryMiB: mem, phases })}\n`);
  const ok = t.timeouts === 0 && t.unexpected === 0 && t.bad === 0;
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`radius-load: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
