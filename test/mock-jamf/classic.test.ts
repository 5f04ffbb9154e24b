import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, getJson, request } from './helpers.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ s: MockJamf; token: string }> {
  server = await startMockJamf({ seed: { computers: 12, mobileDevices: 6 } });
  return { s: server, token: await clientToken(server) };
}

describe('Classic API', () => {
  it('answers JSON labelled text/plain when asked, XML otherwise', async () => {
    const { s, token } = await start();
    const asJson = await request(s, '/JSSResource/computers/subset/basic', { token });
    expect(asJson.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    const list = (asJson.json as { computers: { id: number; udid: string; mac_address: string }[] }).computers;
    expect(list).toHaveLength(12);
    expect(list[0]).toMatchObject({ id: 1, udid: s.state.computers.get(1)!.udid, mac_address: s.state.computers.get(1)!.macAddress });
    const asXml = await request(s, '/JSSResource/computergroups', { token, headers: { accept: 'application/xml' } });
    expect(asXml.headers.get('content-type')).toContain('application/xml');
    expect(asXml.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><computer_groups><size>6<\/size><computer_group><id>1<\/id>/);
  });

  it('finds a group by URL-encoded name and lists members without udid', async () => {
    const { s, token } = await start();
    s.state.addGroup('computer', { name: 'Lab / Finance & Co', members: [2, 4] });
    const r = await getJson<{ computer_group: { name: string; computers: Record<string, unknown>[] } }>(
      s, `/JSSResource/computergroups/name/${encodeURIComponent('Lab / Finance & Co')}`, token);
    expect(r.body.computer_group.name).toBe('Lab / Finance & Co');
    expect(r.body.computer_group.computers.map((c) => Object.keys(c).sort())).toEqual([
      ['alt_mac_address', 'id', 'mac_address', 'name', 'serial_number'],
      ['alt_mac_address', 'id', 'mac_address', 'name', 'serial_number'],
    ]);
    expect((await request(s, '/JSSResource/computergroups/name/nope', { token })).status).toBe(404);
  });

  it('looks computers and mobile devices up by udid (any case), serial and MAC', async () => {
    const { s, token } = await start();
    const c = s.state.computers.get(5)!;
    for (const path of [`udid/${c.udid.toLowerCase()}`, `serialnumber/${c.serialNumber}`, `macaddress/${c.macAddress}`, `id/5`]) {
      const r = await getJson<{ computer: { general: { id: number; alt_mac_address: string } } }>(s, `/JSSResource/computers/${path}`, token);
      expect(r.body.computer.general.id, path).toBe(5);
      expect(r.body.computer.general.alt_mac_address).toBe(c.altMacAddress);
    }
    const m = s.state.mobileDevices.get(2)!;
    const mr = await getJson<{ mobile_device: { general: { id: number } } }>(s, `/JSSResource/mobiledevices/macaddress/${m.wifiMacAddress}`, token);
    expect(mr.body.mobile_device.general.id).toBe(2);
  });

  it('creates, lists, reads and deletes webhooks (XML in, JSON or XML out)', async () => {
    const { s, token } = await start();
    const xml = '<webhook><name>nac</name><enabled>true</enabled><url>https://nac.example/jamf</url>' +
      '<content_type>application/json</content_type><event>SmartGroupComputerMembershipChange</event>' +
      '<connection_timeout>5</connection_timeout><read_timeout>2</read_timeout><authentication_type>HEADER</authentication_type>' +
      '<header>{"Authorization":"Bearer s3cret"}</header><smart_group_id>2</smart_group_id></webhook>';
    const created = await request(s, '/JSSResource/webhooks/id/0', { method: 'POST', token, headers: { 'content-type': 'application/xml' }, body: xml });
    expect(created.status).toBe(201);
    expect(created.text).toBe('<?xml version="1.0" encoding="UTF-8"?><webhook><id>1</id></webhook>');
    expect(s.state.webhooks.get(1)).toMatchObject({ name: 'nac', event: 'SmartGroupComputerMembershipChange', smartGroupId: 2, header: '{"Authorization":"Bearer s3cret"}' });
    expect((await getJson(s, '/JSSResource/webhooks', token)).body).toEqual({ webhooks: [{ id: 1, name: 'nac' }] });
    const one = await getJson<{ webhook: Record<string, unknown> }>(s, '/JSSResource/webhooks/id/1', token);
    expect(one.body.webhook).toMatchObject({ id: 1, url: 'https://nac.example/jamf', authentication_type: 'HEADER', smart_group_id: 2 });
    expect(JSON.stringify(one.body)).not.toContain('s3cret');
    const dup = await request(s, '/JSSResource/webhooks/id/0', { method: 'POST', token, headers: { 'content-type': 'text/xml' }, body: xml });
    expect(dup.status).toBe(409);
    const badEvent = await request(s, '/JSSResource/webhooks/id/0', {
      method: 'POST', token, headers: { 'content-type': 'application/xml' }, body: '<webhook><name>x</name><event>Nope</event></webhook>',
    });
    expect(badEvent.status).toBe(409);
    const asJson = await request(s, '/JSSResource/webhooks/id/0', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(asJson.status).toBe(415);
    expect((await request(s, '/JSSResource/webhooks/id/1', { method: 'DELETE', token })).status).toBe(200);
    expect((await request(s, '/JSSResource/webhooks/id/1', { token })).status).toBe(404);
  });

  it('answers unknown paths and wrong methods in the right dialect', async () => {
    const { s, token } = await start();
    const classic404 = await request(s, '/JSSResource/nothing', { token });
    expect(classic404.status).toBe(404);
    expect(classic404.text).toContain('Not Found');
    expect((await request(s, '/api/v9/nothing', { token })).json).toEqual({ httpStatus: 404, errors: [] });
    expect((await request(s, '/api/v1/computers-inventory', { method: 'DELETE', token })).status).toBe(405);
  });
});
