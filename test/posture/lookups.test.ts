import { describe, expect, it } from 'vitest';
import type { JamfDevice } from '../../src/jamf/device.js';
import { BackgroundLookups, type LookupRequest } from '../../src/posture/lookups.js';
import { PostureStore } from '../../src/posture/store.js';

const jamfDevice: JamfDevice = {
  kind: 'computer', jamfId: '9', udid: 'AAAAAAAA-0000-4000-8000-000000000009', macs: ['02:00:00:00:00:09'], managed: true,
  compliantGroups: ['Compliant Macs'],
};

describe('BackgroundLookups', () => {
  it('looks an unseen MAC up exactly once even when 50 requests arrive at once', async () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    store.applySnapshot([], 1);
    const calls: LookupRequest[] = [];
    const lookups = new BackgroundLookups({
      store, perSecond: 5, negativeTtlSeconds: 600, maxQueue: 100,
      lookup: async (k) => {
        calls.push(k);
        await new Promise((r) => setTimeout(r, 20));
        return jamfDevice;
      },
    });
    for (let i = 0; i < 50; i++) lookups.request({ mac: '02:00:00:00:00:09' });
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual([{ mac: '02:00:00:00:00:09' }]);
    expect(lookups.stats).toMatchObject({ requested: 50, deduplicated: 49, performed: 1, found: 1 });
    expect(store.byMac('02:00:00:00:00:09').state).toBe('compliant');
    lookups.close();
  });

  it('does not ask again for a device Jamf does not know (negative cache)', async () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    let n = 0;
    const lookups = new BackgroundLookups({ store, perSecond: 5, negativeTtlSeconds: 600, maxQueue: 100, lookup: async () => (n++, undefined) });
    lookups.request({ udid: 'ffffffff-0000-4000-8000-000000000001' });
    await new Promise((r) => setTimeout(r, 20));
    lookups.request({ udid: 'FFFFFFFF-0000-4000-8000-000000000001' });
    await new Promise((r) => setTimeout(r, 20));
    expect(n).toBe(1);
    expect(lookups.stats.notFound).toBe(1);
    lookups.close();
  });

  it('starts at most perSecond lookups a second and bounds its queue', async () => {
    const store = new PostureStore({ staleAfterMs: 3_600_000 });
    let started = 0;
    const lookups = new BackgroundLookups({ store, perSecond: 3, negativeTtlSeconds: 600, maxQueue: 10, lookup: async () => (started++, undefined) });
    for (let i = 0; i < 20; i++) lookups.request({ mac: `02:00:00:00:01:${i.toString(16).padStart(2, '0')}` });
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toBe(3);
    expect(lookups.stats.dropped).toBe(7); // 3 started, 10 queued, 7 over the queue bound
    lookups.close();
  });
});
