// The store going stale over time and fresh again: one event per device whose answer changed, at the moment
// it changed, never a duplicate (fake timers; the store reads Date.now, which they replace).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PostureStore } from '../../src/posture/store.js';
import type { DeviceRecord, PostureState } from '../../src/posture/types.js';
import { device, recordEvents, udid } from './fixtures.js';

const STALE_MS = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_800_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('staleness events', () => {
  it('turns every device stale at the moment the limit passes, once', () => {
    const store = new PostureStore({ staleAfterMs: STALE_MS });
    store.applySnapshot([device(1, true), device(2, false)], 1);
    const { brief } = recordEvents(store);
    vi.advanceTimersByTime(STALE_MS);
    expect(brief()).toEqual([]);
    expect(store.byUdid(udid(1)).state).toBe('compliant');
    vi.advanceTimersByTime(1);
    expect(brief()).toEqual([[udid(1), 'compliant', 'stale', 'staleness'], [udid(2), 'non-compliant', 'stale', 'staleness']]);
    expect(store.byUdid(udid(1))).toMatchObject({ state: 'stale', lastKnown: 'compliant' });
    vi.advanceTimersByTime(10 * STALE_MS);
    expect(brief()).toHaveLength(2);
    store.close();
  });

  it('a sync after that emits one event per device whose answer changed, then the timer runs again', () => {
    const store = new PostureStore({ staleAfterMs: STALE_MS });
    store.applySnapshot([device(1, true), device(2, true), device(3, false)], 1);
    vi.advanceTimersByTime(STALE_MS + 1);
    const { brief } = recordEvents(store);
    store.applySnapshot([device(1, false), device(2, true), device(4, true)], 1);
    expect(brief()).toEqual([
      [udid(1), 'stale', 'non-compliant', 'poll'],
      [udid(2), 'stale', 'compliant', 'poll'],
      [udid(4), 'unknown', 'compliant', 'poll'],
      [udid(3), 'stale', 'unknown', 'poll'],
    ]);
    vi.advanceTimersByTime(STALE_MS + 1);
    expect(brief().slice(4)).toEqual([
      [udid(1), 'non-compliant', 'stale', 'staleness'],
      [udid(2), 'compliant', 'stale', 'staleness'],
      [udid(4), 'compliant', 'stale', 'staleness'],
    ]);
    store.close();
  });

  it('a sync before the limit emits nothing for unchanged devices and restarts the clock; a failed one does not', () => {
    const store = new PostureStore({ staleAfterMs: STALE_MS });
    store.applySnapshot([device(1, true)], 1);
    const { brief } = recordEvents(store);
    vi.advanceTimersByTime(30_000);
    store.applySnapshot([device(1, true)], 1);
    vi.advanceTimersByTime(40_000); // 70 s after the first sync, 40 s after the second
    expect(brief()).toEqual([]);
    store.recordFailure('Jamf down', 5);
    vi.advanceTimersByTime(20_001);
    expect(brief()).toEqual([[udid(1), 'compliant', 'stale', 'staleness']]);
    store.close();
  });

  it('a device learned while the store is stale is stale too; a known one stays stale with its new lastKnown', () => {
    const store = new PostureStore({ staleAfterMs: STALE_MS });
    store.applySnapshot([device(1, true)], 1);
    vi.advanceTimersByTime(STALE_MS + 1);
    const { brief } = recordEvents(store);
    store.applyDevice(device(1, false), 'lookup');
    store.applyDevice(device(1, false), 'lookup');
    store.applyDevice(device(2, true), 'lookup');
    expect(brief()).toEqual([[udid(1), 'stale', 'stale', 'lookup'], [udid(2), 'unknown', 'stale', 'lookup']]);
    expect(store.byUdid(udid(1))).toMatchObject({ state: 'stale', lastKnown: 'non-compliant' });
    store.close();
  });

  it('waits out a limit longer than one timer can (setTimeout caps at ~24.8 days)', () => {
    const days = 30;
    const store = new PostureStore({ staleAfterMs: days * 86_400_000 });
    store.applySnapshot([device(1, true)], 1);
    const { brief } = recordEvents(store);
    vi.advanceTimersByTime(25 * 86_400_000);
    expect(brief()).toEqual([]);
    vi.advanceTimersByTime(5 * 86_400_000 + 1);
    expect(brief()).toEqual([[udid(1), 'compliant', 'stale', 'staleness']]);
    store.close();
  });

  it('close() stops the timer', () => {
    const store = new PostureStore({ staleAfterMs: STALE_MS });
    store.applySnapshot([device(1, true)], 1);
    const { brief } = recordEvents(store);
    expect(vi.getTimerCount()).toBe(1);
    store.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2 * STALE_MS);
    expect(brief()).toEqual([]);
  });

  it('over any sequence of syncs, lookups, signals, failures and time: each event continues the last one, and the last one is the answer', () => {
    // A device is (n, compliant, v): UDID n under Jamf id n + 100·v — two Jamf records for one UDID happen.
    type Op =
      | { op: 'sync'; devices: [number, boolean, number][] }
      | { op: 'lookup' | 'signal'; n: number; compliant: boolean }
      | { op: 'fail' }
      | { op: 'wait'; ms: number };
    const ids = fc.integer({ min: 1, max: 5 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('sync' as const), devices: fc.array(fc.tuple(ids, fc.boolean(), fc.integer({ min: 0, max: 1 })), { maxLength: 7 }) }),
      fc.record({ op: fc.constantFrom('lookup' as const, 'signal' as const), n: ids, compliant: fc.boolean() }),
      fc.constant({ op: 'fail' as const }),
      fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2 * STALE_MS }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const store = new PostureStore({ staleAfterMs: STALE_MS });
        const told = new Map<string, PostureState>();
        const seen = new Map<string, string>();
        const visible = (d: DeviceRecord | undefined) => JSON.stringify([d?.state, d?.compliantGroups]);
        store.on('change', (e) => {
          const key = e.udid ?? e.key;
          expect(e.from).toBe(told.get(key) ?? 'unknown');
          // The same state on both sides only when what policy sees of the record moved.
          if (e.from === e.to) expect(visible(e.device)).not.toBe(seen.get(key));
          told.set(key, e.to);
          seen.set(key, visible(e.device));
        });
        for (const o of ops) {
          if (o.op === 'sync') {
            store.applySnapshot(o.devices.map(([n, c, v]) => device(n, c, { jamfId: String(n + 100 * v) })), 1);
            expect(new Set([...store.records()].map((r) => r.udid))).toEqual(new Set(o.devices.map(([n]) => udid(n))));
          } else if (o.op === 'lookup') store.applyDevice(device(o.n, o.compliant), 'lookup');
          else if (o.op === 'signal') store.applySignal({ udid: udid(o.n) }, o.compliant ? 'compliant' : 'non-compliant', 'signal');
          else if (o.op === 'fail') store.recordFailure('down', 1);
          else if (o.op === 'wait') vi.advanceTimersByTime(o.ms);
          for (let n = 1; n <= 5; n++) expect(store.byUdid(udid(n)).state).toBe(told.get(udid(n)) ?? 'unknown');
          expect(store.size).toBe(new Set([...store.records()].map((r) => r.udid)).size); // one record per UDID
        }
        store.close();
      }),
      { numRuns: 200 },
    );
  });
});
