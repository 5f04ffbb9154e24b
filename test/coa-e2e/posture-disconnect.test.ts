// Issue 7 end to end with a real NAS: hostapd (wired, DAS on) + wpa_supplicant in a netns authenticate with
// EAP-TLS as a compliant Jamf device. The mock Jamf moves the device out of the compliant group; after the next
// sync portcullis re-evaluates the live session, hostapd gets a Disconnect-Request, ACKs it, drops the station
// and sends Accounting-Stop; the re-authentication lands on the remediation rule. Moving it back restores corp.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { SUPPLICANT_MAC } from '../support/lab8021x.js';
import { LabNas, eapTlsSection, freeUdpPort, hostapdClient } from '../support/lab-nas.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CLIENT_ID, CLIENT_SECRET, COMPUTER_GROUP, jamfSection, tempDir } from '../jamf-e2e/harness.js';
import { POSTURE_POLICY } from './policy.js';

let pki: TestPki;
let mock: MockJamf;
let t: TestServer;
let nas: LabNas;
let deviceId: number;

beforeAll(async () => {
  pki = makeTestPki();
  const dasPort = await freeUdpPort();
  mock = await startMockJamf({ seed: { seed: 3, computers: 20, mobileDevices: 5 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
  deviceId = mock.state.addComputer({ udid: pki.clients.ec.udid, macAddress: SUPPLICANT_MAC.toUpperCase(), managed: true }).id;
  mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, deviceId);
  const dir = tempDir();
  t = await startTestServer((c) => {
    c.clients = [hostapdClient(dasPort)];
    c.eap = eapTlsSection(pki);
    c.jamf = jamfSection(mock.url, dir);
    c.policy = POSTURE_POLICY;
    c.coa = { timeout_seconds: 1, retries: 2, per_second: 20 };
  }, { eap: createEapProvider(silentLogger()) });
  await t.server.posture()!.syncNow();
  nas = new LabNas(t, pki, dasPort);
  nas.start();
}, 60_000);

afterAll(async () => {
  nas?.stop();
  await t?.stop();
  await mock?.close();
});

describe('posture change → Disconnect with hostapd as the NAS', () => {
  it('non-compliant after a sync: Disconnect-ACK, station dropped, Accounting-Stop; re-auth lands on remediation; back to compliant restores corp', async () => {
    await nas.lab.waitForSupplicant((s) => s.suppPortStatus === 'Authorized' && s['EAP state'] === 'SUCCESS');
    const first = await nas.waitFor('Accounting Start', () => nas.openSession());
    expect(nas.lastRule()).toBe('corp-compliant');
    const reauth = t.server.reauthorizer;

    // A sync that changes nothing sends nothing.
    await t.server.posture()!.syncNow();
    await reauth.idle();
    expect(reauth.recent).toHaveLength(0);

    mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, deviceId);
    await t.server.posture()!.syncNow();
    await reauth.idle();
    expect(reauth.recent).toHaveLength(1);
    expect(reauth.recent[0]).toMatchObject({ device: pki.clients.ec.udid, from: 'corp-compliant', to: 'corp-remediation', acctSessionId: first.acct_session_id });
    expect(reauth.recent[0].result).toMatchObject({ kind: 'ack', action: 'change-authorization', sent: 'disconnect' });
    await nas.waitFor('hostapd to log the DAS disconnect', () => (/RADIUS DAS: Found a matching session/.test(nas.hostapdLog()) ? true : undefined));
    expect(await nas.closed(first.acct_session_id)).toMatchObject({ coa_action: 'change-authorization', coa_result: 'ack' });

    // The same posture again (another sync) kicks nobody twice.
    await t.server.posture()!.syncNow();
    await reauth.idle();
    expect(reauth.recent).toHaveLength(1);

    const second = await nas.reauthenticate([first.acct_session_id]);
    await nas.lab.waitForSupplicant((s) => s.suppPortStatus === 'Authorized');
    expect(nas.lastRule()).toBe('corp-remediation');

    mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, deviceId);
    await t.server.posture()!.syncNow();
    await reauth.idle();
    expect(reauth.recent).toHaveLength(2);
    expect(reauth.recent[1]).toMatchObject({ from: 'corp-remediation', to: 'corp-compliant', acctSessionId: second.acct_session_id, result: { kind: 'ack' } });
    await nas.closed(second.acct_session_id);
    await nas.reauthenticate([first.acct_session_id, second.acct_session_id]);
    expect(nas.lastRule()).toBe('corp-compliant');

    const log = t.server.db.prepare('SELECT device, reason, action, result FROM coa_log ORDER BY id').all();
    expect(log).toEqual([
      { device: pki.clients.ec.udid, reason: 'posture compliant → non-compliant (poll): rule "corp-compliant" → "corp-remediation"', action: 'change-authorization', result: 'ack' },
      { device: pki.clients.ec.udid, reason: 'posture non-compliant → compliant (poll): rule "corp-remediation" → "corp-compliant"', action: 'change-authorization', result: 'ack' },
    ]);
  }, 120_000);
});
