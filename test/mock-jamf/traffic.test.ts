import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, request } from './helpers.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** One GET on its own TCP connection (no agent), so N in parallel means N connections. */
function getOwnConnection(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('traffic counters', () => {
  it('counts requests per route so a test can assert exactly one lookup', async () => {
    server = await startMockJamf({ seed: { computers: 5, mobileDevices: 0 } });
    const token = await clientToken(server);
    server.state.traffic.reset();
    await request(server, '/api/v3/computer-groups/smart-group-membership/2', { token });
    await request(server, '/api/v3/computer-groups/smart-groups?filter=name%3D%3D%22x%22', { token });
    const t = server.state.traffic;
    expect(t.count({ route: '/api/v3/computer-groups/smart-group-membership/{id}' })).toBe(1);
    expect(t.count({ path: '/api/v3/computer-groups/smart-groups' })).toBe(1);
    expect(t.count({ path: /computer-groups/ })).toBe(2);
    expect(t.count({ method: 'POST' })).toBe(0);
    expect(t.total).toBe(2);
    expect(t.requests[1]).toMatchObject({ query: 'filter=name%3D%3D%22x%22', status: 200, principal: 'mock-client' });
  });

  it('records the high-water mark of concurrent connections and requests', async () => {
    server = await startMockJamf({ seed: { computers: 3, mobileDevices: 0 }, latencyMs: 200 });
    const token = await clientToken(server);
    server.state.traffic.reset();
    const url = `${server.url}/api/v1/jamf-pro-version`;
    const statuses = await Promise.all(Array.from({ length: 7 }, () => getOwnConnection(url, token)));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(server.state.traffic.maxConcurrentRequests).toBe(7);
    expect(server.state.traffic.maxConcurrentConnections).toBeGreaterThanOrEqual(7);
    expect(server.state.traffic.inFlightRequests).toBe(0);
  });

  it('keeps counting past the log limit while the log stays bounded', async () => {
    const { createSeededState } = await import('../../src/mock-jamf/index.js');
    server = await startMockJamf({ state: createSeededState({ computers: 1, requestLogLimit: 10 }) });
    const token = await clientToken(server);
    for (let i = 0; i < 25; i++) await request(server, '/api/v1/jamf-pro-version', { token });
    expect(server.state.traffic.total).toBe(26);
    expect(server.state.traffic.requests.length).toBeLessThanOrEqual(10);
    expect(server.state.traffic.requests.at(-1)!.seq).toBe(26);
  });
});
