import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthLog, type AuthDecision } from '../../src/store/auth-log.js';
import { openDatabase, type Db } from '../../src/store/db.js';

let dir: string;
let path: string;
const open: Db[] = [];
const db = (options?: Parameters<typeof openDatabase>[1]) => {
  const d = openDatabase(path, options);
  open.push(d);
  return d;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-authlog-'));
  path = join(dir, 'store.db');
});
afterEach(() => {
  for (const d of open.splice(0)) d.close();
  rmSync(dir, { recursive: true, force: true });
});

const MAC_A = 'aa:aa:aa:00:00:01';
const MAC_B = 'bb:bb:bb:00:00:02';
const decision = (i: number, mac: string, extra: Partial<AuthDecision> = {}): AuthDecision => ({
  time: 1_700_000_000_000 + i, nasName: 'ap-1', nasIp: '10.0.0.1', mac, userName: mac.replaceAll(':', ''),
  method: 'mab', result: i % 3 === 0 ? 'reject' : 'accept', reason: `decision ${i}`, ...extra,
});

describe('AuthLog', () => {
  it('writes every queued decision on flush, with its fields', () => {
    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000 });
    for (let i = 0; i < 200; i++) log.record(decision(i, i % 2 ? MAC_A : MAC_B, i === 7 ? { details: { rule: 'x' } } : {}));
    expect(log.list({ limit: 1000 })).toHaveLength(0);
    log.flush();
    const rows = log.list({ limit: 1000 });
    expect(rows).toHaveLength(200);
    expect(rows[0]).toMatchObject({ time: 1_700_000_000_199, nas_name: 'ap-1', nas_ip: '10.0.0.1', mac: MAC_A, method: 'mab', reason: 'decision 199' });
    expect(rows.find((r) => r.reason === 'decision 7')?.details).toBe('{"rule":"x"}');
    expect(rows.find((r) => r.reason === 'decision 9')?.result).toBe('reject');
  });

  it('stores details given as JSON text as they are, in preference to a details object', () => {
    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000 });
    log.record(decision(1, MAC_A, { detailsJson: '{"policy":{"rule":"printers"}}', details: { ignored: true } }));
    log.record(decision(2, MAC_A, { detailsJson: '{"request":{"method":"mab"}}' }));
    log.flush();
    expect(log.list({ limit: 10 }).map((r) => r.details)).toEqual(['{"request":{"method":"mab"}}', '{"policy":{"rule":"printers"}}']);
  });

  it('writes by itself when maxPending decisions are waiting', () => {
    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000, maxPending: 10 });
    for (let i = 0; i < 25; i++) log.record(decision(i, MAC_A));
    expect(log.list({ limit: 100 })).toHaveLength(20);
  });

  it('finds a MAC newest first in merged and not yet merged rows alike', () => {
    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000 });
    for (let i = 0; i < 300; i++) log.record(decision(i, i % 3 === 0 ? MAC_A : MAC_B));
    log.flush();
    log.mergeByMac();
    for (let i = 300; i < 330; i++) log.record(decision(i, i % 3 === 0 ? MAC_A : MAC_B));
    log.flush();
    const a = log.list({ mac: MAC_A, limit: 1000 });
    expect(a).toHaveLength(110);
    expect(a.every((r) => r.mac === MAC_A)).toBe(true);
    expect(a.map((r) => r.time)).toEqual([...a.map((r) => r.time)].sort((x, y) => y - x));
    expect(a[0].reason).toBe('decision 327');
    expect(log.list({ mac: MAC_A, limit: 3 }).map((r) => r.reason)).toEqual(['decision 327', 'decision 324', 'decision 321']);
    expect(log.list({ mac: MAC_B, user: MAC_B.replaceAll(':', ''), limit: 2 }).map((r) => r.reason)).toEqual(['decision 329', 'decision 328']);
    expect(log.list({ mac: MAC_A, user: 'someone-else' })).toEqual([]);
  });

  it('answers the same by MAC before and after a merge', () => {
    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) log.record(decision(i, i % 2 ? MAC_A : MAC_B));
    log.flush();
    const before = log.list({ mac: MAC_B, limit: 7 });
    log.mergeByMac();
    expect(log.list({ mac: MAC_B, limit: 7 })).toEqual(before);
    log.mergeByMac();
    expect(log.list({ mac: MAC_B, limit: 100 })).toHaveLength(50);
  });

  it('prunes old rows from the log and from the by-MAC lookup', () => {
    const store = db({ synchronous: 'normal' });
    const log = new AuthLog(store, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) log.record(decision(i, i % 2 ? MAC_A : MAC_B));
    log.flush();
    log.mergeByMac();
    expect(log.prune(1_700_000_000_000 + 60)).toBe(60);
    expect(log.list({ limit: 1000 })).toHaveLength(40);
    expect(log.list({ mac: MAC_A, limit: 1000 })).toHaveLength(20);
    expect((store.prepare('SELECT count(*) AS n FROM auth_log_by_mac').get() as { n: number }).n).toBe(40);
  });

  it('is readable by MAC from a read-only connection (the CLI) while the server writes', () => {
    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) log.record(decision(i, MAC_A));
    log.flush();
    const reader = new AuthLog(db({ readonly: true }));
    expect(reader.list({ mac: MAC_A })).toHaveLength(10);
  });

  it('keeps the decisions of a store made before the by-MAC table existed', () => {
    // A store as the first schema version left it, with the by-MAC index inside auth_log.
    const v1 = new Database(path);
    v1.exec(`CREATE TABLE auth_log (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, nas_name TEXT NOT NULL, nas_ip TEXT, mac TEXT,
      user_name TEXT, method TEXT NOT NULL, result TEXT NOT NULL CHECK (result IN ('accept', 'reject')), reason TEXT NOT NULL, details TEXT);
      CREATE INDEX auth_log_time ON auth_log (time);
      CREATE INDEX auth_log_mac ON auth_log (mac, time);
      PRAGMA user_version = 1;`);
    const insert = v1.prepare('INSERT INTO auth_log (time, nas_name, mac, method, result, reason) VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 5; i++) insert.run(1000 + i, 'ap-1', i < 3 ? MAC_A : MAC_B, 'mab', 'accept', `old ${i}`);
    v1.close();

    // The CLI may look before the server has upgraded the store.
    expect(new AuthLog(db({ readonly: true })).list({ mac: MAC_A }).map((r) => r.reason)).toEqual(['old 2', 'old 1', 'old 0']);

    const log = new AuthLog(db({ synchronous: 'normal' }), { flushIntervalMs: 60_000 });
    expect(log.list({ mac: MAC_A }).map((r) => r.reason)).toEqual(['old 2', 'old 1', 'old 0']);
    log.record(decision(1, MAC_A));
    log.flush();
    expect(log.list({ mac: MAC_A }).map((r) => r.reason)).toEqual(['decision 1', 'old 2', 'old 1', 'old 0']);
  });
});
