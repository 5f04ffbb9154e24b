#!/usr/bin/env node
// bench/posture-sync.mjs -- portcullis's side of a full Jamf sync, measured in this process only.
// The mock Jamf runs in another process (bench/posture.sh starts it). Uses the build in dist/.
//
//   node --expose-gc bench/posture-sync.mjs --url http://127.0.0.1:PORT [--db FILE] [--lookups 1000000]
//   node --expose-gc bench/posture-sync.mjs --restart-only --db FILE      (a fresh process loading a snapshot)
//
// Prints one line per phase and a final `RESULT {json}` line (the shell script collects those).
// Plain JS on purpose: it imports the compiled server from dist/, which bench/tsconfig.json cannot see.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// PORTCULLIS_DIST: another build of src/ (e.g. bench/.build/<name>/dist) instead of the repo's dist/.
const distRoot = process.env.PORTCULLIS_DIST ? pathToFileURL(`${path.resolve(process.env.PORTCULLIS_DIST)}/`) : new URL('../dist/', import.meta.url);
const dist = (p) => new URL(p, distRoot).href;
const { createJamfClient, fleetDevices } = await import(dist('jamf/index.js'));
const { PostureStore } = await import(dist('posture/store.js'));
const { PostureSnapshotStore } = await import(dist('posture/persistence.js'));
const { openDatabase } = await import(dist('store/db.js'));
const { createLogger } = await import(dist('log/logger.js'));
const { Secret } = await import(dist('log/secret.js'));

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    db: { type: 'string' },
    lookups: { type: 'string', default: '1000000' },
    'page-size': { type: 'string', default: '2000' },
    'computer-group': { type: 'string', default: 'Compliant Macs' },
    'mobile-group': { type: 'string', default: 'Compliant Mobile Devices' },
    synchronous: { type: 'string', default: 'full' },
    'restart-only': { type: 'boolean', default: false },
    'skip-lookups': { type: 'boolean', default: false },
  },
});

const MiB = 1024 * 1024;
const STALE_AFTER_MS = 24 * 3600 * 1000;
/** VmHWM / VmRSS from /proc/self/status in MiB (VmHWM = peak resident set of this process). */
function procMem() {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}
function mem() {
  const m = process.memoryUsage();
  return { ...procMem(), heapUsedMiB: m.heapUsed / MiB, heapTotalMiB: m.heapTotal / MiB, externalMiB: m.external / MiB };
}
const gc = () => globalThis.gc?.();
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const r1 = (x) => Math.round(x * 10) / 10;
const log = (line) => process.stdout.write(`${line}\n`);
const fmtMem = (m) => `rss ${r1(m.rssMiB)} MiB, hwm ${r1(m.hwmMiB)} MiB, heap ${r1(m.heapUsedMiB)}/${r1(m.heapTotalMiB)} MiB`;

/** Times the SQLite part of applySnapshot (replaceAll) apart from the in-memory index. */
class TimedSnapshotStore extends PostureSnapshotStore {
  replaceAllMs = 0;
  replaceAll(records, meta) {
    const t0 = process.hrtime.bigint();
    super.replaceAll(records, meta);
    this.replaceAllMs += ms(t0);
  }
}

/** Opens FILE and builds a PostureStore from its snapshot, as a restarted server does. */
function restart(dbFile) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const db = openDatabase(dbFile, { synchronous: args.synchronous });
  const store = new PostureStore({ staleAfterMs: STALE_AFTER_MS, persistence: new PostureSnapshotStore(db) });
  const readyMs = ms(t0);
  const c = process.cpuUsage(c0);
  return { db, store, readyMs, readyCpuMs: (c.user + c.system) / 1000 };
}

// ---- lookups ------------------------------------------------------------------------------------------
const POOL = 1 << 16; // keys drawn at random, then walked in a random order (defeats branch/cache luck)
function pick(list, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = list[Math.floor(Math.random() * list.length)];
  return out;
}
function unknownMacs(known, n) {
  const out = [];
  while (out.length < n) {
    const b = randomBytes(6);
    b[0] = (b[0] | 0x02) & 0xfe; // locally administered unicast: never a real Jamf device's hardware MAC
    const mac = [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    if (!known.has(mac)) out.push(mac);
  }
  return out;
}
const radiusForm = (mac) => mac.toUpperCase().replaceAll(':', '-'); // Calling-Station-Id, RFC 3580
const mixed = (a, b) => a.map((x, i) => (Math.random() < 0.5 ? x : b[i]));

/** N lookups over `keys` (cycled); ns per lookup. the known count so the loop cannot be dropped. */
function timeLookups(fn, keys, n) {
  const mask = keys.length - 1;
  for (let i = 0; i < 100_000; i++) fn(keys[i & mask]); // warm-up: let the JIT settle on this call site
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let known = 0;
  for (let i = 0; i < n; i++) if (fn(keys[i & mask]).state !== 'unknown') known++;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  const c = process.cpuUsage(c0);
  const cpuNs = ((c.user + c.system) * 1000) / n;
  return { nsPerLookup: Math.round(ns * 10) / 10, cpuNsPerLookup: Math.round(cpuNs * 10) / 10, knownShare: Math.round((known / n) * 1000) / 1000 };
}

function runLookups(store, n) {
  const macs = [];
  const udids = [];
  for (const r of store.records()) {
    macs.push(...r.macs);
    if (r.udid) udids.push(r.udid);
  }
  const macSet = new Set(macs);
  const knownMac = pick(macs, POOL);
  const unknownMac = unknownMacs(macSet, POOL);
  const knownUdid = pick(udids, POOL);
  const unknownUdid = Array.from({ length: POOL }, () => randomUUID().toUpperCase());
  const rawMap = new Map(macs.map((m) => [m, { state: 'compliant' }]));
  const nothing = { state: 'unknown' };
  const byMac = (k) => store.byMac(k);
  const byUdid = (k) => store.byUdid(k);
  // The auth path looks up a string it just built (normaliseMac of Calling-Station-Id), never the stored
  // string object itself: flat copies compare by content, as there.
  const fresh = (keys) => keys.map((k) => k.split('').join(''));
  const cases = {
    'calibration: bare Map.get, known MACs': [(k) => rawMap.get(k) ?? nothing, knownMac],
    'byMac known (aa:bb:..)': [byMac, knownMac],
    'byMac known, fresh copies (aa:bb:..)': [byMac, fresh(knownMac)],
    'byMac unknown (aa:bb:..)': [byMac, unknownMac],
    'byMac 50/50 known/unknown (aa:bb:..)': [byMac, mixed(knownMac, unknownMac)],
    'byMac known (AA-BB-.. RFC 3580)': [byMac, knownMac.map(radiusForm)],
    'byMac 50/50 (AA-BB-.. RFC 3580)': [byMac, mixed(knownMac, unknownMac).map(radiusForm)],
    'byUdid known (upper-case)': [byUdid, knownUdid],
    'byUdid known, fresh copies (upper-case)': [byUdid, fresh(knownUdid)],
    'byUdid unknown': [byUdid, unknownUdid],
    'byUdid 50/50 known/unknown': [byUdid, mixed(knownUdid, unknownUdid)],
    'byUdid known (lower-case)': [byUdid, knownUdid.map((u) => u.toLowerCase())],
  };
  const out = {};
  for (const [name, [fn, keys]] of Object.entries(cases)) {
    gc();
    out[name] = timeLookups(fn, keys, n);
    log(`lookup  ${name.padEnd(40)} ${String(out[name].nsPerLookup).padStart(7)} ns/lookup wall, ${String(out[name].cpuNsPerLookup).padStart(7)} ns CPU  (known ${out[name].knownShare})`);
  }
  return out;
}

// ---- main ---------------------------------------------------------------------------------------------
if (args['restart-only']) {
  if (!args.db) throw new Error('--restart-only needs --db FILE');
  gc();
  const before = mem();
  const { db, store, readyMs, readyCpuMs } = restart(args.db);
  const after = mem();
  log(`restart ${store.size} devices ready in ${r1(readyMs)} ms wall, ${r1(readyCpuMs)} ms CPU; ${fmtMem(after)}`);
  db.close();
  log(`RESULT ${JSON.stringify({ mode: 'restart', devices: store.size, readyMs, readyCpuMs, before, after })}`);
  process.exit(0);
}

if (!args.url) throw new Error('--url http://127.0.0.1:PORT of the mock Jamf is required');
const tmp = args.db ? undefined : mkdtempSync(path.join(tmpdir(), 'posture-bench-'));
const dbFile = args.db ?? path.join(tmp, 'portcullis.db');
const db = openDatabase(dbFile, { synchronous: args.synchronous });
const persistence = new TimedSnapshotStore(db);
const store = new PostureStore({ staleAfterMs: STALE_AFTER_MS, persistence });
const pageSize = Number(args['page-size']);
const config = {
  url: args.url,
  clientId: process.env.JAMF_CLIENT_ID ?? 'mock-client',
  clientSecret: new Secret(process.env.JAMF_CLIENT_SECRET ?? 'mock-client-secret', 'bench'),
  computerGroups: [args['computer-group']],
  mobileGroups: [args['mobile-group']],
  pollIntervalSeconds: 7200,
  tls: { verify: true },
  maxConcurrency: 5,
  pageSize,
  timeouts: { connectMs: 10_000, requestMs: 120_000 },
  retry: { limit: 2, backoffMs: 500, maxBackoffMs: 2000, maxRetryAfterMs: 10_000 },
};
const client = createJamfClient(config, { logger: createLogger({ level: 'warn', destination: 2 }) });

gc();
const base = mem();
log(`baseline ${fmtMem(base)}`);

const cpuMs = (c0) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };
const tSync = process.hrtime.bigint();
const tFetch = process.hrtime.bigint();
const cFetch = process.cpuUsage();
const fleet = await client.fetchFleet();
const fetchMs = ms(tFetch);
const fetchCpuMs = cpuMs(cFetch);
const afterFetch = mem();
if (fleet.partial) log(`WARNING partial fleet: ${JSON.stringify(fleet.partial.failures)}`);
log(`fetch   ${fleet.computers.length} computers + ${fleet.mobiles.length} mobiles in ${r1(fetchMs)} ms wall, ${r1(fetchCpuMs)} ms CPU `
  + `(${fleet.stats.requests} requests, ${fleet.stats.retries} retries, peak concurrency ${fleet.stats.peakConcurrency}); ${fmtMem(afterFetch)}`);

const tApply = process.hrtime.bigint();
const cApply = process.cpuUsage();
// As PostureService does: the two lists without a third copy (older builds: one concatenated array).
const devices = fleetDevices ? fleetDevices(fleet) : [...fleet.computers, ...fleet.mobiles];
const { changes } = store.applySnapshot(devices, fetchMs);
const applyMs = ms(tApply);
const applyCpuMs = cpuMs(cApply);
const syncMs = ms(tSync);
const afterApply = mem();
const dbBytes = ['', '-wal'].reduce((s, ext) => s + (statSync(dbFile + ext, { throwIfNoEntry: false })?.size ?? 0), 0);
log(`apply   ${store.size} records, ${changes} changes in ${r1(applyMs)} ms wall, ${r1(applyCpuMs)} ms CPU (of which SQLite replaceAll ${r1(persistence.replaceAllMs)} ms); `
  + `db+wal ${r1(dbBytes / MiB)} MiB; ${fmtMem(afterApply)}`);
log(`sync    total ${r1(syncMs)} ms`);
client.close();

// Drop what only the sync needed (the fleet result), keep the store: the steady state of a running server.
fleet.computers.length = 0;
fleet.mobiles.length = 0;
if (Array.isArray(devices)) devices.length = 0;
gc();
const steady = mem();
log(`steady  after GC ${fmtMem(steady)}`);

const n = Number(args.lookups);
const lookups = args['skip-lookups'] ? {} : runLookups(store, n);

db.close();
gc();
const beforeRestart = mem();
const re = restart(dbFile);
log(`restart (same process) ${re.store.size} devices ready in ${r1(re.readyMs)} ms wall, ${r1(re.readyCpuMs)} ms CPU`);
re.db.close();

log(`RESULT ${JSON.stringify({
  mode: 'sync', devices: store.size, changes, requests: fleet.stats.requests, retries: fleet.stats.retries, pageSize,
  fetchMs, fetchCpuMs, applyMs, applyCpuMs, replaceAllMs: persistence.replaceAllMs, syncMs, dbBytes,
  mem: { base, afterFetch, afterApply, steady, beforeRestart },
  rssGrowthPeakMiB: afterApply.hwmMiB - base.rssMiB,
  rssGrowthSteadyMiB: steady.rssMiB - base.rssMiB,
  lookups, lookupN: n, restartSameProcessMs: re.readyMs, restartSameProcessCpuMs: re.readyCpuMs,
})}`);
if (tmp && !process.env.KEEP_DB) rmSync(tmp, { recursive: true, force: true });
