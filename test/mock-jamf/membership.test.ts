import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type FleetChange, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, getJson, request } from './helpers.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ s: MockJamf; token: string }> {
  server = await startMockJamf({ seed: { computers: 40, mobileDevices: 20 } });
  return { s: server, token: await clientToken(server) };
}

describe('membership changes during a test', () => {
  it('shows a computer moved between groups on the Pro API, the inventory section and Classic', async () => {
    const { s, token } = await start();
    const compliant = s.state.group('computer', 'Compliant Macs')!;
    const quarantine = s.state.group('computer', 'Quarantine')!;
    const victim = [...compliant.members][0];
    const members = async (id: number) =>
      (await getJson<{ members: number[] }>(s, `/api/v3/computer-groups/smart-group-membership/${id}`, token)).body.members;
    expect(await members(compliant.id)).toContain(victim);
    expect(await members(quarantine.id)).not.toContain(victim);

    const changes: FleetChange[] = [];
    s.state.onChange((c) => changes.push(c));
    s.state.moveDevice('computer', victim, 'Compliant Macs', 'Quarantine');

    expect(await members(compliant.id)).not.toContain(victim);
    expect(await members(quarantine.id)).toContain(victim);
    expect(changes).toEqual([
      { type: 'membership', kind: 'computer', groupId: compliant.id, added: [], removed: [victim] },
      { type: 'membership', kind: 'computer', groupId: quarantine.id, added: [victim], removed: [] },
    ]);
    const inv = await getJson<{ groupMemberships: { groupName: string }[] }>(s, `/api/v1/computers-inventory/${victim}?section=GROUP_MEMBERSHIPS`, token);
    expect(inv.body.groupMemberships.map((g) => g.groupName)).toContain('Quarantine');
    expect(inv.body.groupMemberships.map((g) => g.groupName)).not.toContain('Compliant Macs');
    const classic = await getJson<{ computer_group: { computers: { id: number }[] } }>(s, '/JSSResource/computergroups/name/Quarantine', token);
    expect(classic.body.computer_group.computers.map((c) => c.id)).toContain(victim);
  });

  it('returns the members as sorted integers and 404 for unknown or static groups', async () => {
    const { s, token } = await start();
    const g = s.state.addGroup('computer', { name: 'Test', members: [9, 3, 5] });
    expect((await getJson(s, `/api/v3/computer-groups/smart-group-membership/${g.id}`, token)).body).toEqual({ members: [3, 5, 9] });
    const missing = await request(s, '/api/v3/computer-groups/smart-group-membership/999', { token });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ httpStatus: 404, errors: [{ code: 'INVALID_ID', id: '999' }] });
    const loaner = s.state.group('computer', 'Loaner Macs')!;
    expect((await request(s, `/api/v3/computer-groups/smart-group-membership/${loaner.id}`, { token })).status).toBe(404);
  });

  it('shows a mobile device leaving a smart group in the paged membership and in Classic', async () => {
    const { s, token } = await start();
    const group = s.state.group('mobile', 'All Managed Mobile Devices')!;
    const victim = [...group.members][2];
    const udids = async () => (await getJson<{ results: { mobileDeviceId: string }[] }>(
      s, `/api/v2/mobile-device-groups/smart-group-membership/${group.id}?page-size=200`, token)).body.results.map((r) => r.mobileDeviceId);
    expect(await udids()).toContain(String(victim));
    s.state.removeFromGroup('mobile', group.id, victim);
    expect(await udids()).not.toContain(String(victim));
    const classic = await getJson<{ mobile_device_group: { mobile_devices: { id: number }[] } }>(s, `/JSSResource/mobiledevicegroups/id/${group.id}`, token);
    expect(classic.body.mobile_device_group.mobile_devices.map((m) => m.id)).not.toContain(victim);
  });

  it('shows a changed MAC in inventory, in filters and in Classic lookups', async () => {
    const { s, token } = await start();
    s.state.updateComputer(7, { altMacAddress: '02:00:00:AA:BB:CC' });
    const inv = await getJson<{ hardware: { altMacAddress: string } }>(s, '/api/v1/computers-inventory/7?section=HARDWARE', token);
    expect(inv.body.hardware.altMacAddress).toBe('02:00:00:AA:BB:CC');
    const byAlt = await getJson<{ computer: { general: { id: number } } }>(s, '/JSSResource/computers/macaddress/02:00:00:aa:bb:cc', token);
    expect(byAlt.body.computer.general.id).toBe(7);
    s.state.updateComputer(7, { macAddress: '02:00:00:11:22:33' });
    const filtered = await getJson<{ totalCount: number; results: { id: string }[] }>(
      s, `/api/v4/computers-inventory?filter=${encodeURIComponent('hardware.macAddress=="02:00:00:11:22:33"')}`, token);
    expect(filtered.body.results.map((c) => c.id)).toEqual(['7']);
  });

  it('shows added and removed devices in totalCount', async () => {
    const { s, token } = await start();
    const count = async () => (await getJson<{ totalCount: number }>(s, '/api/v1/computers-inventory?page-size=1', token)).body.totalCount;
    expect(await count()).toBe(40);
    const added = s.state.addComputer({ name: 'New Mac' });
    expect(added.id).toBe(41);
    expect(await count()).toBe(41);
    s.state.removeDevice('computer', 3);
    expect(await count()).toBe(40);
    expect((await request(s, '/api/v1/computers-inventory/3', { token })).status).toBe(404);
  });
});
