// What webhooks and push signals (CAEP) use: lookups by Jamf id and serial, and applySignal.
import { describe, expect, it, vi } from 'vitest';
import { PostureSnapshotStore } from '../../src/posture/persistence.js';
import { PostureStore } from '../../src/posture/store.js';
import { openDatabase } from '../../src/store/db.js';
import { device, mac, recordEvents, serial, tempDbPath, udid } from './fixtures.js';

describe('lookups by Jamf id and serial', () => {
  it('finds computers and mobile devices by their own Jamf ids, and any device by serial (any case)', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    const iphone = device(7, true, { kind: 'mobile', jamfId: '7', udid: '00008110-000A1B2C3D4E5F6A', macs: [mac(700)], serial: 'DNQXK1ABCDEF' });
    store.applySnapshot([device(7, false), iphone], 1);
    expect(store.byJamfId('computer', '7')?.udid).toBe(udid(7));
    expect(store.byJamfId('mobile', '7')?.udid).toBe('00008110-000A1B2C3D4E5F6A');
    expect(store.byJamfId('mobile', '8')).toBeUndefined();
    expect(store.bySerial('dnqxk1abcdef')?.kind).toBe('mobile');
    expect(store.bySerial(serial(7))?.kind).toBe('computer');
    expect(store.bySerial('NOPE')).toBeUndefined();
    store.close();
  });

  it('keeps the serial index right through later syncs once it has been used', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([device(1, true), device(2, true)], 1);
    expect(store.bySerial(serial(1))?.jamfId).toBe('1');
    store.applySnapshot([device(1, true, { serial: 'C02NEWSERIAL' }), device(3, true)], 1);
    expect(store.bySerial(serial(1))).toBeUndefined();
    expect(store.bySerial('C02NEWSERIAL')?.jamfId).toBe('1');
    expect(store.bySerial(serial(2))).toBeUndefined();
    expect(store.bySerial(serial(3))?.jamfId).toBe('3');
    store.applyDevice(device(4, false), 'lookup');
    expect(store.bySerial(serial(4))?.jamfId).toBe('4');
    store.close();
  });

  it('follows a record whose UDID appeared since (its key changed): one device, one record', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([device(5, true, { udid: undefined })], 1);
    expect(store.byJamfId('computer', '5')?.key).toBe('computer:5');
    const { brief } = recordEvents(store);
    store.applyDevice(device(5, false), 'lookup');
    expect(store.size).toBe(1);
    expect(store.byJamfId('computer', '5')?.key).toBe(udid(5));
    expect(brief()).toEqual([[udid(5), 'compliant', 'non-compliant', 'lookup']]);
    store.close();
  });
});

describe('applySignal', () => {
  it('sets a known device\'s state with one event; the same state again is unchanged; an unknown device is not found', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([device(1, true), device(2, true)], 1);
    const { brief } = recordEvents(store);
    expect(store.applySignal({ udid: udid(1).toLowerCase() }, 'non-compliant', 'signal')).toBe('changed');
    expect(store.applySignal({ udid: udid(1) }, 'non-compliant', 'signal')).toBe('unchanged');
    expect(store.applySignal({ udid: udid(99), serial: 'NOPE', mac: '02:99:99:99:99:99' }, 'compliant', 'signal')).toBe('not-found');
    expect(brief()).toEqual([[udid(1), 'compliant', 'non-compliant', 'signal']]);
    expect(store.byMac(mac(1)).state).toBe('non-compliant');
    store.close();
  });

  it('tries each identifier it is given: an unknown UDID, then the serial or the MAC (any format)', () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([device(1, true), device(2, true)], 1);
    expect(store.applySignal({ udid: udid(99), serial: serial(1).toLowerCase() }, 'non-compliant', 'webhook')).toBe('changed');
    expect(store.applySignal({ mac: mac(10_002).toUpperCase().replaceAll(':', '-') }, 'non-compliant', 'webhook')).toBe('changed');
    expect([store.byUdid(udid(1)).state, store.byUdid(udid(2)).state]).toEqual(['non-compliant', 'non-compliant']);
    store.close();
  });

  it('holds until the next poll or lookup says otherwise, and survives a restart meanwhile', () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    const store = new PostureStore({ staleAfterMs: 3_600_000, persistence: new PostureSnapshotStore(db) });
    store.applySnapshot([device(1, true)], 1);
    store.applySignal({ udid: udid(1) }, 'non-compliant', 'signal');
    const restarted = new PostureStore({ staleAfterMs: 3_600_000, persistence: new PostureSnapshotStore(db) });
    expect(restarted.byUdid(udid(1)).state).toBe('non-compliant');
    const { brief } = recordEvents(store);
    store.applySnapshot([device(1, true)], 1);
    expect(brief()).toEqual([[udid(1), 'non-compliant', 'compliant', 'poll']]);
    store.close();
    restarted.close();
    db.close();
  });

  it('while the whole store is stale the answer stays "stale": the event carries the new lastKnown', () => {
    vi.useFakeTimers();
    try {
      const store = new PostureStore({ staleAfterMs: 60_000 });
      store.applySnapshot([device(1, true)], 1);
      vi.advanceTimersByTime(120_000);
      const { brief } = recordEvents(store);
      expect(store.applySignal({ udid: udid(1) }, 'non-compliant', 'signal')).toBe('changed');
      expect(brief()).toEqual([[udid(1), 'stale', 'stale', 'signal']]);
      expect(store.byUdid(udid(1))).toMatchObject({ state: 'stale', lastKnown: 'non-compliant' });
      store.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
