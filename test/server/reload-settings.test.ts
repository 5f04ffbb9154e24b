// A SIGHUP or file-save reload applies changed push, CoA and log settings to the running server, secrets
// included: a new webhook password is in force at once (JSON alone prints every secret alike), CoA sends with the
// new timeout and retries, and a new log.level reaches every layer's logger.
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import type { PushReceiver } from '../../src/push/index.js';
import { createLogger } from '../../src/log/logger.js';
import { Secret } from '../../src/log/secret.js';
import { CLIENT_ID, CLIENT_SECRET, jamfSection, tempDir } from '../jamf-e2e/harness.js';
import { basic, post, WEBHOOK_PASSWORD, WEBHOOK_USER } from '../push/support.js';
import { editConfigFile, startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer | undefined;
let mock: MockJamf | undefined;
let silent: Socket | undefined;
afterEach(async () => {
  await t?.stop();
  await mock?.close();
  silent?.close();
  t = mock = silent = undefined;
});

async function nextReceiver(server: TestServer['server'], old: PushReceiver | undefined): Promise<PushReceiver> {
  for (let i = 0; i < 200; i++) {
    const now = server.push();
    if (now && now !== old) return now;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the push receiver was not restarted after the reload');
}

const emptyChange = JSON.stringify({
  webhook: { eventTimestamp: Date.now(), id: 1, name: 'nac', webhookEvent: 'SmartGroupComputerMembershipChange' },
  event: { computer: true, groupAddedDevices: [], groupAddedDevicesIds: [], groupRemovedDevices: [], groupRemovedDevicesIds: [], jssid: 1, name: 'x', smartGroup: true },
});

it('a new webhook password is in force after a reload, the old one is refused', async () => {
  mock = await startMockJamf({ seed: { seed: 3, computers: 5, mobileDevices: 0 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
  const dir = tempDir();
  t = await startTestServer((c) => {
    c.jamf = { ...jamfSection(mock!.url, dir), poll_interval_seconds: 86_400 };
    c.push = { listen: '127.0.0.1:0', jamf_webhook: { auth: { basic: { username: WEBHOOK_USER, password: WEBHOOK_PASSWORD } } } };
  }, { watch: false });
  const first = await nextReceiver(t.server, undefined);
  const url = (r: PushReceiver) => `${r.address.url}/jamf/webhook`;
  expect((await post(url(first), emptyChange, basic())).status).toBeLessThan(300);

  const changed = 'a-new-webhook-password-9876543210';
  editConfigFile(t.configFile, (c) => {
    c.push.jamf_webhook.auth.basic.password = changed;
  });
  expect(t.server.reload()).toBeUndefined();
  const second = await nextReceiver(t.server, first);
  expect((await post(url(second), emptyChange, basic(WEBHOOK_USER, WEBHOOK_PASSWORD))).status).toBe(401);
  expect((await post(url(second), emptyChange, basic(WEBHOOK_USER, changed))).status).toBeLessThan(300);
});

it('CoA sends with the reloaded timeout and retries', async () => {
  // A NAS that never answers: every datagram sent to it is counted.
  silent = createSocket('udp4');
  let received = 0;
  silent.on('message', () => received++);
  await new Promise<void>((r) => silent!.bind(0, '127.0.0.1', r));
  const port = silent.address().port;
  t = await startTestServer((c) => {
    c.coa = { timeout_seconds: 0.05, retries: 0 };
  }, { watch: false });
  const nas = { name: 'silent-nas', vendor: 'generic' as const, coaPort: port, coaSecret: new Secret('coa-secret-0123456789', 'inline') };
  const session = { nasIp: '127.0.0.1', acctSessionId: 'S-1', userName: 'u' };

  const before = await t.server.coa.disconnect(nas, session);
  expect(before).toMatchObject({ kind: 'timeout', attempts: 1 });
  expect(received).toBe(1);

  editConfigFile(t.configFile, (c) => {
    c.coa = { timeout_seconds: 0.05, retries: 2 };
  });
  expect(t.server.reload()).toBeUndefined();
  const after = await t.server.coa.disconnect(nas, session);
  expect(after).toMatchObject({ kind: 'timeout', attempts: 3 });
  expect(received).toBe(4);
});

it('a new log.level reaches the layers\' loggers (pino children keep their own level)', async () => {
  silent = createSocket('udp4');
  await new Promise<void>((r) => silent!.bind(0, '127.0.0.1', r));
  const dir = tempDir();
  const logFile = join(dir, 'server.log');
  const log = createLogger({ level: 'error', destination: logFile, sync: true });
  t = await startTestServer((c) => {
    c.log = { level: 'error' };
    c.coa = { timeout_seconds: 0.05, retries: 0 };
  }, { watch: false, log });
  const nas = { name: 'silent-nas', vendor: 'generic' as const, coaPort: silent.address().port, coaSecret: new Secret('coa-secret-0123456789', 'inline') };
  const session = { nasIp: '127.0.0.1', acctSessionId: 'S-2' };
  const logged = async () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  await t.server.coa.disconnect(nas, session); // a timeout is logged at warn by the CoA layer
  expect(await logged()).not.toContain('CoA disconnect: TIMEOUT');

  editConfigFile(t.configFile, (c) => {
    c.log = { level: 'info' };
  });
  expect(t.server.reload()).toBeUndefined();
  await t.server.coa.disconnect(nas, session);
  const text = await logged();
  expect(text).toContain('"msg":"log level changed to info"');
  expect(text).toContain('CoA disconnect: TIMEOUT');
});
