import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoaClient, coaSessionFromRow } from '../../src/coa/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { Secret } from '../../src/log/secret.js';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import type { SessionRow } from '../../src/store/sessions.js';
import { CLI } from '../support/child-server.js';
import { SUPPLICANT_MAC } from '../support/lab8021x.js';
import { LabNas, eapTlsSection, freeUdpPort, hostapdClient } from '../support/lab-nas.js';
import { run } from '../support/peers.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// A real NAS: hostapd (wired driver, DAS enabled) with wpa_supplicant in its own netns, EAP-TLS against portcullis.
// The session is found from accounting and ended with a Disconnect-Request; hostapd ACKs, drops the station and
// sends Accounting-Stop. hostapd 2.10 cannot reauthenticate by CoA (anchors/lab8021x), so Disconnect is its profile.

let pki: TestPki;
let t: TestServer;
let lab: LabNas;
let coa: CoaClient;
let dasPort: number;

const openSession = (notId?: string) => lab.openSession(notId ? [notId] : []);

beforeAll(async () => {
  pki = makeTestPki();
  dasPort = await freeUdpPort();
  t = await startTestServer((c) => {
    c.clients = [hostapdClient(dasPort)];
    c.eap = eapTlsSection(pki);
    c.coa = { timeout_seconds: 1, retries: 2, per_second: 20 };
  }, { eap: createEapProvider(silentLogger()) });
  lab = new LabNas(t, pki, dasPort);
  lab.start();
  coa = new CoaClient({ dictionary: t.server.dictionary(), ...t.server.config().coa });
}, 60_000);

afterAll(async () => {
  await coa?.close();
  lab?.stop();
  await t?.stop();
});

describe('CoA against hostapd', () => {
  let first: SessionRow;

  it('Disconnect-Request for the live EAP-TLS session: Disconnect-ACK, hostapd drops the station, Accounting-Stop for that session', async () => {
    await lab.lab.waitForSupplicant((s) => s.suppPortStatus === 'Authorized' && s['EAP state'] === 'SUCCESS');
    first = await lab.waitFor('Accounting Start', () => openSession());
    expect(first.acct_session_id).toMatch(/^[0-9A-F]{16}$/);
    expect(first).toMatchObject({ nas_name: 'lab-switch', nas_ip: '127.0.0.1', nas_identifier: 'lab-switch' });

    const nas = t.server.config().clients[0];
    const r = await coa.disconnect(nas, coaSessionFromRow(first));
    expect(r).toMatchObject({ kind: 'ack', action: 'disconnect', sent: 'disconnect', attempts: 1, target: `127.0.0.1:${dasPort}` });

    await lab.waitFor('hostapd to log the DAS disconnect', () => (/RADIUS DAS: Found a matching session/.test(lab.hostapdLog()) ? true : undefined));
    expect(lab.hostapdLog()).toContain('AP-STA-DISCONNECTED');
    const stopped = await lab.closed(first.acct_session_id);
    expect(stopped.stopped_at).not.toBeNull();
  }, 60_000);

  it('a Disconnect for a session hostapd does not have: Disconnect-NAK, Error-Cause 503 in words', async () => {
    const nas = t.server.config().clients[0];
    const r = await coa.disconnect(nas, { nasIp: '127.0.0.1', nasIdentifier: 'lab-switch', acctSessionId: '0123456789ABCDEF', callingStationId: '02-00-00-00-99-99' });
    expect(r).toMatchObject({ kind: 'nak', errorCause: 503, errorCauseText: 'Session Context Not Found (503)', attempts: 1 });
  }, 30_000);

  it('hostapd checks our authenticators: the same Disconnect with a wrong secret gets no reply at all', async () => {
    const nas = { ...t.server.config().clients[0], coaSecret: new Secret('not-the-das-secret', 'inline') };
    const quick = new CoaClient({ dictionary: t.server.dictionary(), timeoutMs: 300, retries: 0 });
    try {
      const r = await quick.disconnect(nas, { nasIp: '127.0.0.1', nasIdentifier: 'lab-switch', acctSessionId: '0123456789ABCDEF' });
      expect(r).toMatchObject({ kind: 'timeout', attempts: 1 });
    } finally {
      await quick.close();
    }
  }, 30_000);

  it('portcullis coa disconnect --mac (a real process) ends the next session the device opens', async () => {
    // A switch re-initialising the port: once hostapd has freed the station (5 s), new_sta starts EAP again.
    const second = await lab.reauthenticate([first.acct_session_id]);
    const r = await run(process.execPath, [CLI, 'coa', 'disconnect', '--mac', SUPPLICANT_MAC, '-c', t.configFile], '', 30_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^disconnect lab-switch 127\\.0\\.0\\.1:${dasPort} session ${second.acct_session_id} mac ${SUPPLICANT_MAC}: ACK \\[1 attempt, \\d+ ms\\]$`));
    const stopped = await lab.closed(second.acct_session_id);
    expect(stopped).toMatchObject({ coa_action: 'disconnect', coa_result: 'ack' });
  }, 60_000);
});
