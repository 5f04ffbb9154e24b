// The world of the CoA end-to-end tests: a mock Jamf with the lab supplicant's Mac in the compliant group,
// portcullis with the hostapd lab as its NAS, EAP-TLS and the posture policy, and the LabNas driving hostapd.
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { SUPPLICANT_MAC } from '../support/lab8021x.js';
import { LabNas, eapTlsSection, freeUdpPort, hostapdClient } from '../support/lab-nas.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CLIENT_ID, CLIENT_SECRET, COMPUTER_GROUP, jamfSection, tempDir } from '../jamf-e2e/harness.js';

/** Compliant device certificates → corp VLAN, the rest → remediation. */
export const POSTURE_POLICY = {
  vlans: { corp: 10, remediation: 999 },
  labels: { 'device-certificate': { method: 'eap-tls' }, 'jamf-compliant': { mdm: { state: 'compliant' } } },
  rules: [
    { name: 'corp-compliant', match: ['device-certificate', 'jamf-compliant'], action: 'allow', apply: { vlan: 'corp' } },
    { name: 'corp-remediation', match: ['device-certificate'], action: 'allow', apply: { vlan: 'remediation' } },
  ],
};

export interface LabWorld {
  pki: TestPki;
  mock: MockJamf;
  t: TestServer;
  /** The hostapd lab; start() it once the test has added what it needs (webhooks, ...). */
  nas: LabNas;
  /** The supplicant's Mac in the mock Jamf. */
  deviceId: number;
  close(): Promise<void>;
}

/** Starts the world after one sync. `patch` adds to the config (jamf: may be replaced, push: added). */
export async function startLabWorld(seed: number, patch: (c: Record<string, unknown>) => void = () => {}): Promise<LabWorld> {
  const pki = makeTestPki();
  const dasPort = await freeUdpPort();
  const mock = await startMockJamf({ seed: { seed, computers: 20, mobileDevices: 5 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
  const deviceId = mock.state.addComputer({ udid: pki.clients.ec.udid, macAddress: SUPPLICANT_MAC.toUpperCase(), managed: true }).id;
  mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, deviceId);
  const dir = tempDir();
  const t = await startTestServer((c) => {
    c.clients = [hostapdClient(dasPort)];
    c.eap = eapTlsSection(pki);
    c.jamf = jamfSection(mock.url, dir);
    c.policy = POSTURE_POLICY;
    c.coa = { timeout_seconds: 1, retries: 2, per_second: 20 };
    patch(c);
  }, { eap: createEapProvider(silentLogger()) });
  await t.server.posture()!.syncNow();
  const nas = new LabNas(t, pki, dasPort);
  return {
    pki, mock, t, nas, deviceId,
    close: async () => {
      nas.stop();
      await t.stop();
      await mock.close();
    },
  };
}
