import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDatabase } from '../../src/store/db.js';
import { SessionStore, type AccountingEvent, type SessionRow } from '../../src/store/sessions.js';
import { CLI } from '../support/child-server.js';
import { run } from '../support/peers.js';
import { TestNas, attributeText, authenticOnly } from '../support/test-nas.js';
import { SECRET } from './helpers.js';

// `portcullis coa disconnect|reauth` as a real process (dist/) against the test NAS, and `portcullis sessions`
// showing the recorded result. The CLI runs asynchronously: the NAS answers from this process.

let dir: string;
let configFile: string;
let nas: TestNas;
let dbPath: string;

const event = (acctSessionId: string, mac: string, extra: Partial<AccountingEvent> = {}): AccountingEvent => ({
  nasName: 'sw-1', nasIp: '127.0.0.1', nasIdentifier: 'sw-1', statusType: 1, acctSessionId, userName: 'alice',
  callingStationId: mac.replace(/:/g, '-').toUpperCase(), mac, eventTime: Math.floor(Date.now() / 1000), ...extra,
});

const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '-c', configFile], '', 20_000);

function rows(): SessionRow[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return new SessionStore(db).list();
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  nas = await TestNas.start(SECRET, authenticOnly((req) => {
    const id = attributeText(req, 44);
    if (id === 'GONE') return { type: 'nak', errorCause: 503 };
    if (id === 'MUTE') return { type: 'drop' };
    if (req.code === 43) return { type: 'nak', errorCause: 401 };
    return { type: 'ack' };
  }));
  dir = mkdtempSync(join(tmpdir(), 'portcullis-coa-cli-'));
  dbPath = join(dir, 'portcullis.db');
  configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify({
    store: { path: dbPath, synchronous: 'normal' },
    clients: [
      { name: 'sw-1', address: '127.0.0.1', secret: 'the-auth-secret-1234', coa_secret: SECRET, coa_port: nas.port, vendor: 'cisco' },
    ],
    coa: { timeout_seconds: 0.1, retries: 1, per_second: 100 },
  }));
  const db = openDatabase(dbPath);
  const store = new SessionStore(db);
  store.apply(event('AAAA000000000001', '02:00:00:00:00:01'));
  store.apply(event('AAAA000000000002', '02:00:00:00:00:02'));
  store.apply(event('GONE', '02:00:00:00:00:03'));
  store.apply(event('MUTE', '02:00:00:00:00:04'));
  store.apply(event('AAAA000000000009', '02:00:00:00:00:02', { statusType: 2 })); // closed: never sent to
  db.close();
});

afterAll(async () => {
  await nas?.close();
});

describe('portcullis coa', () => {
  it('disconnect --mac: one line per open session, ACK, exit 0, recorded on the session', async () => {
    const r = await cli('coa', 'disconnect', '--mac', '0200.0000.0001');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^disconnect sw-1 127\\.0\\.0\\.1:${nas.port} session AAAA000000000001 mac 02:00:00:00:00:01: ACK \\[1 attempt, \\d+ ms\\]$`));
    const row = rows().find((x) => x.acct_session_id === 'AAAA000000000001')!;
    expect(row).toMatchObject({ coa_action: 'disconnect', coa_result: 'ack', coa_error_cause: null });
    expect(Math.abs(row.coa_at! - Date.now())).toBeLessThan(60_000);
    // The coa_secret was used, not the auth secret (the NAS drops anything else).
    expect(nas.requests.at(-1)).toMatchObject({ code: 40, authentic: true });
  });

  it('reauth --session on a Cisco NAS: CoA NAK 401, then Disconnect ACK, and the line says so', async () => {
    const r = await cli('coa', 'reauth', '--session', 'AAAA000000000002');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reauth sw-1');
    expect(r.stdout).toContain('ACK via disconnect (coa-reauthenticate NAK Unsupported Attribute (401))');
    expect(nas.requests.slice(-2).map((q) => q.code)).toEqual([43, 40]);
  });

  it('a NAK is printed in words and exits 1; `sessions` shows it as the last CoA', async () => {
    const r = await cli('coa', 'disconnect', '--session', 'GONE');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NAK Session Context Not Found (503)');
    const table = await cli('sessions');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/LAST-COA/);
    expect(table.stdout.split('\n').find((l) => l.includes('GONE'))).toMatch(/Z disconnect NAK Session Context Not Found \(503\)$/);
    const json = JSON.parse((await cli('sessions', '--json')).stdout) as SessionRow[];
    expect(json.find((x) => x.acct_session_id === 'GONE')).toMatchObject({ coa_result: 'nak', coa_error_cause: 503, coa_action: 'disconnect' });
  });

  it('no answer: TIMEOUT after 1 + retries attempts, exit 1', async () => {
    const r = await cli('coa', 'disconnect', '--session', 'MUTE');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TIMEOUT after 2 attempts/);
    expect(rows().find((x) => x.acct_session_id === 'MUTE')).toMatchObject({ coa_result: 'timeout' });
  });

  it('no open session, or no selector: a clear message and exit 1; nothing sent', async () => {
    const before = nas.requests.length;
    const none = await cli('coa', 'disconnect', '--mac', '02:00:00:00:00:77');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no open session for MAC 02:00:00:00:00:77');
    const bare = await cli('coa', 'disconnect');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('--mac <mac> or --session <Acct-Session-Id>');
    expect(nas.requests.length).toBe(before);
  });
});
