import { afterEach, describe, expect, it } from 'vitest';
import { compileFilter, RsqlError, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, getJson, request } from './helpers.js';

interface Row { id: number; name: string; managed: boolean; groups: string[] }
const rows: Row[] = [
  { id: 1, name: 'All Managed Clients', managed: true, groups: ['a'] },
  { id: 2, name: 'Compliant Macs', managed: true, groups: ['a', 'b'] },
  { id: 3, name: 'Quarantine', managed: false, groups: [] },
  { id: 10, name: "Bob's group", managed: false, groups: ['b'] },
];
const fields = { id: (r: Row) => r.id, name: (r: Row) => r.name, managed: (r: Row) => r.managed, group: (r: Row) => r.groups };
const ids = (filter: string) => rows.filter(compileFilter(filter, fields)).map((r) => r.id);

describe('RSQL filter', () => {
  it('matches == case-insensitively, with quotes and * wildcards', () => {
    expect(ids('name=="compliant macs"')).toEqual([2]);
    expect(ids("name=='Quarantine'")).toEqual([3]);
    expect(ids('name==Quarantine')).toEqual([3]);
    expect(ids('name=="*MAC*"')).toEqual([2]);
    expect(ids('name=="*"')).toEqual([1, 2, 3, 10]);
    expect(ids('name=="Bob\'s group"')).toEqual([10]);
    expect(ids('name!="Quarantine"')).toEqual([1, 2, 10]);
  });

  it('compares numbers numerically and booleans by name', () => {
    expect(ids('id>2')).toEqual([3, 10]);
    expect(ids('id=ge=3')).toEqual([3, 10]);
    expect(ids('id<3')).toEqual([1, 2]);
    expect(ids('id=le=1')).toEqual([1]);
    expect(ids('managed==true')).toEqual([1, 2]);
  });

  it('supports =in= / =out= lists, and/or (also ; and ,) and parentheses', () => {
    expect(ids('id=in=(1,10)')).toEqual([1, 10]);
    expect(ids('id=out=(1, 10)')).toEqual([2, 3]);
    expect(ids('managed==true and name=="*macs"')).toEqual([2]);
    expect(ids('managed==true;name=="*macs"')).toEqual([2]);
    expect(ids('id==1 or id==3')).toEqual([1, 3]);
    expect(ids('id==1,id==3')).toEqual([1, 3]);
    expect(ids('(id==1 or id==3) and managed==false')).toEqual([3]);
    expect(ids('id==1 or id==3 and managed==false')).toEqual([1, 3]);
  });

  it('treats a list-valued field as "any of"', () => {
    expect(ids('group==b')).toEqual([2, 10]);
    expect(ids('group!=b')).toEqual([1, 3]);
  });

  it('matches everything on an empty filter and rejects bad syntax or unknown fields', () => {
    expect(ids('')).toEqual([1, 2, 3, 10]);
    for (const bad of ['name', 'name=="x', 'name=~x', '(id==1', 'id=in=1', 'serial=="x"']) {
      expect(() => ids(bad), bad).toThrow(RsqlError);
    }
    expect(() => ids('serial=="x"')).toThrow(/serial/);
  });
});

describe('RSQL on the smart-group endpoints', () => {
  let server: MockJamf | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('resolves a computer smart group by exact name (v3 and v2) and ignores static groups', async () => {
    server = await startMockJamf({ seed: { computers: 30, mobileDevices: 0 } });
    const token = await clientToken(server);
    const expected = server.state.group('computer', 'Compliant Macs')!;
    for (const v of ['v3', 'v2']) {
      const r = await getJson<{ totalCount: number; results: { id: string; name: string; membershipCount: number }[] }>(
        server, `/api/${v}/computer-groups/smart-groups?filter=${encodeURIComponent('name=="Compliant Macs"')}`, token);
      expect(r.body.totalCount).toBe(1);
      expect(r.body.results[0]).toMatchObject({ id: String(expected.id), name: 'Compliant Macs', membershipCount: expected.members.size });
    }
    const wild = await getJson<{ results: { name: string }[] }>(server, `/api/v3/computer-groups/smart-groups?filter=${encodeURIComponent('name=="*mac*"')}&sort=name:asc`, token);
    expect(wild.body.results.map((g) => g.name)).toEqual(['Compliant Macs', 'macOS 15']);
    const staticGroup = await getJson<{ totalCount: number }>(server, `/api/v3/computer-groups/smart-groups?filter=${encodeURIComponent('name=="Loaner Macs"')}`, token);
    expect(staticGroup.body.totalCount).toBe(0);
    expect((await request(server, `/api/v3/computer-groups/smart-groups?filter=${encodeURIComponent('groupName=="x"')}`, { token })).status).toBe(400);
  });

  it('resolves a mobile smart group by groupName', async () => {
    server = await startMockJamf({ seed: { computers: 0, mobileDevices: 10 } });
    const token = await clientToken(server);
    const r = await getJson<{ totalCount: number; results: { groupId: string; groupName: string }[] }>(
      server, `/api/v2/mobile-device-groups/smart-groups?filter=${encodeURIComponent('groupName=="Supervised iPhones"')}`, token);
    expect(r.body.totalCount).toBe(1);
    expect(r.body.results[0].groupId).toBe(String(server.state.group('mobile', 'Supervised iPhones')!.id));
  });

  it('filters mobile inventory by wifiMacAddress and by group name', async () => {
    server = await startMockJamf({ seed: { computers: 0, mobileDevices: 20 } });
    const token = await clientToken(server);
    const device = server.state.mobileDevices.get(4)!;
    const byMac = await getJson<{ totalCount: number; results: { mobileDeviceId: string }[] }>(
      server, `/api/v2/mobile-devices/detail?filter=${encodeURIComponent(`wifiMacAddress=="${device.wifiMacAddress.toLowerCase()}"`)}`, token);
    expect(byMac.body.results.map((m) => m.mobileDeviceId)).toEqual(['4']);
    const group = server.state.group('mobile', 'Compliant Mobile Devices')!;
    const byGroup = await getJson<{ totalCount: number }>(server, `/api/v2/mobile-devices/detail?filter=${encodeURIComponent('groupName=="Compliant Mobile Devices"')}`, token);
    expect(byGroup.body.totalCount).toBe(group.members.size);
  });
});
