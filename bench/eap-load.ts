// In-process EAP-TLS load generator: many concurrent EAP-TLS conversations from one process over RADIUS/UDP,
// each Access-Accept checked like a NAS checks it (Response Authenticator, Message-Authenticator, EAP-Success,
// MS-MPPE keys decrypted and compared with the MSK this side exports). Loopback targets only.
//
//   npx tsc -p bench/tsconfig.json                      # compiles to bench/.build/
//   node bench/.build/eap-load.js --make-pki /tmp/pki --clients 20      # EC test PKI (anchor make-pki.sh layout)
//   node bench/.build/eap-load.js --port 18123 --cert-dir /tmp/pki --count 2000 --parallel 64 --tls 1.3 --server-pid <pid>
//   ... --resume            # every device authenticates once in full ("prime"), then --count resumed auths
//   ... --resume --no-tickets   # resume by session ID only, like wpa_supplicant for EAP-TLS 1.2
//
// Prints one line per phase and a final `RESULT {json}` line (for bench/eap.sh).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants as cryptoConstants } from 'node:crypto';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { authenticate, type AuthOutcome, type Device, type PeerOptions } from './load/eap-peer.js';
import { generatePki, loadPki } from './load/eap-pki.js';
import { EapRadiusTransport, type TransportStats } from './load/eap-transport.js';
import { ownCpuSeconds, processCpu, processMemoryMiB } from './load/proc-stats.js';

const MAX_COUNT = 1_000_000;
const USAGE = `usage: eap-load --port N [--host 127.0.0.1|::1] [--secret testing123]
  --count N            measured authentications (default 1000)
  --parallel P         concurrent EAP conversations (default 64)
  --tls 1.2|1.3        TLS version (client min = max; default 1.2)
  --resume             prime every device with one full auth, then measure --count resumed auths
  --no-tickets         refuse session tickets (resumption by session ID only, like wpa_supplicant)
  --devices D          simulated devices (own Calling-Station-Id and session; default max(parallel, 100))
  --cert-dir DIR       PKI in the FreeRADIUS anchor make-pki.sh layout [--cert-variant ec|rsa]
                       (without it a fresh EC PKI is generated under $TMPDIR; the server must trust it)
  --make-pki DIR       only generate an EC PKI in DIR (--clients N, default 20) and exit
  --server-pid PID     report the server's CPU (/proc/PID/stat) and RSS
  --warmup N           full auths before measuring (not counted; default 0)
  --timeout S          per round trip (default 5)   --max-seconds S (default 300)
  --sockets N          UDP sockets, 256 Identifiers each (default ceil(parallel/128))
  --fragment-size N    TLS octets per EAP-TLS fragment we send (default 1398, wpa_supplicant's)
  --framed-mtu N       Framed-MTU in every Access-Request (default 1400, hostapd's)
  --ecdh-curve LIST    client key-share curves, e.g. P-256 or X25519 (default: OpenSSL's)
  --servername NAME    expected server name (default radius.test)
  --ma-optional        accept replies without Message-Authenticator (counted)
  --label TEXT`;

const { values: a } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' }, secret: { type: 'string', default: 'testing123' },
    count: { type: 'string', default: '1000' }, parallel: { type: 'string', default: '64' }, tls: { type: 'string', default: '1.2' },
    resume: { type: 'boolean', default: false }, 'no-tickets': { type: 'boolean', default: false }, devices: { type: 'string' },
    'cert-dir': { type: 'string' }, 'cert-variant': { type: 'string', default: 'ec' }, 'make-pki': { type: 'string' },
    clients: { type: 'string', default: '20' }, 'server-pid': { type: 'string' }, warmup: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '5' }, 'max-seconds': { type: 'string', default: '300' }, sockets: { type: 'string' },
    'fragment-size': { type: 'string', default: '1398' }, 'framed-mtu': { type: 'string', default: '1400' },
    'ecdh-curve': { type: 'string' }, servername: { type: 'string', default: 'radius.test' },
    'ma-optional': { type: 'boolean', default: false }, label: { type: 'string', default: '' }, help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`eap-load: ${message}\n${USAGE}\n`);
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
if (a['make-pki']) {
  const n = int('clients', a.clients, 1, 10_000);
  generatePki(path.resolve(a['make-pki']), n);
  process.stdout.write(`EC test PKI with ${n} clients written to ${path.resolve(a['make-pki'])}\n`);
  process.exit(0);
}

const host = a.host === 'localhost' ? '127.0.0.1' : a.host!;
if (host !== '127.0.0.1' && host !== '::1') fail(`refusing non-loopback target "${host}" (only 127.0.0.1 and ::1)`);
const port = int('port', a.port, 1, 65535);
const count = int('count', a.count, 1, MAX_COUNT);
const parallel = int('parallel', a.parallel, 1, 4096);
const version = a.tls === '1.2' ? 'TLSv1.2' : a.tls === '1.3' ? 'TLSv1.3' : fail('--tls must be 1.2 or 1.3');
const devicesCount = a.devices === undefined ? Math.max(parallel, 100) : int('devices', a.devices, 1, 1_000_000);
const sockets = a.sockets === undefined ? Math.max(1, Math.ceil(parallel / 128)) : int('sockets', a.sockets, 1, 1024);
if (parallel > sockets * 256) fail(`--parallel ${parallel} needs at least ${Math.ceil(parallel / 256)} sockets`);
const warmup = int('warmup', a.warmup, 0, MAX_COUNT);
const timeoutMs = int('timeout', a.timeout, 1, 60) * 1000;
const maxSeconds = int('max-seconds', a['max-seconds'], 1, 3600);
const serverPid = a['server-pid'] === undefined ? undefined : int('server-pid', a['server-pid'], 1, 2 ** 22);
const fragmentSize = int('fragment-size', a['fragment-size'], 64, 4000);
const framedMtu = int('framed-mtu', a['framed-mtu'], 64, 9000);
const variant = a['cert-variant'] === 'ec' || a['cert-variant'] === 'rsa' ? a['cert-variant'] : fail('--cert-variant must be ec or rsa');
const secret = Buffer.from(a.secret!, 'utf8');

let certDir = a['cert-dir'];
if (!certDir) {
  certDir = mkdtempSync(path.join(tmpdir(), 'eap-load-pki-'));
  generatePki(certDir, 20);
  process.stderr.write(`eap-load: generated EC PKI in ${certDir} (the server must present ${certDir}/ec/server.pem and trust ${certDir}/trusted-cas.pem)\n`);
}
const pki = loadPki(certDir, variant);

// One SecureContext per device certificate: building one (PEM parse, key load, CA store) costs about as much as
// a resumed handshake, and a real supplicant keeps its configuration too.
const contexts = pki.clients.map((c) => tls.createSecureContext({
  ca: pki.serverCa, cert: c.cert, key: c.key, minVersion: version, maxVersion: version,
  ...(a['no-tickets'] ? { secureOptions: cryptoConstants.SSL_OP_NO_TICKET } : {}),
  ...(a['ecdh-curve'] ? { ecdhCurve: a['ecdh-curve'] } : {}),
}));
const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const devices: Device[] = Array.from({ length: devicesCount }, (_, i) => {
  const c = i % pki.clients.length;
  const k = i + 1;
  return {
    index: i,
    identity: Buffer.from(`host/${pki.clients[c].udid}`),
    context: contexts[c],
    session: undefined,
    nas: {
      userName: Buffer.from(`host/${pki.clients[c].udid}`),
      callingStationId: Buffer.from(`02-00-01-${hex2((k >> 16) & 255)}-${hex2((k >> 8) & 255)}-${hex2(k & 255)}`),
      calledStationId: Buffer.from(`AA-BB-CC-00-00-${hex2(i % 16)}:CorpWiFi`),
      nasIdentifier: Buffer.from(`ap-${String(i % 16).padStart(2, '0')}`),
      nasPort: i % 4096,
      framedMtu,
    },
  };
});

interface PhaseReport {
  phase: string;
  attempted: number;
  ok: number;
  failures: Record<string, number>;
  resumed: number;
  /** Successful auths that should have resumed but did a full handshake. */
  notResumed: number;
  roundsPerAuth: number;
  wallSeconds: number;
  authsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  clientCpuMsPerAuth: number;
  clientCpuPercent: number;
  serverCpuSeconds?: number;
  serverSystemSeconds?: number;
  serverCpuMsPerAuth?: number;
  serverCpuPercent?: number;
  serverRssMiB?: number;
  serverPeakRssMiB?: number;
  transport: TransportStats;
  aborted: boolean;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

async function runPhase(transport: EapRadiusTransport, phase: string, n: number, resume: boolean, quiet = false): Promise<PhaseReport> {
  const peer: PeerOptions = { servername: a.servername!, fragmentSize, resume, expectVersion: version, maxRounds: 32 };
  const failures: Record<string, number> = {};
  const details = new Map<string, string>();
  const latencies = new Float64Array(n);
  let next = 0;
  let ok = 0;
  let resumed = 0;
  let rounds = 0;
  let aborted = false;
  const t0 = performance.now();
  const deadline = t0 + maxSeconds * 1000;
  const before = { ...transport.stats, badReplies: { ...transport.stats.badReplies }, socketErrors: { ...transport.stats.socketErrors } };
  const s0 = serverPid ? processCpu(serverPid) : { user: 0, system: 0 };
  const c0 = ownCpuSeconds();

  const record = (o: AuthOutcome) => {
    rounds += o.rounds;
    if (o.ok) {
      latencies[ok++] = o.ms;
      if (o.resumed) resumed++;
      return;
    }
    const reason = o.reason ?? 'unknown';
    failures[reason] = (failures[reason] ?? 0) + 1;
    if (o.detail && !details.has(reason)) details.set(reason, o.detail);
  };
  const worker = async () => {
    while (next < n) {
      if (performance.now() > deadline) {
        aborted = true;
        return;
      }
      const k = next++;
      record(await authenticate(devices[k % devices.length], transport, peer));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));

  const wall = (performance.now() - t0) / 1000;
  const c1 = ownCpuSeconds();
  const s1 = serverPid ? processCpu(serverPid) : { user: 0, system: 0 };
  const sorted = latencies.subarray(0, ok).sort();
  const pick = (q: number) => (ok ? sorted[Math.min(ok - 1, Math.floor(q * ok))] : 0);
  const delta: TransportStats = {
    sent: transport.stats.sent - before.sent,
    badReplies: Object.fromEntries(Object.entries(transport.stats.badReplies).map(([k, v]) => [k, v - (before.badReplies[k] ?? 0)]).filter(([, v]) => (v as number) > 0)),
    missingMa: transport.stats.missingMa - before.missingMa,
    strays: transport.stats.strays - before.strays,
    timeouts: transport.stats.timeouts - before.timeouts,
    socketErrors: Object.fromEntries(Object.entries(transport.stats.socketErrors).map(([k, v]) => [k, v - (before.socketErrors[k] ?? 0)]).filter(([, v]) => (v as number) > 0)),
  };
  const attempted = Math.min(next, n);
  const r: PhaseReport = {
    phase, attempted, ok, failures, resumed, notResumed: resume ? ok - resumed : 0,
    roundsPerAuth: round(rounds / Math.max(1, attempted), 2), wallSeconds: round(wall, 3), authsPerSecond: round(ok / wall, 1),
    latencyMs: { p50: round(pick(0.5), 2), p99: round(pick(0.99), 2), max: round(ok ? sorted[ok - 1] : 0, 2) },
    clientCpuMsPerAuth: round((1000 * (c1 - c0)) / Math.max(1, ok), 3), clientCpuPercent: Math.round((100 * (c1 - c0)) / wall),
    transport: delta, aborted,
  };
  if (serverPid) {
    const sec = s1.user + s1.system - s0.user - s0.system;
    const mem = processMemoryMiB(serverPid);
    Object.assign(r, {
      serverCpuSeconds: round(sec, 2), serverSystemSeconds: round(s1.system - s0.system, 2),
      serverCpuMsPerAuth: round((1000 * sec) / Math.max(1, ok), 3), serverCpuPercent: Math.round((100 * sec) / wall),
      serverRssMiB: mem.rss, serverPeakRssMiB: mem.peak,
    });
  }
  if (!quiet) {
    const f = Object.entries(failures).map(([k, v]) => `${k}=${v}`).join(',') || '0';
    const bad = Object.entries(delta.badReplies).map(([k, v]) => `${k}=${v}`).join(',') || '0';
    process.stdout.write(
      `  phase=${phase} tls=${version} auths=${ok}/${attempted} auths_per_s=${r.authsPerSecond} wall=${r.wallSeconds}s` +
      ` failures=${f} resumed=${resumed}${resume ? ` not_resumed=${r.notResumed}` : ''} rounds/auth=${r.roundsPerAuth}` +
      ` p50=${r.latencyMs.p50}ms p99=${r.latencyMs.p99}ms max=${r.latencyMs.max}ms` +
      ` client_cpu=${r.clientCpuMsPerAuth}ms/auth(${r.clientCpuPercent}%)` +
      (serverPid ? ` server_cpu=${r.serverCpuSeconds}s(sys ${r.serverSystemSeconds}s) ${r.serverCpuMsPerAuth}ms/auth(${r.serverCpuPercent}%) rss=${r.serverRssMiB}MiB peak_rss=${r.serverPeakRssMiB}MiB` : '') +
      ` bad_replies=${bad} missing_ma=${delta.missingMa} strays=${delta.strays}` +
      (Object.keys(delta.socketErrors).length ? ` socket_errors=${Object.entries(delta.socketErrors).map(([k, v]) => `${k}=${v}`).join(',')}` : '') +
      (aborted ? ' ABORTED(max-seconds)' : '') + '\n',
    );
    for (const [k, v] of details) process.stdout.write(`    ${k}: ${v}\n`);
  }
  return r;
}

async function main(): Promise<void> {
  const transport = await EapRadiusTransport.open({ host, port, secret, sockets, timeoutMs, maOptional: a['ma-optional']! });
  const label = a.label ? ` label=${a.label}` : '';
  process.stdout.write(
    `eap-load target=${host}:${port} tls=${version} mode=${a.resume ? (a['no-tickets'] ? 'resumed(session-id)' : 'resumed(tickets)') : 'full'}` +
    ` count=${count} parallel=${parallel} devices=${devices.length} certs=${pki.clients.length}(${variant}) sockets=${sockets}` +
    ` warmup=${warmup}${a['ecdh-curve'] ? ` ecdh_curve=${a['ecdh-curve']}` : ''}${label}\n`,
  );
  const phases: PhaseReport[] = [];
  try {
    if (warmup) await runPhase(transport, 'warmup', warmup, false, true);
    if (a.resume) {
      for (const d of devices) d.session = undefined;
      phases.push(await runPhase(transport, 'prime-full', devices.length, false));
      phases.push(await runPhase(transport, 'resumed', count, true));
    } else {
      phases.push(await runPhase(transport, 'full', count, false));
    }
  } finally {
    transport.close();
  }
  const main = phases[phases.length - 1];
  process.stdout.write(`RESULT ${JSON.stringify({ label: a.label, tls: version, resume: a.resume, noTickets: a['no-tickets'], parallel, devices: devices.length, main, phases })}\n`);
  const failed = phases.reduce((n, p) => n + (p.attempted - p.ok), 0);
  process.exitCode = failed === 0 && !main.aborted && main.notResumed === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`eap-load: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
