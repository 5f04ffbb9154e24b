// A policy reload and the live sessions it changes: by default they keep their outcome until they authenticate
// again and the log names them; with coa.on_policy_change: reauthorize each one gets exactly one CoA now, and
// sessions whose outcome is unchanged get nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { PacketCode, encodePacket, signZeroedRequest } from '../../src/radius/index.js';
import { SessionStore } from '../../src/store/sessions.js';
import { tempDir } from '../jamf-e2e/harness.js';
import { TestNas, attributeText } from '../support/test-nas.js';
import { TEST_SECRET, editConfigFile, startTestServer, type TestServer } from '../support/test-server.js';
import { accessRequest, exchange, intAttr, textAttr } from '../support/udp-client.js';

const OFFICE = Array.from({ length: 12 }, (_, i) => `02:20:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`);
const PRINTERS = Array.from({ length: 4 }, (_, i) => `02:30:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`);

const policy = (officeVlan: number) => ({
  labels: { office: { method: 'mab', mac: OFFICE }, printers: { method: 'mab', mac: PRINTERS } },
  rules: [
    { name: 'office', match: ['office'], action: 'allow', apply: { vlan: officeVlan } },
    { name: 'printers', match: ['printers'], action: 'allow', apply: { vlan: 40 } },
  ],
});

const text = textAttr;
const int = intAttr;
const csid = (mac: string) => mac.toUpperCase().replace(/:/g, '-');
const bare = (mac: string) => mac.replace(/:/g, '');

let nas: TestNas;
let t: TestServer;
let logFile: string;

function reloadWith(edit: (c: Record<string, any>) => void): void {
  editConfigFile(t.configFile, edit);
  expect(t.server.reload()).toBeUndefined();
}
const logged = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

beforeAll(async () => {
  nas = await TestNas.start(TEST_SECRET);
  logFile = join(tempDir(), 'server.log');
  t = await startTestServer((c) => {
    c.clients = [{ name: 'switch-b', address: '127.0.0.1', secret: TEST_SECRET, vendor: 'generic', coa_port: nas.port }];
    c.policy = policy(10);
    c.coa = { timeout_seconds: 0.3, retries: 1 };
  }, { watch: false, log: createLogger({ level: 'info', destination: logFile, sync: true }) });
  const all = [...OFFICE, ...PRINTERS];
  const auth = all.map((m, j) => accessRequest(TEST_SECRET, bare(m), bare(m), { id: j, extra: [text(31, csid(m)), int(61, 15)] }));
  const replies = await exchange(t.authPort, auth, 800);
  expect(replies.filter((r) => r[0] === PacketCode.AccessAccept)).toHaveLength(all.length);
  const starts = all.map((m, j) => signZeroedRequest(encodePacket({
    code: PacketCode.AccountingRequest, identifier: j, authenticator: Buffer.alloc(16),
    attributes: [int(40, 1), text(44, `P-${bare(m)}`), text(31, csid(m)), text(1, bare(m)), text(32, 'switch-b'), int(85, 600)],
  }), Buffer.from(TEST_SECRET)));
  expect(await exchange(t.acctPort, starts, 800)).toHaveLength(all.length);
  expect(new SessionStore(t.server.db).list({ status: 'open', limit: 100 })).toHaveLength(all.length);
}, 30_000);

afterAll(async () => {
  await t?.stop();
  await nas?.close();
});

it('by default a policy change leaves live sessions alone and the log counts and names them', async () => {
  reloadWith((c) => {
    c.policy = policy(20);
  });
  await t.server.reauthorizer.idle();
  expect(nas.requests).toHaveLength(0);
  expect(logged()).toContain(`12 live session(s) would get another outcome; they keep the old one until they authenticate again`);
  expect(logged()).toContain(OFFICE[0]);
});

it('with on_policy_change: reauthorize, each changed session gets one CoA with the new VLAN; unchanged ones none', async () => {
  reloadWith((c) => {
    c.coa.on_policy_change = 'reauthorize';
    c.policy = policy(30);
  });
  await t.server.reauthorizer.idle();
  const got = nas.distinct;
  expect(got).toHaveLength(OFFICE.length);
  expect(new Set(got.map((r) => r.code))).toEqual(new Set([PacketCode.CoaRequest]));
  expect(new Set(got.map((r) => attributeText(r, 31)))).toEqual(new Set(OFFICE.map(csid)));
  expect(got.every((r) => attributeText(r, 81)?.endsWith('30'))).toBe(true);
  expect(logged()).toContain('re-authorizing 12 live session(s) whose outcome changed');
  const coaLog = t.server.db.prepare('SELECT reason FROM coa_log').pluck().all() as string[];
  expect(coaLog).toHaveLength(OFFICE.length);
  expect(coaLog[0]).toMatch(/^policy [0-9a-f]+ → [0-9a-f]+: rule "office" → "office"$/);

  // The same policy saved again: nothing new to send.
  nas.requests.length = 0;
  reloadWith((c) => {
    c.policy = policy(30);
  });
  await t.server.reauthorizer.idle();
  expect(nas.requests).toHaveLength(0);
});
