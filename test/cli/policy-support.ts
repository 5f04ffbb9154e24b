// Set-up shared by the `portcullis policy ...` CLI tests: a config with a realistic policy, a Jamf snapshot and
// auth log rows written through the store's own classes, and the CLI from dist/ run as a process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { JamfDevice } from '../../src/jamf/device.js';
import type { PolicyRequest } from '../../src/policy/types.js';
import { PostureSnapshotStore } from '../../src/posture/persistence.js';
import { PostureStore } from '../../src/posture/store.js';
import { AuthLog } from '../../src/store/auth-log.js';
import { openDatabase } from '../../src/store/db.js';
import { CLI } from '../support/child-server.js';
import { baseConfig } from '../support/test-server.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The policy the CLI tests evaluate: corp VLAN when compliant, remediation otherwise, printers by OUI, guests blocked. */
export const POLICY = {
  vlans: { corp: 10, printers: 20, remediation: 999 },
  labels: {
    'guest-wifi': { ssid: ['Guest', 'Visitors'] },
    'device-certificate': { method: 'eap-tls' },
    'jamf-compliant': { mdm: { provider: 'jamf', state: 'compliant' } },
    printers: { method: 'mab', mac: ['00:1b:63:*'] },
  },
  rules: [
    { name: 'guests-blocked', match: ['guest-wifi'], action: 'block' },
    { name: 'corp-compliant', match: ['device-certificate', 'jamf-compliant'], action: 'allow', apply: { vlan: 'corp', role: 'corp' } },
    { name: 'corp-remediation', match: ['device-certificate'], action: 'allow', apply: { vlan: 'remediation' } },
    { name: 'printers', match: ['printers'], action: 'allow', apply: { vlan: 'printers' } },
  ],
  default: 'block',
};

export interface Setup {
  dir: string;
  configFile: string;
  dbPath: string;
}

/**
 * A config in a fresh temp dir: two clients (lab-switch generic, hq-wlc aruba), the given policy (inline) and,
 * with `jamf`, a jamf: section whose secret is in a file (the URL is never contacted).
 */
export function setup(o: { policy?: unknown; jamf?: boolean } = {}): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-policy-cli-'));
  const config = baseConfig(dir);
  (config.clients as unknown[]).push({ name: 'hq-wlc', address: '10.20.0.0/24', secret: 'another-test-secret-456', vendor: 'aruba', labels: ['wifi'] });
  if (o.policy === undefined) delete config.policy;
  else config.policy = o.policy;
  if (o.jamf) {
    const secretFile = join(dir, 'jamf-secret');
    writeFileSync(secretFile, 'jamf-client-secret-not-used\n', { mode: 0o600 });
    config.jamf = { url: 'https://jamf.example.com', client_id: 'portcullis-nac', client_secret: { file: secretFile }, computer_groups: ['Compliant Macs'] };
  }
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify(config));
  return { dir, configFile, dbPath: join(dir, 'portcullis.db') };
}

export function writeFile(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

export const udid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`.toUpperCase();
export const mac = (n: number) => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

export function jamfDevice(n: number, compliant: boolean): JamfDevice {
  return {
    kind: 'computer', jamfId: String(n), udid: udid(n), macs: [mac(n)], serial: `C02X${n}`, name: `mac-${n}`,
    model: 'MacBook Pro', osVersion: '14.4.1', managed: true, compliantGroups: compliant ? ['Compliant Macs'] : [],
  };
}

/** Persists a Jamf sync result as the server (or `jamf sync`) would: through the posture store's public API. */
export function writeSnapshot(dbPath: string, devices: JamfDevice[], syncedAt = Date.now()): void {
  const db = openDatabase(dbPath);
  try {
    const store = new PostureStore({ staleAfterMs: 3_600_000, persistence: new PostureSnapshotStore(db), now: () => syncedAt });
    store.applySnapshot(devices, 5);
    store.close();
  } finally {
    db.close();
  }
}

export interface LoggedDecision {
  time?: number;
  request: PolicyRequest;
  result: 'accept' | 'reject';
  rule: string;
  version?: string;
}

/** Auth log rows as the access handler writes them: details {request, policy}. */
export function writeAuthLog(dbPath: string, rows: LoggedDecision[]): void {
  const db = openDatabase(dbPath);
  try {
    const log = new AuthLog(db);
    for (const r of rows) {
      log.record({
        time: r.time ?? Date.now(), nasName: r.request.nas.name, nasIp: r.request.nas.ip, mac: r.request.mac, userName: r.request.user,
        method: r.request.method, result: r.result, reason: `rule "${r.rule}"`,
        details: { request: r.request, policy: { rule: r.rule, version: r.version ?? 'v1' } },
      });
    }
    log.flush();
  } finally {
    db.close();
  }
}

export const LAB_SWITCH: PolicyRequest['nas'] = { name: 'lab-switch', labels: [], ip: '127.0.0.1', vendor: 'generic' };
