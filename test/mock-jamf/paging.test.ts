import { afterEach, describe, expect, it } from 'vitest';
import { createSeededState, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, getJson, request } from './helpers.js';

interface Page { totalCount: number; results: { id: string; general: { name: string } | null }[] }

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(computers: number, pageSizeCap?: number): Promise<{ s: MockJamf; token: string }> {
  server = await startMockJamf({ state: createSeededState({ computers, mobileDevices: 0 }), pageSizeCap });
  return { s: server, token: await clientToken(server) };
}

describe('paging with the silent page-size cap', () => {
  it('clamps page-size to the cap without an error and keeps totalCount right', async () => {
    const { s, token } = await start(250, 100);
    const r = await getJson<Page>(s, '/api/v1/computers-inventory?page-size=2000', token);
    expect(r.status).toBe(200);
    expect(r.body.totalCount).toBe(250);
    expect(r.body.results).toHaveLength(100);
  });

  it('lets a client that pages until collected >= totalCount see every computer exactly once', async () => {
    const { s, token } = await start(250, 100);
    const seen: string[] = [];
    for (let page = 0; page < 10; page++) {
      const r = await getJson<Page>(s, `/api/v4/computers-inventory?page=${page}&page-size=2000&sort=id:asc`, token);
      seen.push(...r.body.results.map((c) => c.id));
      if (seen.length >= r.body.totalCount) break;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen.slice(0, 3)).toEqual(['1', '2', '3']);
  });

  it('uses 2000 as the default cap and 100 as the default page size', async () => {
    const { s, token } = await start(2100);
    expect((await getJson<Page>(s, '/api/v1/computers-inventory?page-size=5000', token)).body.results).toHaveLength(2000);
    const dflt = await getJson<Page>(s, '/api/v1/computers-inventory', token);
    expect(dflt.body.results).toHaveLength(100);
    expect(dflt.body.totalCount).toBe(2100);
  });

  it('returns an empty page with the real totalCount past the end', async () => {
    const { s, token } = await start(30);
    expect((await getJson<Page>(s, '/api/v1/computers-inventory?page=5&page-size=10', token)).body).toEqual({ totalCount: 30, results: [] });
  });

  it('sorts by general.name by default and honours sort=id:desc', async () => {
    const { s, token } = await start(40);
    const byName = (await getJson<Page>(s, '/api/v1/computers-inventory?page-size=40', token)).body.results.map((c) => c.general!.name.toLowerCase());
    expect(byName).toEqual([...byName].sort());
    const desc = (await getJson<Page>(s, '/api/v1/computers-inventory?page-size=3&sort=id:desc', token)).body.results.map((c) => c.id);
    expect(desc).toEqual(['40', '39', '38']);
  });

  it('filters with id=in=(…) and reports the filtered totalCount', async () => {
    const { s, token } = await start(50);
    const r = await getJson<Page>(s, `/api/v1/computers-inventory?filter=${encodeURIComponent('id=in=(3,7,11)')}&sort=id:asc`, token);
    expect(r.body.totalCount).toBe(3);
    expect(r.body.results.map((c) => c.id)).toEqual(['3', '7', '11']);
  });

  it('refuses bad paging values and filters on fields Jamf does not allow (hardware.altMacAddress)', async () => {
    const { s, token } = await start(5);
    expect((await request(s, '/api/v1/computers-inventory?page-size=0', { token })).status).toBe(400);
    expect((await request(s, '/api/v1/computers-inventory?page=-1', { token })).status).toBe(400);
    expect((await request(s, '/api/v1/computers-inventory?page=abc', { token })).status).toBe(400);
    const alt = await request(s, `/api/v1/computers-inventory?filter=${encodeURIComponent('hardware.altMacAddress=="aa:bb:cc:dd:ee:ff"')}`, { token });
    expect(alt.status).toBe(400);
    expect(alt.json).toMatchObject({ httpStatus: 400, errors: [{ field: 'hardware.altMacAddress' }] });
    expect((await request(s, '/api/v1/computers-inventory?sort=nonsense:asc', { token })).status).toBe(400);
    expect((await request(s, '/api/v1/computers-inventory?section=NOT_A_SECTION', { token })).status).toBe(400);
  });

  it('pages the mobile smart-group membership rows with the same cap', async () => {
    server = await startMockJamf({ state: createSeededState({ computers: 0, mobileDevices: 40 }), pageSizeCap: 7 });
    const token = await clientToken(server);
    const group = server.state.group('mobile', 'All Managed Mobile Devices')!;
    const r = await getJson<{ totalCount: number; results: unknown[] }>(server, `/api/v2/mobile-device-groups/smart-group-membership/${group.id}?page-size=100`, token);
    expect(r.body.totalCount).toBe(group.members.size);
    expect(r.body.results).toHaveLength(7);
  });
});
