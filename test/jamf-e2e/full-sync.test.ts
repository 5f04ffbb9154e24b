// `portcullis jamf sync` against a mock Jamf Pro with 20,000 computers and 5,000 mobile devices: the snapshot
// in the store database matches the mock device by device, and `jamf status` / `devices` read it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { loadConfig } from '../../src/config/load.js';
import { PostureSnapshotStore } from '../../src/posture/persistence.js';
import type { DeviceRecord } from '../../src/posture/types.js';
import { normaliseMac } from '../../src/posture/mac.js';
import { openDatabase } from '../../src/store/db.js';
import { CLIENT_ID, CLIENT_SECRET, cli, expectedStates, jamfSection, tempDir, writeConfig } from './harness.js';

const COMPUTERS = 20_000;
const MOBILES = 5_000;

let mock: MockJamf;
let configFile: string;
let records: DeviceRecord[];
let sync: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  mock = await startMockJamf({ seed: { seed: 7, computers: COMPUTERS, mobileDevices: MOBILES }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }], pageSizeCap: 2000 });
  const dir = tempDir();
  configFile = writeConfig(dir, jamfSection(mock.url, dir, CLIENT_SECRET, { page_size: 1000 }));
  sync = await cli(['jamf', 'sync', '-c', configFile], 120_000);
  const db = openDatabase(loadConfig(configFile).store.path, { readonly: true });
  records = new PostureSnapshotStore(db).loadAll();
  db.close();
}, 180_000);

afterAll(async () => {
  await mock?.close();
});

describe('jamf sync of a large fleet', () => {
  it('succeeds, prints progress per page and the counts', () => {
    expect(sync.stderr).not.toContain('failed');
    expect(sync.code).toBe(0);
    // 20 computer pages of 1000 and 5 mobile pages: one progress line each.
    const progress = sync.stderr.split('\n').filter((l) => /^(computers|mobile devices): \d+\/\d+$/.test(l));
    expect(progress).toContain(`computers: 1000/${COMPUTERS}`);
    expect(progress).toContain(`computers: ${COMPUTERS}/${COMPUTERS}`);
    expect(progress).toContain(`mobile devices: ${MOBILES}/${MOBILES}`);
    expect(progress).toHaveLength(COMPUTERS / 1000 + MOBILES / 1000);
    expect(sync.stdout).toMatch(new RegExp(`synced ${COMPUTERS} computer\\(s\\) and ${MOBILES} mobile device\\(s\\)`));
  });

  it('stores every device with the state the mock implies', () => {
    expect(records.filter((r) => r.kind === 'computer')).toHaveLength(COMPUTERS);
    expect(records.filter((r) => r.kind === 'mobile')).toHaveLength(MOBILES);
    const expected = expectedStates(mock);
    let compliant = 0;
    const wrong: string[] = [];
    for (const r of records) {
      const state = expected(r.kind === 'computer' ? DeviceKind.computer : DeviceKind.mobile, Number(r.jamfId));
      if (r.state !== state) wrong.push(`${r.kind} ${r.jamfId}: ${r.state}, expected ${state}`);
      if (state === 'compliant') compliant++;
    }
    expect(wrong).toEqual([]);
    // The seeded groups make most but not all devices compliant: both states are exercised.
    expect(compliant).toBeGreaterThan(records.length / 2);
    expect(compliant).toBeLessThan(records.length);
    expect(sync.stdout).toContain(`${compliant} compliant, ${records.length - compliant} non-compliant`);
  });

  it('keeps the identifiers of sample records exactly as the mock has them', () => {
    const byId = new Map(records.map((r) => [`${r.kind}:${r.jamfId}`, r]));
    for (const id of [1, 2, 777, 10_000, COMPUTERS]) {
      const c = mock.state.computers.get(id)!;
      const r = byId.get(`computer:${id}`)!;
      expect(r.udid).toBe(c.udid.toUpperCase());
      expect(r.key).toBe(c.udid.toUpperCase());
      expect(r.serial).toBe(c.serialNumber);
      expect(r.name).toBe(c.name);
      expect(r.managed).toBe(c.managed);
      expect(r.macs).toEqual([...new Set([c.macAddress, c.altMacAddress].map((m) => normaliseMac(m)).filter(Boolean))]);
    }
    const firstMobile = Math.min(...mock.state.mobileDevices.keys());
    for (const id of [firstMobile, firstMobile + 1, firstMobile + MOBILES - 1]) {
      const m = mock.state.mobileDevices.get(id)!;
      const r = byId.get(`mobile:${id}`)!;
      expect(r.udid).toBe(m.udid.toUpperCase());
      expect(r.serial).toBe(m.serialNumber);
      expect(r.macs).toEqual([normaliseMac(m.wifiMacAddress)]);
    }
  });

  it('jamf status and devices read the snapshot back', async () => {
    const status = await cli(['jamf', 'status', '-c', configFile, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { lastSuccessAt: string; lastError: null; stale: boolean; devices: Record<string, number> };
    const compliant = records.filter((r) => r.state === 'compliant').length;
    expect(s.lastError).toBeNull();
    expect(s.stale).toBe(false);
    expect(Date.parse(s.lastSuccessAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(s.devices).toEqual({ total: COMPUTERS + MOBILES, computers: COMPUTERS, mobiles: MOBILES, compliant, 'non-compliant': records.length - compliant, stale: 0 });

    const text = await cli(['jamf', 'status', '-c', configFile]);
    expect(text.stdout).toMatch(/last error: +none/);
    expect(text.stdout).toContain(`compliant:          ${compliant}`);

    const list = await cli(['devices', 'list', '-c', configFile, '--state', 'non-compliant', '--json']);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { jamfId: string; posture: string }[];
    expect(rows).toHaveLength(records.length - compliant);
    expect(rows.every((r) => r.posture === 'non-compliant')).toBe(true);

    const c = mock.state.computers.get(777)!;
    const dashed = normaliseMac(c.macAddress)!.toUpperCase().replace(/:/g, '-');
    const show = await cli(['devices', 'show', dashed, '-c', configFile]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^state: +${expectedStates(mock)(DeviceKind.computer, 777)}$`, 'm'));
    expect(show.stdout).toMatch(new RegExp(`^serial: +${c.serialNumber}$`, 'm'));
    const byUdid = await cli(['devices', 'show', c.udid.toLowerCase(), '-c', configFile, '--json']);
    expect((JSON.parse(byUdid.stdout) as { jamfId: string }).jamfId).toBe('777');

    const missing = await cli(['devices', 'show', '02:aa:bb:cc:dd:ee', '-c', configFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no device with MAC or UDID "02:aa:bb:cc:dd:ee" in the snapshot');
  }, 60_000);
});
