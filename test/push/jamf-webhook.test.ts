// The Jamf webhook receiver against the mock Jamf Pro: authentication, malformed and oversize bodies, every
// fixture payload, replays, the queue bound, and a device moved out of the compliant group in the mock →
// the mock delivers the webhook → one posture change (non-compliant, source 'webhook').
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceKind } from '../../src/mock-jamf/index.js';
import { jamfFixturesDir } from '../support/jamf-fixtures.js';
import {
  COMPUTER_GROUP, MOBILE_GROUP, WEBHOOK_PASSWORD, WEBHOOK_USER, basic, closeWorlds, compliantComputer, members, post, pushWorld, settle,
  waitFor, type PushWorld,
} from './support.js';

afterEach(closeWorlds);

/** Device fetches the receiver made from the mock (by-id lookups on the inventory endpoints). */
function deviceFetches(w: PushWorld): number {
  return w.mock.state.traffic.count({ path: /computers-inventory$|mobile-devices\/detail$|JSSResource\/(computers|mobiledevices)\/id\// });
}

function groupId(w: PushWorld, kind: DeviceKind, name: string): number {
  return [...w.mock.state.groups(kind).values()].find((g) => g.name === name)!.id;
}

/** The JSON Jamf sends when `removed` leave the group. */
function membershipChange(w: PushWorld, removed: number[], opts: { id?: number; timestamp?: number; group?: string } = {}): string {
  const group = opts.group ?? COMPUTER_GROUP;
  return JSON.stringify({
    webhook: { eventTimestamp: opts.timestamp ?? Date.now(), id: opts.id ?? 7, name: 'nac', webhookEvent: 'SmartGroupComputerMembershipChange' },
    event: {
      computer: true, groupAddedDevices: [], groupAddedDevicesIds: [], groupRemovedDevices: removed.map(String),
      groupRemovedDevicesIds: removed, jssid: groupId(w, DeviceKind.computer, group), name: group, smartGroup: true,
    },
  });
}

describe('Jamf webhook authentication and bad requests', () => {
  it('refuses a missing or wrong password with 401 and changes nothing', async () => {
    const w = await pushWorld();
    const device = compliantComputer(w.mock, 1);
    w.mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, device.id);
    const before = deviceFetches(w);
    const body = membershipChange(w, [device.id]);

    const none = await post(w.webhookUrl, body, { 'content-type': 'application/json' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    const wrong = await post(w.webhookUrl, body, basic(WEBHOOK_USER, `${WEBHOOK_PASSWORD}x`));
    expect(wrong.status).toBe(401);
    const user = await post(w.webhookUrl, body, basic('someone-else', WEBHOOK_PASSWORD));
    expect(user.status).toBe(401);
    expect(JSON.stringify([none.json(), wrong.json(), user.json()])).not.toContain(WEBHOOK_PASSWORD);

    await settle(w);
    expect(deviceFetches(w)).toBe(before);
    expect(w.changes).toEqual([]);
    expect(w.service.store.byUdid(device.udid).state).toBe('compliant');
  });

  it('accepts header authentication when configured, compared exactly', async () => {
    const w = await pushWorld({ push: { listen: '127.0.0.1:0', jamf_webhook: { auth: { header: { name: 'X-Portcullis-Token', value: 'a-long-random-token-0123456789' } } } } });
    const device = compliantComputer(w.mock, 0);
    const body = membershipChange(w, [device.id]);
    expect((await post(w.webhookUrl, body, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await post(w.webhookUrl, body, { 'content-type': 'application/json', 'x-portcullis-token': 'a-long-random-token-012345678' })).status).toBe(401);
    expect((await post(w.webhookUrl, body, { 'content-type': 'application/json', 'x-portcullis-token': 'a-long-random-token-0123456789' })).status).toBe(202);
  });

  it('answers malformed JSON and non-webhook JSON with 400 and a reason', async () => {
    const w = await pushWorld();
    const bad = await post(w.webhookUrl, '{"webhook": {', basic());
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/^malformed JSON: /);
    const shape = await post(w.webhookUrl, JSON.stringify({ webhook: { id: 1 }, event: {} }), basic());
    expect(shape.status).toBe(400);
    expect(shape.json().error).toMatch(/^not a Jamf webhook payload: webhook\.eventTimestamp/);
    const xml = await post(w.webhookUrl, '<JSSEvent/>', { ...basic(), 'content-type': 'text/xml' });
    expect(xml.status).toBe(415);
    expect(w.changes).toEqual([]);
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const w = await pushWorld({ push: { listen: '127.0.0.1:0', max_body_bytes: 4096, jamf_webhook: { auth: { basic: { username: WEBHOOK_USER, password: WEBHOOK_PASSWORD } } } } });
    const big = JSON.stringify({ webhook: { eventTimestamp: 1, id: 1, name: 'x'.repeat(5000), webhookEvent: 'JSSStartup' }, event: {} });
    const declared = await post(w.webhookUrl, big, basic());
    expect(declared.status).toBe(413);
    expect(declared.json().error).toMatch(/larger than 4096 bytes/);
    // Without Content-Length (chunked): the limit applies while reading.
    const chunked = await post(w.webhookUrl, big, { ...basic(), 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    // The listener still works afterwards.
    expect((await post(w.webhookUrl, JSON.stringify({ webhook: { eventTimestamp: 1, id: 1, name: 'x', webhookEvent: 'JSSStartup' }, event: {} }), basic())).status).toBe(202);
  });

  it('answers any body with 202 or 400, never an error or a crash', async () => {
    const w = await pushWorld();
    const envelope = fc.record({
      webhook: fc.record({ eventTimestamp: fc.oneof(fc.integer(), fc.string()), id: fc.oneof(fc.integer(), fc.constant(null)), name: fc.string(),
        webhookEvent: fc.constantFrom('SmartGroupComputerMembershipChange', 'ComputerInventoryCompleted', 'MobileDeviceInventoryCompleted', 'JSSStartup', '') }, { requiredKeys: [] }),
      event: fc.dictionary(fc.constantFrom('jssid', 'jssID', 'name', 'computer', 'groupAddedDevicesIds', 'groupRemovedDevicesIds'), fc.jsonValue()),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(fc.oneof(envelope.map((e) => JSON.stringify(e)), fc.json(), fc.string()), async (body) => {
      const res = await post(w.webhookUrl, body, basic());
      expect([202, 400]).toContain(res.status);
    }), { numRuns: 150 });
    await settle(w);
  });

  it('only serves POST on its two routes', async () => {
    const w = await pushWorld();
    expect((await post(`${w.receiver.address.url}/other`, '{}', basic())).status).toBe(404);
    // The SSF route is not configured in this world.
    expect((await post(`${w.receiver.address.url}/ssf/events`, 'x', basic())).status).toBe(404);
  });
});

describe('Jamf webhook payloads', () => {
  it('accepts every fixture payload (jssID and jssid spellings)', async () => {
    const w = await pushWorld();
    const dir = jamfFixturesDir();
    const files = readdirSync(dir).filter((f) => f.startsWith('webhook-'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const res = await post(w.webhookUrl, text, basic());
      expect([f, res.status]).toEqual([f, 202]);
      // The lowercase spelling Jamf documents.
      const lower = text.replace(/"jssID"/g, '"jssid"').replace(/"eventTimestamp": (\d+)/, (_, t: string) => `"eventTimestamp": ${Number(t) + 1}`);
      const res2 = await post(w.webhookUrl, lower, basic());
      expect([f, res2.status]).toEqual([f, 202]);
    }
    await settle(w);
    // The fixture devices do not exist in the mock: asked for, nothing applied.
    expect(w.changes).toEqual([]);
  });

  it('ignores membership changes of groups that are not compliant groups (no Jamf request)', async () => {
    const w = await pushWorld();
    const device = compliantComputer(w.mock, 2);
    const before = deviceFetches(w);
    const res = await post(w.webhookUrl, membershipChange(w, [device.id], { group: 'Quarantine' }), basic());
    expect(res.status).toBe(202);
    expect(res.json()).toMatchObject({ status: 'ignored' });
    await settle(w);
    expect(deviceFetches(w)).toBe(before);
  });

  it('a replayed webhook changes nothing twice and is not fetched again', async () => {
    const w = await pushWorld();
    const device = compliantComputer(w.mock, 3);
    w.mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, device.id);
    const body = membershipChange(w, [device.id], { id: 9, timestamp: 1_700_000_000_000 });

    const first = await post(w.webhookUrl, body, basic());
    expect(first.status).toBe(202);
    expect(first.json()).toMatchObject({ status: 'accepted', devices: 1 });
    await settle(w);
    expect(w.changes).toHaveLength(1);
    expect(w.changes[0]).toMatchObject({ key: device.udid, from: 'compliant', to: 'non-compliant', source: 'webhook' });
    const fetches = deviceFetches(w);

    const again = await post(w.webhookUrl, body, basic());
    expect(again.status).toBe(202);
    expect(again.json()).toMatchObject({ status: 'duplicate' });
    await settle(w);
    expect(w.changes).toHaveLength(1);
    expect(deviceFetches(w)).toBe(fetches);

    // The same event with a new timestamp is a new delivery: fetched again, but nothing changed, so no event.
    expect((await post(w.webhookUrl, membershipChange(w, [device.id], { id: 9, timestamp: 1_700_000_000_001 }), basic())).status).toBe(202);
    await settle(w);
    expect(deviceFetches(w)).toBeGreaterThan(fetches);
    expect(w.changes).toHaveLength(1);
  });

  it('a forged "added to the compliant group" cannot make a device compliant: Jamf is asked', async () => {
    const w = await pushWorld();
    const outside = [...w.mock.state.computers.keys()].find((id) => !members(w.mock, DeviceKind.computer, COMPUTER_GROUP).has(id))!;
    const udid = w.mock.state.computers.get(outside)!.udid.toUpperCase();
    expect(w.service.store.byUdid(udid).state).toBe('non-compliant');
    const body = JSON.parse(membershipChange(w, [])) as { event: Record<string, unknown> };
    body.event.groupAddedDevicesIds = [outside];
    expect((await post(w.webhookUrl, JSON.stringify(body), basic())).status).toBe(202);
    await settle(w);
    expect(w.service.store.byUdid(udid).state).toBe('non-compliant');
    expect(w.changes).toEqual([]);
  });

  it('inventory-completed refetches the device; a membership change naming many devices runs one full sync', async () => {
    const w = await pushWorld({ push: { listen: '127.0.0.1:0', jamf_webhook: { auth: { basic: { username: WEBHOOK_USER, password: WEBHOOK_PASSWORD } }, max_devices_per_event: 3 } } });
    const d = compliantComputer(w.mock, 4);
    w.mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, d.id);
    const inventory = JSON.stringify({
      webhook: { eventTimestamp: Date.now(), id: 3, name: 'inv', webhookEvent: 'ComputerInventoryCompleted' },
      event: { jssID: d.id, udid: d.udid, macAddress: d.mac, serialNumber: 'X' },
    });
    expect((await post(w.webhookUrl, inventory, basic())).status).toBe(202);
    await settle(w);
    expect(w.changes.map((c) => [c.key, c.to, c.source])).toEqual([[d.udid, 'non-compliant', 'webhook']]);

    // Taken from the members still in the group (d left it above).
    const many = [0, 1, 2, 3].map((i) => compliantComputer(w.mock, 4 + i).id);
    w.mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, many);
    const syncedBefore = w.service.store.meta.lastSuccessAt!;
    const res = await post(w.webhookUrl, membershipChange(w, many), basic());
    expect(res.json()).toMatchObject({ status: 'accepted', devices: 'all' });
    await settle(w);
    expect(w.service.store.meta.lastSuccessAt!).toBeGreaterThanOrEqual(syncedBefore);
    expect(w.changes.slice(1).map((c) => [c.to, c.source])).toEqual(many.map(() => ['non-compliant', 'poll']));
  });

  it('answers 503 when the work queue cannot take the event (and accepts it again later)', async () => {
    const w = await pushWorld({
      push: { listen: '127.0.0.1:0', max_queue: 3, jamf_webhook: { auth: { basic: { username: WEBHOOK_USER, password: WEBHOOK_PASSWORD } } } },
    });
    const ids = [0, 1, 2, 3].map((i) => compliantComputer(w.mock, i).id);
    const body = membershipChange(w, ids, { timestamp: 42 });
    const full = await post(w.webhookUrl, body, basic());
    expect(full.status).toBe(503);
    expect(full.headers['retry-after']).toBe('5');
    // Refused, so not remembered as seen: two devices at a time fit.
    expect((await post(w.webhookUrl, membershipChange(w, ids.slice(0, 2), { timestamp: 42 }), basic())).status).toBe(202);
    await settle(w);
  });
});

describe('webhooks delivered by the mock Jamf Pro', () => {
  it('a device moved out of the compliant group → the mock delivers the webhook → one non-compliant change event', async () => {
    const w = await pushWorld();
    const groupIdOf = (name: string) => groupId(w, DeviceKind.computer, name);
    w.mock.state.addWebhook({
      name: 'portcullis', url: w.webhookUrl, event: 'SmartGroupComputerMembershipChange', smartGroupId: groupIdOf(COMPUTER_GROUP),
      authenticationType: 'BASIC', username: WEBHOOK_USER, password: WEBHOOK_PASSWORD,
    });
    const device = compliantComputer(w.mock, 5);
    expect(w.service.store.byUdid(device.udid).state).toBe('compliant');

    w.mock.state.moveDevice(DeviceKind.computer, device.id, COMPUTER_GROUP, 'Quarantine');
    expect(await waitFor(() => w.changes.length > 0)).toBe(true);
    await settle(w);

    // One delivery (the Quarantine side is not registered), answered 202; exactly one change.
    expect(w.mock.webhooks.deliveries.map((d) => [d.event, d.status])).toEqual([['SmartGroupComputerMembershipChange', 202]]);
    expect(w.changes).toHaveLength(1);
    expect(w.changes[0]).toMatchObject({ key: device.udid, from: 'compliant', to: 'non-compliant', source: 'webhook' });
    expect(w.changes[0].macs).toContain(device.mac);
    expect(w.service.postureFor({ mac: device.mac })?.state).toBe('non-compliant');
  });

  it('a mobile device inventory update is delivered and applied', async () => {
    const w = await pushWorld();
    w.mock.state.addWebhook({
      name: 'inv', url: w.webhookUrl, event: 'MobileDeviceInventoryCompleted', authenticationType: 'BASIC', username: WEBHOOK_USER, password: WEBHOOK_PASSWORD,
    });
    const id = [...members(w.mock, DeviceKind.mobile, MOBILE_GROUP)][0];
    const udid = w.mock.state.mobileDevices.get(id)!.udid.toUpperCase();
    expect(w.service.store.byUdid(udid).state).toBe('compliant');
    // Jamf recalculates the group during inventory; the state change is what the mock delivers as the event.
    w.mock.state.removeFromGroup(DeviceKind.mobile, MOBILE_GROUP, id);
    w.mock.state.updateMobileDevice(id, { osVersion: '16.0' });
    expect(await waitFor(() => w.changes.length > 0)).toBe(true);
    await settle(w);
    expect(w.changes.map((c) => [c.key, c.to, c.source])).toEqual([[udid, 'non-compliant', 'webhook']]);
  });

  it('a delivery with the wrong password is refused and changes nothing', async () => {
    const w = await pushWorld();
    w.mock.state.addWebhook({
      name: 'bad', url: w.webhookUrl, event: 'SmartGroupComputerMembershipChange', authenticationType: 'BASIC', username: WEBHOOK_USER, password: 'not-the-password',
    });
    const device = compliantComputer(w.mock, 6);
    w.mock.state.moveDevice(DeviceKind.computer, device.id, COMPUTER_GROUP, 'Quarantine');
    await settle(w);
    expect(w.mock.webhooks.deliveries.map((d) => d.status)).toEqual([401, 401]);
    expect(w.changes).toEqual([]);
    expect(w.service.store.byUdid(device.udid).state).toBe('compliant');
  });
});
