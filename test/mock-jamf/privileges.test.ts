import { afterEach, describe, expect, it } from 'vitest';
import { Privilege, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, request } from './helpers.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withPrivileges(privileges: string[]): Promise<{ s: MockJamf; token: string }> {
  server = await startMockJamf({ seed: { computers: 5, mobileDevices: 3 }, clients: [{ id: 'c', secret: 'x', privileges }] });
  return { s: server, token: await clientToken(server, '/api/oauth/token', 'c', 'x') };
}

describe('privileges', () => {
  it('answers 403 with an ApiError naming the missing privilege', async () => {
    const { s, token } = await withPrivileges([Privilege.readComputers]);
    expect((await request(s, '/api/v1/computers-inventory', { token })).status).toBe(200);
    const r = await request(s, '/api/v3/computer-groups/smart-groups', { token });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      httpStatus: 403,
      errors: [{ code: 'INVALID_PRIVILEGE', field: '', description: expect.stringContaining('Read Smart Computer Groups'), id: null }],
    });
    const membership = await request(s, '/api/v3/computer-groups/smart-group-membership/1', { token });
    expect(membership.status).toBe(403);
  });

  it('needs every privilege an endpoint lists (mobile membership: smart groups + mobile devices)', async () => {
    const { s, token } = await withPrivileges([Privilege.readSmartMobileDeviceGroups]);
    expect((await request(s, '/api/v2/mobile-device-groups/smart-groups', { token })).status).toBe(200);
    const r = await request(s, '/api/v2/mobile-device-groups/smart-group-membership/1', { token });
    expect(r.status).toBe(403);
    expect(JSON.stringify(r.json)).toContain('Read Mobile Devices');
    expect(JSON.stringify(r.json)).not.toContain('Read Smart Mobile Device Groups');
  });

  it('/api/v1/computer-groups needs both smart and static group privileges', async () => {
    const { s, token } = await withPrivileges([Privilege.readSmartComputerGroups]);
    const r = await request(s, '/api/v1/computer-groups', { token });
    expect(r.status).toBe(403);
    expect(JSON.stringify(r.json)).toContain('Read Static Computer Groups');
  });

  it('Classic answers 403 with an HTML status page; static groups need the static privilege', async () => {
    const { s, token } = await withPrivileges([Privilege.readSmartComputerGroups]);
    expect((await request(s, '/JSSResource/computers/subset/basic', { token })).status).toBe(403);
    const denied = await request(s, '/JSSResource/computers/subset/basic', { token });
    expect(denied.headers.get('content-type')).toContain('text/html');
    expect(denied.text).toContain('Forbidden');
    expect((await request(s, '/JSSResource/computergroups/name/Compliant%20Macs', { token })).status).toBe(200);
    expect((await request(s, '/JSSResource/computergroups/name/Loaner%20Macs', { token })).status).toBe(403);
  });
});
