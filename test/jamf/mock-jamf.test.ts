// The Jamf client against the project's mock Jamf Pro server (src/mock-jamf), built independently from the
// same research: the two must agree on paths, shapes, paging, privileges and faults.
import { afterEach, describe, expect, it } from 'vitest';
import { createJamfClient, type JamfClient } from '../../src/jamf/client.js';
import { formatCheckLine } from '../../src/jamf/check.js';
import { normaliseMac } from '../../src/posture/mac.js';
import { DeviceKind, startMockJamf, type MockJamf, type MockJamfOptions } from '../../src/mock-jamf/index.js';
import { CLIENT_SECRET, captureLogger, stubConfig } from './stub.js';

const open: { mock: MockJamf; client: JamfClient }[] = [];

async function setup(options: MockJamfOptions = {}, extra: Parameters<typeof stubConfig>[1] = {}) {
  const mock = await startMockJamf({ clients: [{ id: 'nac-client', secret: CLIENT_SECRET }], seed: { computers: 250, mobileDevices: 40 }, ...options });
  const log = captureLogger();
  const client = createJamfClient(stubConfig(mock.url, { computer_groups: ['Compliant Macs'], mobile_device_groups: ['Compliant Mobile Devices'], ...extra }), { logger: log.logger });
  open.push({ mock, client });
  return { mock, client, log };
}

afterEach(async () => {
  for (const { mock, client } of open.splice(0)) {
    client.close();
    await mock.close();
  }
});

function groupOf(mock: MockJamf, kind: DeviceKind, name: string) {
  return [...mock.state.groups(kind).values()].find((x) => x.name === name)!;
}

function membersOf(mock: MockJamf, kind: DeviceKind, name: string): Set<string> {
  return new Set([...groupOf(mock, kind, name).members].map(String));
}

describe('Jamf client ↔ mock Jamf Pro', () => {
  it('reads the whole fleet through a page-size cap and tags exactly the smart-group members', async () => {
    const { mock, client } = await setup({ pageSizeCap: 100 }, { page_size: 2000 });
    const fleet = await client.fetchFleet();
    expect(fleet.partial).toBeUndefined();
    expect(fleet.computers).toHaveLength(mock.state.computers.size);
    expect(fleet.mobiles).toHaveLength(mock.state.mobileDevices.size);
    const compliantMacs = membersOf(mock, DeviceKind.computer, 'Compliant Macs');
    expect(compliantMacs.size).toBeGreaterThan(0);
    for (const d of fleet.computers) {
      const c = mock.state.computers.get(Number(d.jamfId))!;
      expect(d.udid).toBe(c.udid.toUpperCase());
      expect(d.macs).toEqual([...new Set([c.macAddress, c.altMacAddress].map((m) => normaliseMac(m)).filter(Boolean))]);
      expect(d.serial).toBe(c.serialNumber);
      expect(d.managed).toBe(c.managed);
      expect(d.compliantGroups).toEqual(compliantMacs.has(d.jamfId) ? ['Compliant Macs'] : []);
    }
    const compliantMobiles = membersOf(mock, DeviceKind.mobile, 'Compliant Mobile Devices');
    for (const d of fleet.mobiles) {
      const m = mock.state.mobileDevices.get(Number(d.jamfId))!;
      expect(d.udid).toBe(m.udid.toUpperCase());
      expect(d.macs).toEqual([normaliseMac(m.wifiMacAddress)]);
      expect(d.compliantGroups).toEqual(compliantMobiles.has(d.jamfId) ? ['Compliant Mobile Devices'] : []);
    }
  });

  it('stays within 5 connections and 5 requests at once', async () => {
    const { mock, client } = await setup({ latencyMs: 15, pageSizeCap: 50 });
    await Promise.all([client.fetchFleet(), ...[...mock.state.computers.values()].slice(0, 20).map((c) => client.lookupDevice({ serial: c.serialNumber }))]);
    expect(mock.state.traffic.maxConcurrentConnections).toBeLessThanOrEqual(5);
    expect(mock.state.traffic.maxConcurrentRequests).toBeLessThanOrEqual(5);
    expect(mock.state.traffic.maxConcurrentRequests).toBeGreaterThan(1);
  });

  it('gives the same fleet from an older server (v1 and Classic fallbacks)', async () => {
    const modern = await setup();
    const older = await setup({ olderServer: true });
    const a = await modern.client.fetchFleet();
    const b = await older.client.fetchFleet();
    const key = (d: { jamfId: string; udid?: string; compliantGroups: string[] }) => `${d.jamfId} ${d.udid} ${d.compliantGroups.join(',')}`;
    expect(b.computers.map(key).sort()).toEqual(a.computers.map(key).sort());
    expect(b.mobiles.map(key).sort()).toEqual(a.mobiles.map(key).sort());
  });

  it('survives a 5xx storm and an expired token', async () => {
    const { mock, client } = await setup();
    mock.injectFault({ path: '/api/v4/computers-inventory', status: 503, times: 3 });
    expect((await client.fetchFleet()).computers).toHaveLength(250);
    mock.expireTokens();
    const c = [...mock.state.computers.values()][7];
    expect(await client.lookupDevice({ mac: c.macAddress }, 'computer')).toMatchObject({ jamfId: String(c.id) });
  });

  it('finds one device by MAC, UDID and serial', async () => {
    const { mock, client } = await setup();
    const c = [...mock.state.computers.values()].find((x) => x.managed)!;
    const m = [...mock.state.mobileDevices.values()][3];
    expect(await client.lookupDevice({ mac: c.macAddress })).toMatchObject({ kind: 'computer', jamfId: String(c.id) });
    expect(await client.lookupDevice({ udid: m.udid })).toMatchObject({ kind: 'mobile', jamfId: String(m.id) });
    expect(await client.lookupDevice({ serial: c.serialNumber })).toMatchObject({ kind: 'computer', jamfId: String(c.id) });
  });

  it('`jamf test` names a missing privilege and a wrong secret', async () => {
    const limited = await setup({ clients: [{ id: 'nac-client', secret: CLIENT_SECRET, privileges: ['Read Computers', 'Read Smart Computer Groups', 'Read Smart Mobile Device Groups'] }] });
    const report = await limited.client.check();
    const lines = report.lines.map(formatCheckLine);
    expect(report.ok).toBe(false);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL privilege "Read Mobile Devices": Jamf GET api\/v2\/mobile-devices\?page-size=1&page=0: HTTP 403.*lacks the privilege "Read Mobile Devices"/),
      // Mobile smart-group membership needs both privileges (Jamf's x-required-privileges).
      expect.stringMatching(/^FAIL mobile group "Compliant Mobile Devices": Jamf GET api\/v2\/mobile-device-groups\/smart-group-membership\/\d+\?.*HTTP 403.*"Read Smart Mobile Device Groups" and "Read Mobile Devices"/),
    ]);
    const macs = groupOf(limited.mock, DeviceKind.computer, 'Compliant Macs');
    expect(lines).toContain(`ok   computer group "Compliant Macs": found (id ${macs.id}), ${macs.members.size} member(s)`);

    const wrong = await setup({ clients: [{ id: 'nac-client', secret: 'another-secret' }] });
    const bad = await wrong.client.check();
    expect(bad.lines.map(formatCheckLine)).toEqual([expect.stringMatching(/^FAIL credentials: Jamf POST api\/oauth\/token: HTTP 40[01].*\(hint: Jamf rejected the API client credentials/)]);
  });
});
