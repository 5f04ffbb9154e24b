import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../../config/load.js';
import { createJamfClient, fleetDevices, formatCheckLine, jamfStartupWarnings, type FleetProgress, type JamfClient, type JamfConfig } from '../../jamf/index.js';
import { silentLogger } from '../../log/logger.js';
import { PostureSnapshotStore, type SyncMeta } from '../../posture/persistence.js';
import { PostureStore } from '../../posture/store.js';
import { openDatabase } from '../../store/db.js';
import { openSnapshot, stateOf } from './devices.js';

// `portcullis jamf test|sync|status`: check the Jamf connection, sync once by hand, show the last sync.

function jamfOf(config: Config, configFile: string): JamfConfig {
  if (!config.jamf) throw new Error(`${configFile} has no jamf: section`);
  return config.jamf;
}

/** The client for a CLI command: its own output instead of log lines; settings that weaken TLS are warned about. */
function cliClient(jamf: JamfConfig): JamfClient {
  for (const w of jamfStartupWarnings(jamf)) process.stderr.write(`portcullis: warning: ${w}\n`);
  return createJamfClient(jamf, { logger: silentLogger() });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Credentials, privileges and groups, one line each; exit code 1 on any FAIL. */
export async function jamfTest(configFile: string): Promise<number> {
  const client = cliClient(jamfOf(loadConfig(configFile), configFile));
  try {
    const report = await client.check();
    for (const line of report.lines) process.stdout.write(`${formatCheckLine(line)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    client.close();
  }
}

/** Fleets larger than this get a progress line per inventory page (on stderr: stdout keeps the result). */
const PROGRESS_FROM = 1000;

function progressPrinter(): (p: FleetProgress) => void {
  return (p) => {
    if (p.total <= PROGRESS_FROM) return;
    process.stderr.write(`${p.kind === 'computer' ? 'computers' : 'mobile devices'}: ${p.read}/${p.total}\n`);
  };
}

/** One full sync in this process, written into the store database; the previous snapshot stays on failure. */
export async function jamfSync(configFile: string): Promise<number> {
  const config = loadConfig(configFile);
  const client = cliClient(jamfOf(config, configFile));
  const db = openDatabase(config.store.path, { synchronous: config.store.synchronous });
  const store = new PostureStore({ staleAfterMs: config.posture.staleAfterSeconds * 1000, persistence: new PostureSnapshotStore(db) });
  const started = Date.now();
  try {
    const result = await client.fetchFleet({ onProgress: progressPrinter() });
    if (result.partial) {
      const message = result.partial.failures.map((f) => `${f.scope}: ${f.message}`).join('; ');
      if (store.size > 0) {
        store.recordFailure(`partial sync: ${message}`, Date.now() - started);
        process.stderr.write(`portcullis: Jamf sync was partial (${message}); the previous snapshot of ${store.size} devices is kept\n`);
        return 1;
      }
      process.stderr.write(`portcullis: warning: Jamf sync was partial (${message}); using it because there is no earlier snapshot\n`);
    }
    const { changes } = store.applySnapshot(fleetDevices(result), Date.now() - started);
    const c = store.meta.counts!;
    process.stdout.write(
      `synced ${c.computers} computer(s) and ${c.mobiles} mobile device(s) in ${seconds(Date.now() - started)}: ` +
        `${c.compliant} compliant, ${c.nonCompliant} non-compliant; ${changes} changed since the previous snapshot\n` +
        `written to ${config.store.path}\n`,
    );
    return result.partial ? 1 : 0;
  } catch (err) {
    store.recordFailure((err as Error).message, Date.now() - started);
    const kept = store.size > 0 ? `the previous snapshot of ${store.size} devices is kept` : 'there is no earlier snapshot';
    process.stderr.write(`portcullis: Jamf sync failed: ${(err as Error).message}\nportcullis: ${kept}\n`);
    return 1;
  } finally {
    client.close();
    store.close();
    db.close();
  }
}

export interface JamfStatus {
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  stale: boolean;
  devices: { total: number; computers: number; mobiles: number; compliant: number; 'non-compliant': number; stale: number };
}

function statusOf(meta: SyncMeta, store: PostureStore): JamfStatus {
  const devices = { total: 0, computers: 0, mobiles: 0, compliant: 0, 'non-compliant': 0, stale: 0 };
  for (const r of store.records()) {
    devices.total++;
    devices[r.kind === 'computer' ? 'computers' : 'mobiles']++;
    devices[stateOf(store, r)]++;
  }
  const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
  return {
    lastSuccessAt: iso(meta.lastSuccessAt),
    lastAttemptAt: iso(meta.lastAttemptAt),
    lastDurationMs: meta.lastDurationMs ?? null,
    lastError: meta.lastError ?? null,
    stale: store.isStale,
    devices,
  };
}

/** Last sync time, duration, device counts per state and the last error, as a running server recorded them. */
export function jamfStatus(configFile: string, o: { json?: boolean }): void {
  const config = loadConfig(configFile);
  if (!existsSync(config.store.path)) throw new Error(`no database at ${config.store.path} yet: run "portcullis jamf sync -c ${configFile}" or start the server once`);
  const view = openSnapshot(configFile);
  let status: JamfStatus;
  try {
    status = statusOf(view.snapshot.loadMeta() ?? {}, view.store);
  } finally {
    view.close();
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return;
  }
  const d = status.devices;
  const lines = [
    `last successful sync: ${status.lastSuccessAt ?? 'never'}${status.stale ? ` (STALE: older than ${config.posture.staleAfterSeconds} s, every device answers "stale")` : ''}`,
    `last attempt:         ${status.lastAttemptAt ?? 'never'}${status.lastDurationMs !== null ? `, took ${seconds(status.lastDurationMs)}` : ''}`,
    `devices:              ${d.total} (${d.computers} computer(s), ${d.mobiles} mobile device(s))`,
    `  compliant:          ${d.compliant}`,
    `  non-compliant:      ${d['non-compliant']}`,
    `  stale:              ${d.stale}`,
    `last error:           ${status.lastError ?? 'none'}`,
  ];
  if (!config.jamf) lines.push(`note: ${configFile} has no jamf: section, so the server does not sync`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
