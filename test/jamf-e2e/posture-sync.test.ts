// PostureService against the mock Jamf Pro: a device leaving the compliant group is noticed at the next
// sync (one 'change' event), and expired tokens, 429 + Retry-After and a 5xx storm do not break a sync.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseJamfSection } from '../../src/jamf/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { PostureService } from '../../src/posture/service.js';
import type { PostureChange } from '../../src/posture/types.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { CLIENT_ID, CLIENT_SECRET, COMPUTER_GROUP, compliantComputer, jamfSection, tempDir } from './harness.js';

const open: { mock: MockJamf; service: PostureService; db: Db }[] = [];

async function setup() {
  const mock = await startMockJamf({ seed: { seed: 3, computers: 400, mobileDevices: 80 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }], pageSizeCap: 100 });
  const dir = tempDir();
  const jamf = parseJamfSection(jamfSection(mock.url, dir, CLIENT_SECRET, { page_size: 100 }), dir).config;
  const db = openDatabase(join(dir, 'portcullis.db'), { synchronous: 'normal' });
  const service = new PostureService(jamf, { staleAfterSeconds: 3600, lookup: { perSecond: 5, negativeTtlSeconds: 600, maxQueue: 100 } }, db, silentLogger());
  open.push({ mock, service, db });
  return { mock, service };
}

afterEach(async () => {
  for (const { mock, service, db } of open.splice(0)) {
    service.close();
    db.close();
    await mock.close();
  }
});

describe('posture sync against the mock', () => {
  it('a device moved out of the compliant group is non-compliant after the next sync, with one change event', async () => {
    const { mock, service } = await setup();
    await service.syncNow();
    expect(service.store.meta.lastError).toBeUndefined();
    const device = compliantComputer(mock, 3);
    expect(service.postureFor({ mac: device.mac })?.state).toBe('compliant');

    mock.state.moveDevice(DeviceKind.computer, device.id, COMPUTER_GROUP, 'Quarantine');
    const events: PostureChange[] = [];
    service.store.on('change', (e) => events.push(e));
    await service.syncNow();

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ key: device.udid, from: 'compliant', to: 'non-compliant', source: 'poll' });
    expect(events[0].macs).toContain(device.mac);
    expect(service.postureFor({ mac: device.mac })?.state).toBe('non-compliant');
    expect(service.postureFor({ udid: device.udid.toLowerCase() })?.state).toBe('non-compliant');

    // A sync with nothing changed emits nothing.
    await service.syncNow();
    expect(events).toHaveLength(1);
  }, 30_000);

  it('survives expired tokens, a 429 with Retry-After and a storm of 5xx', async () => {
    const { mock, service } = await setup();
    await service.syncNow();
    const first = service.store.meta;
    expect(first.lastError).toBeUndefined();

    mock.state.traffic.reset();
    mock.expireTokens();
    mock.injectFault({ path: '/api/v4/computers-inventory', status: 429, retryAfterSeconds: 1, times: 1 });
    mock.injectFault({ path: '/api/*', status: 503, skip: 2, times: 8 });
    const moved = compliantComputer(mock, 0);
    mock.state.moveDevice(DeviceKind.computer, moved.id, COMPUTER_GROUP, 'Quarantine');
    await service.syncNow();

    const traffic = mock.state.traffic;
    expect(traffic.count({ status: 401 })).toBeGreaterThanOrEqual(1); // the expired token was refused …
    expect(traffic.count({ method: 'POST', path: /oauth\/token$/, status: 200 })).toBeGreaterThanOrEqual(1); // … and replaced
    expect(traffic.count({ status: 429 })).toBe(1);
    expect(traffic.count({ status: 503 })).toBe(8);
    const meta = service.store.meta;
    expect(meta.lastError).toBeUndefined();
    expect(meta.lastSuccessAt!).toBeGreaterThanOrEqual(first.lastSuccessAt!);
    expect(meta.counts).toEqual({ ...first.counts, compliant: first.counts!.compliant - 1, nonCompliant: first.counts!.nonCompliant + 1 });
    expect(service.postureFor({ mac: moved.mac })?.state).toBe('non-compliant');
  }, 30_000);

  it('a sync that cannot get through keeps the previous snapshot and records the error', async () => {
    const { mock, service } = await setup();
    await service.syncNow();
    const device = compliantComputer(mock, 1);
    const size = service.store.size;
    mock.injectFault({ path: '/api/v4/computers-inventory', status: 503 });
    mock.injectFault({ path: '/api/v1/computers-inventory', status: 503 });
    await service.syncNow();
    expect(service.store.meta.lastError).toMatch(/HTTP 503/);
    expect(service.store.size).toBe(size);
    expect(service.postureFor({ mac: device.mac })?.state).toBe('compliant');
  }, 30_000);
});
