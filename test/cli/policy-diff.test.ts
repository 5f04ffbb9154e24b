// `portcullis policy diff OLD NEW` (which decisions a reload would change, from the auth log and the Jamf
// snapshot) and `portcullis policy hits` (decisions per rule and policy version). Runs dist/: `npm run build` first.
import { describe, expect, it } from 'vitest';
import type { PolicyRequest } from '../../src/policy/types.js';
import { LAB_SWITCH, POLICY, cli, jamfDevice, mac, setup, udid, writeAuthLog, writeFile, writeSnapshot } from './policy-support.js';

const DAY = 86_400_000;

const printer: PolicyRequest = { method: 'mab', nas: LAB_SWITCH, mac: '00:1b:63:00:00:01', user: '001b63000001' };
const laptop: PolicyRequest = { method: 'eap-tls', nas: LAB_SWITCH, mac: mac(1), udid: udid(1), user: 'host/mac-1' };
const staff: PolicyRequest = { method: 'peap', nas: LAB_SWITCH, user: 'alice@corp.example', ssid: 'Corp' };

/** POLICY with the printers VLAN moved and PEAP staff allowed: two decisions change, the laptop's does not. */
const NEXT = {
  ...POLICY,
  vlans: { ...POLICY.vlans, printers: 21 },
  rules: [...POLICY.rules, { name: 'staff', match: [{ method: 'peap', realm: 'corp.example' }], action: 'allow', apply: { vlan: 'corp' } }],
};

describe('portcullis policy diff', () => {
  it('lists every decision that changes, for logged authentications and Jamf devices not seen lately; exit 0', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true), jamfDevice(2, false)]);
    writeAuthLog(dbPath, [
      { request: printer, result: 'accept', rule: 'printers' },
      { request: laptop, result: 'accept', rule: 'corp-compliant' },
      { request: staff, result: 'reject', rule: 'default' },
    ]);
    const oldFile = writeFile(dir, 'old.yaml', POLICY);
    const newFile = writeFile(dir, 'new.yaml', NEXT);
    const r = cli(['policy', 'diff', oldFile, newFile, '-c', configFile], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, -1).sort()).toEqual([
      '00:1b:63:00:00:01 via lab-switch (mab): allow (printers) → allow (printers) [attributes change]',
      'alice@corp.example via lab-switch (peap): block (default) → allow (staff) [attributes change]',
    ]);
    // Device 2 never authenticated: it is evaluated as an EAP-TLS login, and its decision does not change.
    expect(lines.at(-1)).toBe('4 device(s) evaluated (3 from the auth log of the last 7 day(s)), 2 decision(s) change');
  });

  it('a posture change is taken from the snapshot: the same policies, another device state', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, false)]);
    writeAuthLog(dbPath, [{ request: laptop, result: 'accept', rule: 'corp-compliant' }]);
    const oldFile = writeFile(dir, 'old.yaml', POLICY);
    // The next policy refuses devices out of compliance instead of sending them to remediation.
    const newFile = writeFile(dir, 'new.yaml', { ...POLICY, rules: POLICY.rules.filter((x) => x.name !== 'corp-remediation') });
    const r = cli(['policy', 'diff', oldFile, newFile, '-c', configFile, '--json'], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      evaluated: 1,
      changes: [{ who: `${mac(1)} via lab-switch (eap-tls)`, from: 'allow (corp-remediation)', to: 'block (default)', attributesChanged: true }],
    });
  });

  it('only the auth log of the last --days counts, and only the latest row per device', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY });
    const now = Date.now();
    writeAuthLog(dbPath, [
      { time: now - 10 * DAY, request: staff, result: 'reject', rule: 'default' },
      { time: now - 2 * DAY, request: printer, result: 'accept', rule: 'printers' },
      { time: now - DAY, request: printer, result: 'accept', rule: 'printers' },
    ]);
    const oldFile = writeFile(dir, 'old.yaml', POLICY);
    const newFile = writeFile(dir, 'new.yaml', NEXT);
    const week = cli(['policy', 'diff', oldFile, newFile, '-c', configFile], dir);
    expect(week.stdout).toBe([
      '00:1b:63:00:00:01 via lab-switch (mab): allow (printers) → allow (printers) [attributes change]',
      '1 device(s) evaluated (1 from the auth log of the last 7 day(s)), 1 decision(s) change',
      '',
    ].join('\n'));
    const month = cli(['policy', 'diff', oldFile, newFile, '-c', configFile, '--days', '30'], dir);
    expect(month.stdout).toMatch(/^2 device\(s\) evaluated \(2 from the auth log of the last 30 day\(s\)\), 2 decision\(s\) change$/m);
  });

  it('identical policies: no changes; no database: nothing to evaluate', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY });
    const a = writeFile(dir, 'a.yaml', POLICY);
    const empty = cli(['policy', 'diff', a, a, '-c', configFile], dir);
    expect(empty.status).toBe(0);
    expect(empty.stdout).toBe('0 device(s) evaluated (0 from the auth log of the last 7 day(s)), 0 decision(s) change\n');
    writeAuthLog(dbPath, [{ request: printer, result: 'accept', rule: 'printers' }]);
    expect(cli(['policy', 'diff', a, a, '-c', configFile], dir).stdout).toBe('1 device(s) evaluated (1 from the auth log of the last 7 day(s)), 0 decision(s) change\n');
  });

  it('a policy with errors is refused with its problems; a bad --days too', () => {
    const { dir, configFile } = setup({ policy: POLICY });
    const good = writeFile(dir, 'good.yaml', POLICY);
    const bad = writeFile(dir, 'bad.yaml', 'rules:\n  - name: r\n    match: [nope]\n    action: allow\n');
    const r = cli(['policy', 'diff', good, bad, '-c', configFile], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`portcullis: ${bad} has errors:\n${bad}:3:13: rules[0].match[0]: unknown label "nope"\n`);
    const days = cli(['policy', 'diff', good, good, '-c', configFile, '--days', 'week'], dir);
    expect(days.status).toBe(1);
    expect(days.stderr).toBe('portcullis: --days must be a positive number\n');
  });
});

describe('portcullis policy hits', () => {
  it('decisions per policy version and rule, latest first', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY });
    const now = Date.now();
    writeAuthLog(dbPath, [
      { time: now - 3000, request: printer, result: 'accept', rule: 'printers', version: 'aaaaaaaaaaaa' },
      { time: now - 2000, request: printer, result: 'accept', rule: 'printers', version: 'aaaaaaaaaaaa' },
      { time: now - 1000, request: staff, result: 'reject', rule: 'default', version: 'bbbbbbbbbbbb' },
      { time: now - 2 * DAY, request: laptop, result: 'accept', rule: 'corp-compliant', version: 'aaaaaaaaaaaa' },
    ]);
    const r = cli(['policy', 'hits', '-c', configFile], dir);
    expect(r.status).toBe(0);
    const iso = (t: number) => new Date(t).toISOString();
    expect(r.stdout).toBe([
      `bbbbbbbbbbbb         1  default  (last ${iso(now - 1000)})`,
      `aaaaaaaaaaaa         2  printers  (last ${iso(now - 2000)})`,
      '',
    ].join('\n'));
    const json = JSON.parse(cli(['policy', 'hits', '-c', configFile, '--days', '3', '--json'], dir).stdout) as { version: string; rule: string; hits: number }[];
    expect(json.map((x) => [x.version, x.rule, x.hits])).toEqual([['bbbbbbbbbbbb', 'default', 1], ['aaaaaaaaaaaa', 'printers', 2], ['aaaaaaaaaaaa', 'corp-compliant', 1]]);
  });

  it('says so when nothing was recorded, or there is no database yet', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY });
    const none = cli(['policy', 'hits', '-c', configFile], dir);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^portcullis: no database at .*portcullis\.db yet/);
    writeAuthLog(dbPath, [{ time: Date.now() - 5 * DAY, request: printer, result: 'accept', rule: 'printers' }]);
    const old = cli(['policy', 'hits', '-c', configFile], dir);
    expect(old.status).toBe(0);
    expect(old.stdout).toBe('no policy decisions recorded in that period\n');
    const bad = cli(['policy', 'hits', '-c', configFile, '--days', 'soon'], dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('portcullis: --days must be a positive number\n');
  });
});
