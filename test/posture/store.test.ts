import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JamfDevice } from '../../src/jamf/device.js';
import { PostureSnapshotStore } from '../../src/posture/persistence.js';
import { PostureStore } from '../../src/posture/store.js';
import type { PostureChange } from '../../src/posture/types.js';
import { openDatabase } from '../../src/store/db.js';

const mac = (n: number) => `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
const udid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`.toUpperCase();
function device(n: number, compliant: boolean, extra: Partial<JamfDevice> = {}): JamfDevice {
  return {
    kind: 'computer', jamfId: String(n), udid: udid(n), macs: [mac(n), mac(n + 10_000)], serial: `C02${n}`, name: `mac-${n}`,
    model: 'MacBook Pro', osVersion: '15.1', managed: true, lastInventory: '2026-11-20T10:00:00Z',
    compliantGroups: compliant ? ['Compliant Macs'] : [], ...extra,
  };
}

describe('PostureStore', () => {
  it('answers by MAC (any format) and UDID (any case), with the record age', () => {
    let now = 1_000_000;
    const store = new PostureStore({ staleAfterMs: 3_600_000, now: () => now });
    store.applySnapshot([device(1, true), device(2, false)], 10);
    now += 5000;
    expect(store.byMac('02-00-00-00-00-01')).toMatchObject({ state: 'compliant', ageSeconds: 5 });
    expect(store.byMac('0200.0000.2711')).toMatchObject({ state: 'compliant' }); // the alternate (Wi-Fi) MAC
    expect(store.byUdid(udid(2).toLowerCase())).toMatchObject({ state: 'non-compliant' });
    expect(store.byMac('02:00:00:00:99:99')).toEqual({ state: 'unknown' });
  });

  it('a managed device outside every compliant group, or an unmanaged one, is non-compliant', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([device(1, true, { managed: false }), device(2, false)], 1);
    expect(store.byUdid(udid(1)).state).toBe('non-compliant');
    expect(store.byUdid(udid(2)).state).toBe('non-compliant');
  });

  it('emits exactly one event for a device that left the compliant group, none for unchanged devices', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    const fleet = Array.from({ length: 100 }, (_, i) => device(i + 1, true));
    store.applySnapshot(fleet, 1);
    const events: PostureChange[] = [];
    store.on('change', (e) => events.push(e));
    store.applySnapshot(fleet, 1);
    expect(events).toHaveLength(0);
    store.applySnapshot(fleet.map((d) => (d.jamfId === '42' ? { ...d, compliantGroups: [] } : d)), 1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ udid: udid(42), from: 'compliant', to: 'non-compliant', source: 'poll' });
    expect(events[0].macs).toContain(mac(42));
  });

  it('becomes stale without a successful sync, never silently compliant', () => {
    let now = 0;
    const store = new PostureStore({ staleAfterMs: 60_000, now: () => now });
    store.applySnapshot([device(1, true)], 1);
    now = 59_000;
    expect(store.byUdid(udid(1)).state).toBe('compliant');
    store.recordFailure('Jamf down', 5);
    now = 61_000;
    expect(store.byUdid(udid(1))).toMatchObject({ state: 'stale', lastKnown: 'compliant' });
    expect(store.meta.lastError).toBe('Jamf down');
  });

  it('keeps the last snapshot across a restart (SQLite), answering before Jamf does', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'posture-')), 'p.db');
    const db1 = openDatabase(path);
    const first = new PostureStore({ staleAfterMs: 3_600_000, persistence: new PostureSnapshotStore(db1) });
    first.applySnapshot([device(1, true), device(2, false)], 1);
    db1.close();
    const db2 = openDatabase(path);
    const second = new PostureStore({ staleAfterMs: 3_600_000, persistence: new PostureSnapshotStore(db2) });
    expect(second.size).toBe(2);
    expect(second.byMac(mac(1)).state).toBe('compliant');
    expect(second.meta.counts).toEqual({ computers: 2, mobiles: 0, compliant: 1, nonCompliant: 1 });
    db2.close();
  });

  it('a change policy can see without a new state (model, OS version, MACs) is one event; name or inventory date is none', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([device(1, true), device(2, false), device(3, true)], 1);
    const events: PostureChange[] = [];
    store.on('change', (e) => events.push(e));
    store.applySnapshot([
      device(1, true, { model: 'MacBook Air', name: 'renamed' }),
      device(2, false, { macs: [mac(2)] }),
      device(3, true, { name: 'other', lastInventory: '2026-11-22T00:00:00.000Z', serial: 'NEWSERIAL' }),
    ], 1);
    expect(events.map((e) => [e.udid, e.from, e.to, e.device?.model])).toEqual([
      [udid(1), 'compliant', 'compliant', 'MacBook Air'],
      [udid(2), 'non-compliant', 'non-compliant', 'MacBook Pro'],
    ]);
  });

  it('a device learned out of band emits its change once', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([], 1);
    const events: PostureChange[] = [];
    store.on('change', (e) => events.push(e));
    store.applyDevice(device(7, false), 'lookup');
    store.applyDevice(device(7, false), 'lookup');
    expect(events).toEqual([expect.objectContaining({ from: 'unknown', to: 'non-compliant', source: 'lookup' })]);
  });
});
