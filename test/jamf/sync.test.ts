// Bulk sync against a fake fleet: paging under a silent page-size clamp, totalCount, Classic fallback,
// partial syncs, and the snapshot that stays in force when a sync fails.
import { afterEach, describe, expect, it } from 'vitest';
import { JamfError } from '../../src/jamf/errors.js';
import { JamfHttp } from '../../src/jamf/http.js';
import { FleetSync, fetchFleet } from '../../src/jamf/sync.js';
import { JamfStub, captureLogger, stubConfig, type StubReply } from './stub.js';
import { computer, mobile, worldHandler, type World } from './world.js';

const open: { stub: JamfStub; http: JamfHttp }[] = [];

function fleet(over: Partial<World> = {}): World {
  return {
    computers: Array.from({ length: 25 }, (_, i) => computer(i + 1)),
    mobiles: Array.from({ length: 7 }, (_, i) => mobile(i + 101)),
    computerGroups: [
      { id: '7', name: 'Compliant Macs', members: ['1', '2', '3', '10', '11', '12'] },
      { id: '8', name: 'FileVault On', members: ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20'] },
    ],
    mobileGroups: [{ id: '3', name: 'Compliant iPhones', members: ['101', '102', '105'] }],
    clamp: 2000,
    missing: [],
    ...over,
  };
}

async function setup(world: World, extra: Parameters<typeof stubConfig>[1] = {}) {
  const stub = await JamfStub.start(worldHandler(world));
  const log = captureLogger();
  const http = new JamfHttp(stubConfig(stub.url, { computer_groups: ['Compliant Macs', 'FileVault On'], mobile_device_groups: ['Compliant iPhones'], ...extra }), { logger: log.logger });
  open.push({ stub, http });
  return { stub, http, log };
}

afterEach(async () => {
  for (const { stub, http } of open.splice(0)) {
    http.close();
    await stub.close();
  }
});

const inventoryRequests = (stub: JamfStub) => stub.apiRequests.filter((r) => r.path.endsWith('computers-inventory'));

describe('fetchFleet over the Pro API', () => {
  it('reads every computer and mobile device and tags the compliant groups', async () => {
    const { http } = await setup(fleet());
    const r = await fetchFleet(http);
    expect(r.partial).toBeUndefined();
    expect(r.computers).toHaveLength(25);
    expect(r.mobiles).toHaveLength(7);
    const byId = new Map(r.computers.map((d) => [d.jamfId, d]));
    expect(byId.get('10')).toEqual({
      kind: 'computer',
      jamfId: '10',
      udid: '00000A00-1111-2222-3333-444455550A0A',
      macs: ['aa:00:00:00:00:0a', 'bb:00:00:00:00:0a'],
      serial: 'C02SERIAL010',
      name: 'mac-10',
      model: 'MacBook Pro',
      osVersion: '14.5',
      managed: true,
      lastInventory: '2024-06-19T15:54:37.692Z',
      compliantGroups: ['Compliant Macs', 'FileVault On'],
    });
    expect(byId.get('1')!.compliantGroups).toEqual(['Compliant Macs']);
    expect(byId.get('25')!.compliantGroups).toEqual([]);
    const iphone = r.mobiles.find((d) => d.jamfId === '105')!;
    expect(iphone).toMatchObject({ kind: 'mobile', udid: '00008030-001234567869001E', macs: ['cc:00:00:00:00:69'], managed: true, osVersion: '17.5', compliantGroups: ['Compliant iPhones'] });
    expect(r.groups.map((g) => [g.kind, g.name, g.id, g.members])).toEqual([['computer', 'Compliant Macs', '7', 6], ['computer', 'FileVault On', '8', 11], ['mobile', 'Compliant iPhones', '3', 3]]);
    expect(r.stats).toMatchObject({ computers: 25, mobiles: 7, compliantComputers: 14, compliantMobiles: 3, membersWithoutInventory: 0, source: { computers: 'pro', mobiles: 'pro' } });
  });

  it('keeps paging past a short page when Jamf silently clamps page-size', async () => {
    const { stub, http } = await setup(fleet({ clamp: 10 }), { page_size: 20 });
    const r = await fetchFleet(http);
    expect(r.computers.map((d) => d.jamfId).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    // Page 0 asked for 20 and got 10: from then on the client asks for what the server gives.
    expect(inventoryRequests(stub).map((r) => [r.query.get('page'), r.query.get('page-size')])).toEqual([['0', '20'], ['1', '10'], ['2', '10']]);
  });

  it('stops when totalCount rows are read, without asking for a page past the end', async () => {
    const { stub, http } = await setup(fleet({ computers: Array.from({ length: 40 }, (_, i) => computer(i + 1)) }), { page_size: 20 });
    expect((await fetchFleet(http)).computers).toHaveLength(40);
    expect(inventoryRequests(stub).map((r) => r.query.get('page'))).toEqual(['0', '1']);
    expect(inventoryRequests(stub)[0].query.getAll('section')).toEqual(['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM']);
  });

  it('fails (rather than return a short fleet) when the pages run out before totalCount', async () => {
    const world = fleet();
    world.override = (req) => (req.path === 'api/v4/computers-inventory' && req.query.get('page') === '1' ? { json: { totalCount: 25, results: [] } } : undefined);
    const { http } = await setup(world, { page_size: 20 });
    const err = await fetchFleet(http).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JamfError);
    expect((err as JamfError).message).toMatch(/^Jamf GET api\/v4\/computers-inventory\?.*page=1&page-size=20: read 20 of 25 rows before the pages ran out/);
  });

  it('a member enrolled while the sync read (not in the inventory list) comes from its membership row, or is counted', async () => {
    const world = fleet();
    world.computerGroups[0].members.push('99'); // no such computer in the inventory, and no row to describe it
    // Mobile 105 (in the compliant group) is missing from the inventory list but its membership row is there.
    const listed = worldHandler({ ...world, mobiles: world.mobiles.filter((m) => m.id !== '105') });
    world.override = (req) => (req.path === 'api/v2/mobile-devices/detail' ? (listed(req) as StubReply) : undefined);
    const { http } = await setup(world);
    const r = await fetchFleet(http);
    expect(r.mobiles).toHaveLength(7);
    expect(r.mobiles.find((d) => d.jamfId === '105')).toMatchObject({ serial: 'DMQSERIAL105', compliantGroups: ['Compliant iPhones'] });
    expect(r.stats).toMatchObject({ compliantMobiles: 3, membersWithoutInventory: 1 });
  });

  it('keeps at most 5 requests in flight while resolving many groups', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `Group ${i}`);
    const world = fleet({ computerGroups: names.map((name, i) => ({ id: String(i + 1), name, members: [String(i + 1)] })) });
    const handler = worldHandler(world);
    const { stub, http } = await setup(world, { computer_groups: names, mobile_device_groups: [] });
    stub.handler = async (req) => ({ ...(await handler(req)), delayMs: 15 });
    const r = await fetchFleet(http);
    expect(r.groups).toHaveLength(12);
    expect(stub.peakInFlight).toBe(5);
    expect(stub.peakConnections).toBeLessThanOrEqual(5);
  });
});

describe('older servers', () => {
  it('uses /api/v1/computers-inventory and v2 groups when v4 and v3 are missing', async () => {
    const { stub, http } = await setup(fleet({ missing: ['api/v4/', 'api/v3/'] }));
    const r = await fetchFleet(http);
    expect(r.computers).toHaveLength(25);
    expect(r.computers.find((d) => d.jamfId === '12')!.compliantGroups).toEqual(['Compliant Macs', 'FileVault On']);
    expect(stub.apiRequests.some((x) => x.path === 'api/v1/computers-inventory')).toBe(true);
    expect(stub.apiRequests.some((x) => x.path === 'api/v2/computer-groups/smart-group-membership/7')).toBe(true);
  });

  it('falls back to the Classic API when the Pro endpoints answer 404', async () => {
    const { stub, http } = await setup(fleet({ missing: ['api/v'] }));
    const r = await fetchFleet(http);
    expect(r.partial).toBeUndefined();
    expect(r.stats.source).toEqual({ computers: 'classic', mobiles: 'classic' });
    const member = r.computers.find((d) => d.jamfId === '3')!;
    // UDID from /computers/subset/basic, the alternate MAC from the group's member list.
    expect(member).toMatchObject({ udid: '00000300-1111-2222-3333-444455550303', macs: ['aa:00:00:00:00:03', 'bb:00:00:00:00:03'], managed: true, compliantGroups: ['Compliant Macs'], lastInventory: '2020-08-03T12:24:29.968Z' });
    expect(r.computers.find((d) => d.jamfId === '25')!.macs).toEqual(['aa:00:00:00:00:19']);
    expect(r.mobiles.find((d) => d.jamfId === '102')).toMatchObject({ udid: '00008030-001234567866001E', compliantGroups: ['Compliant iPhones'] });
    expect(stub.apiRequests.map((x) => x.path)).toEqual(expect.arrayContaining(['JSSResource/computergroups', 'JSSResource/computergroups/id/7', 'JSSResource/computers/subset/basic', 'JSSResource/mobiledevicegroups/id/3']));

    // The client remembers what this server offers: the next sync asks the Classic API straight away.
    const before = stub.apiRequests.length;
    expect((await fetchFleet(http)).computers).toHaveLength(25);
    const again = stub.apiRequests.slice(before).map((x) => x.path);
    expect(again.filter((x) => x.startsWith('api/v'))).toEqual([]);
    expect(again).toHaveLength(8);
  });
});

describe('partial and failed syncs', () => {
  it('a group that does not exist makes the sync partial and names it', async () => {
    const { http } = await setup(fleet(), { computer_groups: ['Compliant Macs', 'No Such Group'], mobile_device_groups: [] });
    const r = await fetchFleet(http);
    expect(r.partial?.failures).toEqual([{ scope: 'computer group "No Such Group"', message: 'no smart computer group named "No Such Group" in Jamf' }]);
    expect(r.computers.filter((d) => d.compliantGroups.length)).toHaveLength(6);
  });

  it('a 403 on the group endpoints is a partial sync with the privilege hint', async () => {
    const world = fleet({ override: (req) => (req.path.includes('computer-groups') ? { status: 403, json: { httpStatus: 403, errors: [] } } : undefined) });
    const { http } = await setup(world, { mobile_device_groups: [] });
    const r = await fetchFleet(http);
    expect(r.partial?.failures.map((f) => f.message)).toEqual([
      expect.stringContaining('lacks the privilege "Read Smart Computer Groups"'),
      expect.stringContaining('lacks the privilege "Read Smart Computer Groups"'),
    ]);
  });

  it('keeps the previous snapshot in force and records the failure', async () => {
    const world = fleet();
    const { http, log } = await setup(world);
    const seen: string[] = [];
    const sync = new FleetSync(http, { logger: log.logger, onSnapshot: (s) => seen.push(s.stats.fetchedAt) });

    const first = await sync.syncOnce();
    expect(first.adopted).toBe(true);
    const good = sync.snapshot!;
    expect(sync.lastFailure).toBeUndefined();

    world.computerGroups[1].name = 'FileVault Renamed';
    const partial = await sync.syncOnce();
    expect(partial.adopted).toBe(false);
    expect(sync.snapshot).toBe(good);
    expect(sync.lastFailure).toMatchObject({ partial: true, message: 'computer group "FileVault On": no smart computer group named "FileVault On" in Jamf' });

    world.override = (req) => (req.path === 'api/v4/computers-inventory' ? { status: 500, body: 'Internal Server Error' } : undefined);
    const failed = await sync.syncOnce();
    expect(failed.adopted).toBe(false);
    expect(failed.error).toBeInstanceOf(JamfError);
    expect(sync.snapshot).toBe(good);
    expect(sync.lastFailure?.partial).toBe(false);
    expect(sync.lastFailure?.message).toMatch(/^Jamf GET api\/v4\/computers-inventory\?.*: HTTP 500, Jamf said: Internal Server Error/);

    world.override = undefined;
    world.computerGroups[1].name = 'FileVault On';
    expect((await sync.syncOnce()).adopted).toBe(true);
    expect(sync.snapshot).not.toBe(good);
    expect(seen).toHaveLength(2);
    expect(log.lines.some((l) => l.includes('previous snapshot stays in force'))).toBe(true);
  });

  it('adopts a partial result when there is no earlier snapshot', async () => {
    const { http, log } = await setup(fleet(), { computer_groups: ['Compliant Macs', 'Gone'], mobile_device_groups: [] });
    const sync = new FleetSync(http, { logger: log.logger });
    const out = await sync.syncOnce();
    expect(out.adopted).toBe(true);
    expect(sync.snapshot?.partial?.failures).toHaveLength(1);
    expect(sync.lastFailure?.partial).toBe(true);
  });

  it('joins a sync that is already running instead of starting a second one', async () => {
    const { stub, http, log } = await setup(fleet(), { mobile_device_groups: [] });
    const sync = new FleetSync(http, { logger: log.logger });
    const [a, b] = await Promise.all([sync.syncOnce(), sync.syncOnce()]);
    expect(a).toBe(b);
    expect(inventoryRequests(stub)).toHaveLength(1);
  });
});
