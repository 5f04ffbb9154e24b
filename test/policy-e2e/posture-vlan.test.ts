// The policy end to end with real peers and the mock Jamf Pro: the same device gets the corp VLAN while
// Jamf has it in the compliant smart group and the remediation VLAN once the mock moves it out — over
// MAB (radclient) and over EAP-TLS (eapol_test), with the device identified by its certificate's UDID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { silentLogger } from '../../src/log/logger.js';
import { TLS12_ONLY, eapolTest, writeEapolConfig } from '../support/eapol.js';
import { radclient } from '../support/peers.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';
import { CLIENT_ID, CLIENT_SECRET, COMPUTER_GROUP, jamfSection, tempDir } from '../jamf-e2e/harness.js';

const CERT_MAC = '02:00:00:00:aa:01';
const MAB_MAC = '02:00:00:00:aa:02';

const POLICY = {
  vlans: { corp: 10, remediation: 999 },
  labels: {
    'device-certificate': { method: 'eap-tls' },
    'jamf-compliant': { mdm: { provider: 'jamf', state: 'compliant' } },
    'jamf-device-mab': { method: 'mab', mdm: { state: ['compliant', 'non-compliant'] } },
  },
  rules: [
    { name: 'corp-compliant', match: ['device-certificate', 'jamf-compliant'], action: 'allow', apply: { vlan: 'corp' } },
    { name: 'corp-remediation', match: ['device-certificate'], action: 'allow', apply: { vlan: 'remediation' } },
    { name: 'mab-compliant', match: ['jamf-device-mab', 'jamf-compliant'], action: 'allow', apply: { vlan: 'corp' } },
    { name: 'mab-remediation', match: ['jamf-device-mab'], action: 'allow', apply: { vlan: 'remediation' } },
  ],
  default: 'block',
};

let pki: TestPki;
let mock: MockJamf;
let srv: TestServer;
let certDeviceId: number;
let mabDeviceId: number;
let eapolConf: string;

beforeAll(async () => {
  pki = makeTestPki();
  mock = await startMockJamf({ seed: { seed: 5, computers: 40, mobileDevices: 10 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
  const dir = tempDir();
  certDeviceId = mock.state.addComputer({ udid: pki.clients.ec.udid, macAddress: CERT_MAC.toUpperCase(), managed: true }).id;
  mabDeviceId = mock.state.addComputer({ macAddress: MAB_MAC.toUpperCase(), managed: true }).id;
  mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, [certDeviceId, mabDeviceId]);
  srv = await startTestServer((c) => {
    c.jamf = jamfSection(mock.url, dir);
    c.policy = POLICY;
    c.eap = { methods: ['tls'], tls: { certificate: pki.serverEc.certFile, private_key: pki.serverEc.keyFile, ca: pki.trustedCasFile } };
  }, { eap: createEapProvider(silentLogger()) });
  await srv.server.posture()!.syncNow();
  expect(srv.server.posture()!.store.meta.lastError).toBeUndefined();
  eapolConf = writeEapolConfig(dir, 'policy-ec', { eap: 'TLS', identity: `host/${pki.clients.ec.udid}`, caFile: pki.trustedCasFile, client: pki.clients.ec, phase1: TLS12_ONLY });
}, 60_000);

afterAll(async () => {
  await srv?.stop();
  await mock?.close();
});

const mab = (mac: string) => {
  const bare = mac.replace(/:/g, '');
  return `User-Name = "${bare}"\nUser-Password = "${bare}"\nCalling-Station-Id = "${mac.toUpperCase().replace(/:/g, '-')}"\nNAS-Port-Type = Ethernet\nMessage-Authenticator = 0x00\n`;
};

/** The VLAN radclient saw in the Access-Accept (Tunnel-Private-Group-Id), or "reject". */
async function mabVlan(mac: string): Promise<string> {
  const r = await radclient(srv.authPort, 'auth', TEST_SECRET, mab(mac));
  if (r.stdout.includes('Access-Reject')) return 'reject';
  expect(r.stdout).toContain('Received Access-Accept');
  expect(r.stdout).toMatch(/Tunnel-Type:1 = VLAN/);
  expect(r.stdout).toMatch(/Tunnel-Medium-Type:1 = IEEE-802/);
  return /Tunnel-Private-Group-Id:1 = "(\d+)"/.exec(r.stdout)?.[1] ?? 'no VLAN';
}

/** The VLAN in the Access-Accept eapol_test received (attribute 81, tag 1 then the digits), or "reject". */
async function eapTlsVlan(): Promise<string> {
  const r = await eapolTest(eapolConf, srv.authPort, TEST_SECRET);
  if (r.accessReject) return 'reject';
  expect(r.success, r.stdout.slice(-3000)).toBe(true);
  expect(r.mppeOk).toBe(true);
  const accept = r.stdout.slice(r.stdout.lastIndexOf('code=2 (Access-Accept)'));
  // eapol_test prints the value in hex: the RFC 2868 tag octet, then the VLAN id as text.
  const hex = /Attribute 81 \(Tunnel-Private-Group-Id\) length=\d+\s+Value: ([0-9a-f]+)/.exec(accept)?.[1];
  if (!hex) throw new Error(`no Tunnel-Private-Group-Id in the Access-Accept:\n${accept.slice(0, 2000)}`);
  const value = Buffer.from(hex, 'hex');
  expect(value[0]).toBe(1);
  return value.subarray(1).toString();
}

function lastDecision(): { rule: string; version: string } {
  srv.server.flushAuthLog();
  const row = srv.server.db.prepare('SELECT details FROM auth_log ORDER BY id DESC LIMIT 1').get() as { details: string };
  return (JSON.parse(row.details) as { policy: { rule: string; version: string } }).policy;
}

describe('policy with Jamf posture, real peers', () => {
  it('compliant: corp VLAN 10 over MAB and over EAP-TLS', async () => {
    expect(await mabVlan(MAB_MAC)).toBe('10');
    expect(lastDecision().rule).toBe('mab-compliant');
    expect(await eapTlsVlan()).toBe('10');
    expect(lastDecision()).toMatchObject({ rule: 'corp-compliant', version: srv.server.policy().version });
  }, 60_000);

  it('moved out of the compliant group in Jamf: remediation VLAN 999 after the next sync; back again restores VLAN 10', async () => {
    const service = srv.server.posture()!;
    mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, [certDeviceId, mabDeviceId]);
    await service.syncNow();
    expect(service.store.byUdid(pki.clients.ec.udid).state).toBe('non-compliant');
    expect(await mabVlan(MAB_MAC)).toBe('999');
    expect(await eapTlsVlan()).toBe('999');
    expect(lastDecision().rule).toBe('corp-remediation');

    mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, [certDeviceId, mabDeviceId]);
    await service.syncNow();
    expect(await eapTlsVlan()).toBe('10');
    expect(await mabVlan(MAB_MAC)).toBe('10');
  }, 90_000);

  it('a MAC Jamf does not know matches no rule: rejected by the default', async () => {
    expect(await mabVlan('02:00:00:00:aa:77')).toBe('reject');
    expect(lastDecision().rule).toBe('default');
  });
});
