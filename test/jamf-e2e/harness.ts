// Shared set-up for the end-to-end Jamf tests: the mock Jamf Pro on 127.0.0.1, a portcullis config whose
// jamf: section points at it (client secret in a file), and the CLI from dist/ run as a real process.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DeviceKind, type MockJamf } from '../../src/mock-jamf/index.js';
import { normaliseMac } from '../../src/posture/mac.js';
import { CLI } from '../support/child-server.js';
import { baseConfig } from '../support/test-server.js';

export const CLIENT_ID = 'portcullis-nac';
export const CLIENT_SECRET = 'e2e-client-secret-0123456789';
export const COMPUTER_GROUP = 'Compliant Macs';
export const MOBILE_GROUP = 'Compliant Mobile Devices';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'portcullis-jamf-e2e-'));
}

/** The jamf: section for a mock at `url`; small retry backoffs so fault tests stay fast. */
export function jamfSection(url: string, dir: string, secret = CLIENT_SECRET, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const secretFile = join(dir, `jamf-secret-${Math.random().toString(36).slice(2)}`);
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  return {
    url,
    client_id: CLIENT_ID,
    client_secret: { file: secretFile },
    computer_groups: [COMPUTER_GROUP],
    mobile_device_groups: [MOBILE_GROUP],
    timeouts: { connect_seconds: 2, request_seconds: 20 },
    retry: { limit: 10, backoff_seconds: 0.01, max_backoff_seconds: 0.05, max_retry_after_seconds: 5 },
    ...extra,
  };
}

/** A full config file (loopback RADIUS, SQLite in `dir`) with the given jamf: section. */
export function writeConfig(dir: string, jamf: Record<string, unknown>, patch: (c: Record<string, unknown>) => void = () => {}): string {
  const config = { ...baseConfig(dir), jamf };
  patch(config);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs dist/cli/index.js without blocking this process (the mock answers from the same event loop). */
export function cli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (child.exitCode ?? null) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Ids of the members of a mock group. */
export function members(mock: MockJamf, kind: DeviceKind, name: string): Set<number> {
  const group = [...mock.state.groups(kind).values()].find((g) => g.name === name);
  if (!group) throw new Error(`mock has no ${kind} group ${name}`);
  return new Set(group.members);
}

/** What portcullis must conclude for a mock device: managed and in the configured group. */
export function expectedStates(mock: MockJamf): (kind: DeviceKind, id: number) => 'compliant' | 'non-compliant' {
  const groups = { [DeviceKind.computer]: members(mock, DeviceKind.computer, COMPUTER_GROUP), [DeviceKind.mobile]: members(mock, DeviceKind.mobile, MOBILE_GROUP) };
  return (kind, id) => {
    const d = kind === DeviceKind.computer ? mock.state.computers.get(id)! : mock.state.mobileDevices.get(id)!;
    return d.managed && groups[kind].has(id) ? 'compliant' : 'non-compliant';
  };
}

/** A managed computer in the compliant group, with its primary MAC normalised. */
export function compliantComputer(mock: MockJamf, skip = 0): { id: number; udid: string; mac: string } {
  const ids = [...members(mock, DeviceKind.computer, COMPUTER_GROUP)].filter((id) => mock.state.computers.get(id)!.managed);
  const c = mock.state.computers.get(ids[skip])!;
  return { id: c.id, udid: c.udid.toUpperCase(), mac: normaliseMac(c.macAddress)! };
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes (bounded). */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
