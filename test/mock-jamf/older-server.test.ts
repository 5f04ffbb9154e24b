import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, getJson, request } from './helpers.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('olderServer', () => {
  it('answers 404 on v4/v3 inventory, v3/v2 computer groups and v2 mobile groups, so clients fall back', async () => {
    server = await startMockJamf({ seed: { computers: 10, mobileDevices: 5 }, olderServer: true });
    const token = await clientToken(server);
    for (const path of [
      '/api/v4/computers-inventory', '/api/v3/computers-inventory',
      '/api/v3/computer-groups/smart-groups', '/api/v2/computer-groups/smart-groups',
      '/api/v3/computer-groups/smart-group-membership/1', '/api/v2/computer-groups/smart-group-membership/1',
      '/api/v2/mobile-device-groups/smart-groups', '/api/v2/mobile-device-groups',
    ]) {
      const r = await request(server, path, { token });
      expect(r.status, path).toBe(404);
      expect(r.json, path).toEqual({ httpStatus: 404, errors: [] });
    }
    // The fallbacks are there.
    const groups = await getJson<{ id: string; name: string; smartGroup: boolean }[]>(server, '/api/v1/computer-groups', token);
    expect(groups.body.find((g) => g.name === 'Compliant Macs')).toMatchObject({ smartGroup: true });
    expect((await request(server, '/api/v1/computers-inventory', { token })).status).toBe(200);
    expect((await request(server, '/api/v1/mobile-device-groups/smart-groups', { token })).status).toBe(200);
    expect((await request(server, '/JSSResource/computergroups/name/Compliant%20Macs', { token })).status).toBe(200);
  });

  it('serves everything when not an older server', async () => {
    server = await startMockJamf({ seed: { computers: 2, mobileDevices: 1 } });
    const token = await clientToken(server);
    for (const path of ['/api/v4/computers-inventory', '/api/v3/computer-groups/smart-groups', '/api/v2/mobile-device-groups']) {
      expect((await request(server, path, { token })).status, path).toBe(200);
    }
  });

  it('can hide any other path, e.g. the newer /api/v1/oauth/token', async () => {
    server = await startMockJamf({ unavailablePaths: ['/api/v1/oauth/token'] });
    await expect(clientToken(server, '/api/v1/oauth/token')).rejects.toThrow(/404/);
    await expect(clientToken(server, '/api/oauth/token')).resolves.toEqual(expect.any(String));
  });
});
