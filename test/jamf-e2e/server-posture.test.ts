// The RADIUS server with jamf: configured against the mock Jamf Pro: it answers from the persisted snapshot
// when Jamf is down at start, and a burst of requests for one unseen MAC causes a single Jamf lookup.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { normaliseMac } from '../../src/posture/mac.js';
import { radclient } from '../support/peers.js';
import { TEST_SECRET, knownMacs, startTestServer, type TestServer } from '../support/test-server.js';
import { accessRequest, exchange } from '../support/udp-client.js';
import { CLIENT_ID, CLIENT_SECRET, COMPUTER_GROUP, compliantComputer, jamfSection, tempDir, waitFor } from './harness.js';

const mocks: MockJamf[] = [];
const servers: TestServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const m of mocks) await m.close();
});

async function mockJamf(): Promise<MockJamf> {
  const mock = await startMockJamf({ seed: { seed: 11, computers: 300, mobileDevices: 60 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
  mocks.push(mock);
  return mock;
}

async function server(patch: (c: Record<string, unknown>) => void): Promise<TestServer> {
  const s = await startTestServer(patch);
  servers.push(s);
  return s;
}

const bare = (mac: string) => mac.replace(/:/g, '');
const MAB = (mac: string) =>
  `User-Name = "${bare(mac)}"\nUser-Password = "${bare(mac)}"\nCalling-Station-Id = "${mac.toUpperCase().replace(/:/g, '-')}"\n` +
  'NAS-Port-Type = Ethernet\nService-Type = Call-Check\nMessage-Authenticator = 0x00\n';

function lastPosture(t: TestServer, mac: string): Record<string, unknown> | undefined {
  t.server.flushAuthLog();
  const row = t.server.db.prepare('SELECT details FROM auth_log WHERE mac = ? ORDER BY id DESC LIMIT 1').get(mac) as { details: string | null } | undefined;
  return row?.details ? (JSON.parse(row.details) as { posture?: Record<string, unknown> }).posture : undefined;
}

describe('server posture with the mock Jamf Pro', () => {
  it('answers from the persisted snapshot when Jamf is down at start', async () => {
    const mock = await mockJamf();
    const dir = tempDir();
    const device = compliantComputer(mock, 2);
    const patch = (c: Record<string, unknown>) => {
      c.store = { path: join(dir, 'portcullis.db'), synchronous: 'normal' };
      c.jamf = jamfSection(mock.url, dir);
      knownMacs(c).splice(0, Infinity, device.mac);
    };

    const first = await server(patch);
    await first.server.posture()!.syncNow();
    expect(first.server.posture()!.store.meta.lastError).toBeUndefined();
    expect(first.server.posture()!.store.byMac(device.mac).state).toBe('compliant');
    servers.splice(servers.indexOf(first), 1);
    await first.stop();
    await mock.close();

    const second = await server(patch);
    const service = second.server.posture()!;
    // The start-up sync finds Jamf unreachable and says so; the snapshot from disk stays in force.
    await service.syncNow();
    expect(service.store.meta.lastError).toMatch(/ECONNREFUSED|cannot reach/);
    expect(service.store.size).toBe(mock.state.computers.size + mock.state.mobileDevices.size);

    const r = await radclient(second.authPort, 'auth', TEST_SECRET, MAB(device.mac));
    expect(r.stdout).toContain('Received Access-Accept');
    expect(lastPosture(second, device.mac)).toMatchObject({ state: 'compliant', udid: device.udid, jamfId: String(device.id) });
  }, 60_000);

  it('fifty requests at once for one unseen MAC trigger exactly one background lookup', async () => {
    const mock = await mockJamf();
    const dir = tempDir();
    const t = await server((c) => {
      c.jamf = jamfSection(mock.url, dir);
    });
    const service = t.server.posture()!;
    await service.syncNow();
    expect(service.store.meta.lastError).toBeUndefined();

    // A Mac enrolled after the sync: the store has never seen its MAC.
    const added = mock.state.addComputer({ managed: true });
    mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, added.id);
    const mac = normaliseMac(added.macAddress)!;
    expect(service.store.byMac(mac).state).toBe('unknown');
    mock.state.traffic.reset();

    const calling = { type: 31, value: Buffer.from(mac.toUpperCase().replace(/:/g, '-')) };
    const packets = Array.from({ length: 50 }, (_, id) => accessRequest(TEST_SECRET, bare(mac), bare(mac), { id, extra: [calling] }));
    const replies = await exchange(t.authPort, packets, 1000);
    expect(replies).toHaveLength(50);

    expect(await waitFor(() => service.lookups.queued === 0 && service.store.byMac(mac).state !== 'unknown')).toBe(true);
    const macLookups = mock.state.traffic.requests.filter((r) => r.path.endsWith('/computers-inventory') && new URLSearchParams(r.query).get('filter')?.includes('macAddress'));
    expect(macLookups).toHaveLength(1);
    expect(service.lookups.stats.performed).toBe(1);
    expect(service.lookups.stats.requested).toBe(50);
    expect(service.store.byMac(mac)).toMatchObject({ state: 'compliant', device: { jamfId: String(added.id) } });

    // Every one of the 50 decisions was logged as "unknown" (answered at once, never waiting on Jamf) …
    t.server.flushAuthLog();
    const rows = t.server.db.prepare('SELECT details FROM auth_log WHERE mac = ?').all(mac) as { details: string }[];
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => (JSON.parse(r.details) as { posture: { state: string } }).posture.state === 'unknown')).toBe(true);
    // … and the next one sees the looked-up posture.
    await exchange(t.authPort, [accessRequest(TEST_SECRET, bare(mac), bare(mac), { id: 200, extra: [calling] })], 500);
    expect(lastPosture(t, mac)).toMatchObject({ state: 'compliant' });
  }, 60_000);
});
