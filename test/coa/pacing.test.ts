import { afterEach, describe, expect, it } from 'vitest';
import { TestNas, authenticOnly, type NasRequest } from '../support/test-nas.js';
import { SECRET, client, closeClients, nasOf, session } from './helpers.js';

// Mass changes: pacing across NASes, and Identifier allocation when more requests are outstanding than one NAS has
// Identifiers. The clock is used only for loose bounds on the NAS side (arrivals per window), never for our speed.

const nases: TestNas[] = [];
afterEach(async () => {
  await closeClients();
  await Promise.all(nases.splice(0).map((n) => n.close()));
});

describe('pacing', () => {
  it('1,000 disconnects at 500/s over two NASes arrive spread over time at the configured rate, never as a burst', async () => {
    const a = await TestNas.start(SECRET);
    const b = await TestNas.start(SECRET);
    nases.push(a, b);
    const perSecond = 500;
    const burst = 50;
    const c = client({ perSecond, burst, timeoutMs: 2000 });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      c.disconnect(nasOf(i % 2 ? a : b), { ...session, acctSessionId: `S${i.toString(16).padStart(15, '0')}` })));
    expect(results.filter((r) => r.kind === 'ack')).toHaveLength(1000);
    const arrivals = [...a.requests, ...b.requests].filter((r) => r.copy === 1).map((r) => r.at).sort((x, y) => x - y);
    expect(arrivals).toHaveLength(1000);
    // At 500/s after a burst of 50, the last request cannot leave before (1000 - 50) / 500 s = 1.9 s.
    const spanMs = arrivals[999] - arrivals[0];
    expect(spanMs).toBeGreaterThan(1900 * 0.9);
    // No 250 ms window sees more than the rate allows plus the burst. The NAS reads its socket on this process's
    // event loop, so a stall bunches arrivals up: the bound allows a 250 ms stall. A storm puts 1,000 in one window.
    let worst = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i] - arrivals[j] > 250) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(perSecond * 0.5 + burst);
    // Each NAS got its requests in the order they were made (one socket to each, loopback keeps the order).
    const order = a.requests.map((r) => r.attributes.find((x) => x.type === 44)!.value.toString());
    expect(order.slice(0, 3)).toEqual(['S000000000000001', 'S000000000000003', 'S000000000000005']);
  });
});

describe('Identifier allocation', () => {
  it('600 concurrent requests to each of two slow NASes: never two outstanding with the same Identifier on one NAS', async () => {
    const outstanding = new Map<TestNas, Set<number>>();
    const maxOutstanding = new Map<TestNas, number>();
    const violations: string[] = [];
    const slow = authenticOnly((req: NasRequest, nas: TestNas) => {
      const ids = outstanding.get(nas)!;
      if (req.copy === 1) {
        if (ids.has(req.identifier)) violations.push(`${nas.port}: Identifier ${req.identifier} reused while outstanding`);
        ids.add(req.identifier);
        maxOutstanding.set(nas, Math.max(maxOutstanding.get(nas) ?? 0, ids.size));
      }
      return new Promise((resolve) => setTimeout(() => {
        ids.delete(req.identifier);
        resolve({ type: 'ack' });
      }, 100));
    });
    const a = await TestNas.start(SECRET, slow);
    const b = await TestNas.start(SECRET, slow);
    nases.push(a, b);
    outstanding.set(a, new Set()).set(b, new Set());
    const c = client({ perSecond: 100_000, burst: 10_000, timeoutMs: 1000, retries: 3 });
    const results = await Promise.all(Array.from({ length: 1200 }, (_, i) =>
      c.disconnect(nasOf(i % 2 ? a : b), { ...session, acctSessionId: `S${i}` })));
    expect(violations).toEqual([]);
    expect(results.filter((r) => r.kind !== 'ack').map((r) => r.kind)).toEqual([]);
    // All 256 Identifiers were in use at once on each NAS: the same Identifiers were outstanding on both.
    expect(maxOutstanding.get(a)).toBe(256);
    expect(maxOutstanding.get(b)).toBe(256);
    expect(a.distinct).toHaveLength(600);
    expect(b.distinct).toHaveLength(600);
  });
});
