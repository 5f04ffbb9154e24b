import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf, type MockJamfOptions } from '../../src/mock-jamf/index.js';
import { clientToken, request } from './helpers.js';

let server: MockJamf | undefined;
async function start(o: MockJamfOptions = {}): Promise<{ s: MockJamf; token: string }> {
  server = await startMockJamf({ seed: { computers: 5, mobileDevices: 2 }, ...o });
  return { s: server, token: await clientToken(server) };
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const INVENTORY = '/api/v1/computers-inventory';

describe('fault injection', () => {
  it('answers 429 with Retry-After on one path only, for as many requests as asked', async () => {
    const { s, token } = await start();
    s.injectFault({ path: INVENTORY, status: 429, retryAfterSeconds: 7, times: 2 });
    const first = await request(s, `${INVENTORY}?page=0`, { token });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await request(s, '/api/v3/computer-groups/smart-groups', { token })).status).toBe(200);
    expect((await request(s, INVENTORY, { token })).status).toBe(429);
    expect((await request(s, INVENTORY, { token })).status).toBe(200);
    expect(s.faults.active).toHaveLength(0);
  });

  it('runs a 5xx storm for N requests, then recovers; 500 is an ApiError, 502/503 are gateway pages', async () => {
    const { s, token } = await start({ faults: [{ path: '/api/v1/computers-*', status: 503, times: 3 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(s, INVENTORY, { token })).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
    s.injectFault({ status: 500, times: 1 });
    const e500 = await request(s, INVENTORY, { token });
    expect(e500.json).toMatchObject({ httpStatus: 500, errors: [{ code: 'INTERNAL_SERVER_ERROR' }] });
    s.injectFault({ status: 502, times: 1 });
    const e502 = await request(s, INVENTORY, { token });
    expect(e502.status).toBe(502);
    expect(e502.text).toContain('502 Bad Gateway');
  });

  it('can let the first requests through (skip) and match by method and RegExp', async () => {
    const { s, token } = await start();
    s.injectFault({ path: /smart-group-membership/, method: 'GET', status: 500, skip: 1, times: 1 });
    const path = '/api/v3/computer-groups/smart-group-membership/1';
    const seq = [];
    for (let i = 0; i < 3; i++) seq.push((await request(s, path, { token })).status);
    expect(seq).toEqual([200, 500, 200]);
  });

  it('applies to the token endpoint too (by route template or exact path)', async () => {
    server = await startMockJamf({ faults: [{ path: '/api/oauth/token', status: 503, times: 1 }] });
    await expect(clientToken(server)).rejects.toThrow(/503/);
    await expect(clientToken(server)).resolves.toEqual(expect.any(String));
  });

  it('drops the connection without an answer', async () => {
    const { s, token } = await start();
    s.injectFault({ path: INVENTORY, drop: true, times: 1 });
    await expect(request(s, INVENTORY, { token })).rejects.toThrow();
    expect((await request(s, INVENTORY, { token })).status).toBe(200);
    expect(s.state.traffic.requests.find((r) => r.fault === 'drop')).toMatchObject({ path: INVENTORY, status: 0 });
  });

  it('delays answers by latencyMs plus a per-path delay', async () => {
    const { s, token } = await start();
    s.injectFault({ path: INVENTORY, delayMs: 150 });
    const t0 = performance.now();
    expect((await request(s, INVENTORY, { token })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    s.clearFaults();
    s.options.latencyMs = 120;
    const t1 = performance.now();
    await request(s, '/api/v1/jamf-pro-version', { token });
    expect(performance.now() - t1).toBeGreaterThanOrEqual(115);
  });

  it('records faulted requests in the traffic log', async () => {
    const { s, token } = await start();
    s.state.traffic.reset();
    s.injectFault({ path: INVENTORY, status: 503, times: 1 });
    await request(s, INVENTORY, { token });
    expect(s.state.traffic.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: INVENTORY, route: INVENTORY, status: 503, fault: 'status' }),
    ]);
  });

  it('refuses a rule that would do nothing', async () => {
    await expect(startMockJamf({ faults: [{ path: '/x' }] })).rejects.toThrow(/status, drop or delayMs/);
  });
});
