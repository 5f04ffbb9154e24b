import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { CLI } from '../support/child-server.js';
import { SUPPLICANT_MAC, WiredLab } from '../support/lab8021x.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// Wired 802.1X end to end: wpa_supplicant (device, own netns) ⇄ EAPOL ⇄ hostapd (switch) ⇄ RADIUS ⇄ portcullis.

let pki: TestPki;
let t: TestServer;
let lab: WiredLab;

beforeAll(async () => {
  pki = makeTestPki();
  t = await startTestServer((c) => {
    c.eap = { methods: ['tls'], tls: { certificate: pki.serverEc.certFile, private_key: pki.serverEc.keyFile, ca: pki.trustedCasFile } };
  }, { eap: createEapProvider(silentLogger()) });
  lab = new WiredLab({
    authPort: t.authPort,
    acctPort: t.acctPort,
    secret: TEST_SECRET,
    network: [
      '\teap=TLS',
      `\tidentity="${pki.clients.ec.udid}"`,
      `\tca_cert="${pki.trustedCasFile}"`,
      `\tclient_cert="${pki.clients.ec.certFile}"`,
      `\tprivate_key="${pki.clients.ec.keyFile}"`,
    ].join('\n'),
  });
  lab.start();
}, 60_000);

afterAll(async () => {
  lab?.stop();
  await t?.stop();
});

it('EAP-TLS over a wired port reaches suppPortStatus=Authorized, and accounting starts', async () => {
  const status = await lab.waitForSupplicant((s) => s.suppPortStatus === 'Authorized' && s['EAP state'] === 'SUCCESS');
  expect(status.selectedMethod).toMatch(/TLS/);
  expect(lab.hostapdCli('sta', SUPPLICANT_MAC)).toMatch(/AUTHORIZED/);

  t.server.flushAuthLog();
  const log = t.server.db.prepare("SELECT * FROM auth_log WHERE method = 'eap-tls' ORDER BY id DESC LIMIT 1").get() as { result: string; user_name: string; mac: string; details: string };
  expect(log).toMatchObject({ result: 'accept', user_name: pki.clients.ec.udid, mac: SUPPLICANT_MAC });

  // hostapd sends Accounting Start once the port is authorized.
  const until = Date.now() + 10_000;
  let sessions: { status: string; mac: string; user_name: string; acct_session_id: string }[] = [];
  while (Date.now() < until) {
    sessions = JSON.parse(execFileSync(process.execPath, [CLI, 'sessions', '-c', t.configFile, '--json'], { encoding: 'utf8' }));
    if (sessions.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(sessions[0]).toMatchObject({ status: 'open', mac: SUPPLICANT_MAC, user_name: pki.clients.ec.udid });
  expect(sessions[0].acct_session_id).toMatch(/^[0-9A-F]{16}$/);
}, 60_000);
