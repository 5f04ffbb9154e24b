import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, spawnServer } from '../support/child-server.js';
import { radclient, requirePeer, run } from '../support/peers.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// Accounting (RFC 2866) proven with radclient; durability proven by SIGKILL right after the responses.

const acct = (status: string, extra = '') =>
  `Acct-Status-Type = ${status}\nAcct-Session-Id = "0123456789ABCDEF"\nUser-Name = "DEVICE-UDID"\n` +
  `Calling-Station-Id = "02-00-00-00-80-01"\nNAS-IP-Address = 127.0.0.1\nNAS-Identifier = "sw-lab-1"\n` +
  `NAS-Port-Type = Ethernet\nFramed-IP-Address = 10.9.8.7\n${extra}`;

function sessionsJson(configFile: string, args: string[] = []): Record<string, unknown>[] {
  return JSON.parse(execFileSync(process.execPath, [CLI, 'sessions', '-c', configFile, '--json', ...args], { encoding: 'utf8' }));
}

describe('accounting with radclient', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('Start, Interim-Update and Stop appear in `portcullis sessions`', async () => {
    const start = await radclient(t.acctPort, 'acct', TEST_SECRET, acct('Start'));
    expect(start.stdout).toContain('Received Accounting-Response');
    let rows = sessionsJson(t.configFile);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ acct_session_id: '0123456789ABCDEF', mac: '02:00:00:00:80:01', status: 'open', nas_identifier: 'sw-lab-1', framed_ip: '10.9.8.7' });

    const interim = await radclient(t.acctPort, 'acct', TEST_SECRET, acct('Interim-Update', 'Acct-Session-Time = 600\nAcct-Input-Octets = 5\nAcct-Input-Gigawords = 2\nAcct-Output-Octets = 7000\n'));
    expect(interim.stdout).toContain('Received Accounting-Response');
    rows = sessionsJson(t.configFile);
    expect(rows[0]).toMatchObject({ session_time: 600, input_octets: 2 * 2 ** 32 + 5, output_octets: 7000, status: 'open' });

    const stop = await radclient(t.acctPort, 'acct', TEST_SECRET, acct('Stop', 'Acct-Session-Time = 900\nAcct-Terminate-Cause = User-Request\n'));
    expect(stop.stdout).toContain('Received Accounting-Response');
    expect(sessionsJson(t.configFile)).toHaveLength(0);
    rows = sessionsJson(t.configFile, ['--all']);
    expect(rows[0]).toMatchObject({ status: 'closed', session_time: 900, terminate_cause: 'User-Request' });

    const table = execFileSync(process.execPath, [CLI, 'sessions', '-c', t.configFile, '--all'], { encoding: 'utf8' });
    expect(table).toMatch(/0123456789ABCDEF.*closed/);
  });

  it('Accounting-On closes every open session of that NAS', async () => {
    for (const id of ['AAAA000000000001', 'AAAA000000000002']) {
      await radclient(t.acctPort, 'acct', TEST_SECRET, acct('Start').replace('0123456789ABCDEF', id));
    }
    expect(sessionsJson(t.configFile).length).toBe(2);
    const on = await radclient(t.acctPort, 'acct', TEST_SECRET, 'Acct-Status-Type = Accounting-On\nNAS-IP-Address = 127.0.0.1\nNAS-Identifier = "sw-lab-1"\n');
    expect(on.stdout).toContain('Received Accounting-Response');
    expect(sessionsJson(t.configFile)).toHaveLength(0);
  });

  it('drops an Accounting-Request signed with the wrong secret', async () => {
    const r = await radclient(t.acctPort, 'acct', 'wrong-secret', acct('Start'));
    expect(r.stdout).not.toContain('Received');
    expect(t.server.acct.counters.dropped.bad_authenticator).toBeGreaterThanOrEqual(1);
  });
});

describe('durability', () => {
  it('loses no accounting record when the server is SIGKILLed right after radclient got its responses', async () => {
    requirePeer('radclient');
    const srv = await spawnServer((c) => {
      (c.store as Record<string, unknown>).synchronous = 'full';
    });
    try {
      const N = 300;
      let file = '';
      for (let i = 0; i < N; i++) {
        file += `Acct-Status-Type = Start\nAcct-Session-Id = "S${String(i).padStart(15, '0')}"\nUser-Name = "u${i}"\n` +
          `Calling-Station-Id = "02-00-00-00-${(i >> 8).toString(16).padStart(2, '0')}-${(i & 255).toString(16).padStart(2, '0')}"\nNAS-IP-Address = 127.0.0.1\n\n`;
      }
      const r = await run('radclient', ['-q', '-s', '-p', '64', '-r', '3', '-t', '2', `127.0.0.1:${srv.acctPort}`, 'acct', TEST_SECRET], file, 60_000);
      // radclient -s: summary; every packet must have had its Accounting-Response.
      expect(r.stdout).toMatch(/Accepted\s*:\s*300/);
      expect(r.stdout).toMatch(/Lost\s*:\s*0/);
      await srv.kill('SIGKILL');
      const db = new Database(join(srv.dir, 'portcullis.db'), { readonly: true });
      const n = (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
      db.close();
      expect(n).toBe(N);
    } finally {
      await srv.kill('SIGKILL');
    }
  });
});
