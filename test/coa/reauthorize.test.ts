// Posture changes → CoA through the whole server, with a scriptable test NAS: MAB authentications and
// accounting Starts arrive over UDP, the mock Jamf moves devices, a sync emits the changes, and the NAS sees
// exactly the Disconnects / CoAs the policy outcome calls for — paced, never repeated, and never for a
// change that leaves the outcome as it was.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { normaliseMac } from '../../src/posture/mac.js';
import { PacketCode, encodePacket, signZeroedRequest } from '../../src/radius/index.js';
import { SessionStore } from '../../src/store/sessions.js';
import { TestNas, attributeText } from '../support/test-nas.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';
import { accessRequest, exchange, intAttr, textAttr } from '../support/udp-client.js';
import { CLIENT_ID, CLIENT_SECRET, COMPUTER_GROUP, jamfSection, tempDir } from '../jamf-e2e/harness.js';

const DEVICES = 1000;
const PER_SECOND = 400;

const POLICY = {
  vlans: { corp: 10, remediation: 999 },
  labels: {
    'jamf-mab': { method: 'mab', mdm: { state: ['compliant', 'non-compliant'] } },
    compliant: { mdm: { state: 'compliant' } },
    'blocked-model': { device: { model: 'Blocked*' } },
  },
  rules: [
    { name: 'blocked-model', match: ['jamf-mab', 'blocked-model'], action: 'block' },
    { name: 'mab-compliant', match: ['jamf-mab', 'compliant'], action: 'allow', apply: { vlan: 'corp' } },
    { name: 'mab-remediation', match: ['jamf-mab'], action: 'allow', apply: { vlan: 'remediation' } },
  ],
};

let mock: MockJamf;
let nas: TestNas;
let t: TestServer;
const ids: number[] = [];
const macs: string[] = [];

const text = textAttr;
const int = intAttr;
const csid = (mac: string) => mac.toUpperCase().replace(/:/g, '-');

function accountingStart(mac: string, id: number): Buffer {
  const attributes = [int(40, 1), text(44, `S-${mac.replace(/:/g, '')}`), text(31, csid(mac)), text(1, mac.replace(/:/g, '')), text(32, 'switch-a'), int(85, 600)];
  return signZeroedRequest(encodePacket({ code: PacketCode.AccountingRequest, identifier: id, authenticator: Buffer.alloc(16), attributes }), Buffer.from(TEST_SECRET));
}

/** MAB + Accounting-Start for every device, 200 per source port (Identifiers stay unique per port). */
async function connect(list: string[]): Promise<void> {
  for (let i = 0; i < list.length; i += 200) {
    const chunk = list.slice(i, i + 200);
    const auth = chunk.map((m, j) => accessRequest(TEST_SECRET, m.replace(/:/g, ''), m.replace(/:/g, ''), { id: j, extra: [text(31, csid(m)), int(61, 15)] }));
    const accepted = await exchange(t.authPort, auth, 800);
    expect(accepted.filter((r) => r[0] === PacketCode.AccessAccept)).toHaveLength(chunk.length);
    const acct = await exchange(t.acctPort, chunk.map((m, j) => accountingStart(m, j)), 800);
    expect(acct).toHaveLength(chunk.length);
  }
}

beforeAll(async () => {
  mock = await startMockJamf({ seed: { seed: 9, computers: 0, mobileDevices: 0 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
  for (let i = 0; i < DEVICES; i++) {
    const c = mock.state.addComputer({ macAddress: `02:10:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, managed: true, model: 'MacBook Pro' });
    ids.push(c.id);
    macs.push(normaliseMac(c.macAddress)!);
  }
  mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, ids);
  nas = await TestNas.start(TEST_SECRET);
  const dir = tempDir();
  t = await startTestServer((c) => {
    c.clients = [{ name: 'switch-a', address: '127.0.0.1', secret: TEST_SECRET, vendor: 'generic', coa_port: nas.port }];
    c.jamf = jamfSection(mock.url, dir, CLIENT_SECRET, { page_size: 500 });
    c.policy = POLICY;
    c.coa = { timeout_seconds: 0.3, retries: 1, per_second: PER_SECOND };
  });
  await t.server.posture()!.syncNow();
  expect(t.server.posture()!.store.size).toBe(DEVICES);
  await connect(macs);
  expect(new SessionStore(t.server.db).list({ status: 'open', limit: 5000 })).toHaveLength(DEVICES);
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await nas?.close();
  await mock?.close();
});

afterEach(() => {
  nas.requests.length = 0;
});

const sync = async () => {
  await t.server.posture()!.syncNow();
  await t.server.reauthorizer.idle();
};

describe('posture change → re-evaluate live sessions → CoA', () => {
  it('no change, no kick: a sync that changes nothing, and a change that keeps the outcome, send nothing', async () => {
    await sync();
    // A new OS version is a posture-visible change of the record, but no rule looks at it.
    mock.state.updateComputer(ids[0], { osVersion: '15.1' });
    await sync();
    expect(nas.requests).toHaveLength(0);
  });

  it('a mass change of 1,000 devices: each session gets exactly one CoA, paced at the configured rate', async () => {
    mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, ids);
    const started = performance.now();
    await sync();
    const got = nas.distinct;
    expect(got).toHaveLength(DEVICES);
    // generic NAS: an attribute CoA-Request (43) carrying the new VLAN, identified by Acct-Session-Id.
    expect(new Set(got.map((r) => r.code))).toEqual(new Set([PacketCode.CoaRequest]));
    expect(got.every((r) => r.authentic && r.hasMessageAuthenticator)).toBe(true);
    expect(new Set(got.map((r) => attributeText(r, 44))).size).toBe(DEVICES);
    expect(got.every((r) => attributeText(r, 81)?.endsWith('999'))).toBe(true);
    // Paced: 1,000 requests at 400/s cannot arrive faster than the bucket allows (burst included).
    const span = got[got.length - 1].at - got[0].at;
    expect(span).toBeGreaterThan(((DEVICES - 2 * PER_SECOND) / PER_SECOND) * 1000);
    expect(performance.now() - started).toBeGreaterThan(span);

    // The same posture again: nobody is kicked twice for one change.
    await sync();
    expect(nas.distinct).toHaveLength(DEVICES);
    const recorded = new SessionStore(t.server.db).list({ status: 'open', limit: 5000 });
    expect(recorded.every((s) => s.coa_result === 'ack' && s.coa_action === 'change-authorization')).toBe(true);
  }, 60_000);

  it('block → Disconnect-Request; a NAK is recorded with its Error-Cause in words; a silent NAS times out after its retries', async () => {
    const [a, b] = [ids[1], ids[2]];
    nas.script = (req) => (attributeText(req, 31) === csid(macs[2]) ? { type: 'drop' } : { type: 'nak', errorCause: 503 });
    mock.state.updateComputer(a, { model: 'Blocked Mac' });
    mock.state.updateComputer(b, { model: 'Blocked Mac' });
    await sync();
    const disconnects = nas.requests.filter((r) => r.code === PacketCode.DisconnectRequest);
    expect(new Set(disconnects.map((r) => attributeText(r, 31)))).toEqual(new Set([csid(macs[1]), csid(macs[2])]));
    // The silent NAS got the request twice (1 retry), the NAK-ing one once.
    expect(disconnects.filter((r) => attributeText(r, 31) === csid(macs[2]))).toHaveLength(2);
    expect(disconnects.filter((r) => attributeText(r, 31) === csid(macs[1]))).toHaveLength(1);

    const log = t.server.db.prepare("SELECT mac, reason, action, result, detail FROM coa_log WHERE mac IN (?, ?) AND action = 'disconnect'").all(macs[1], macs[2]) as { mac: string; result: string; detail: string }[];
    expect(log.find((r) => r.mac === macs[1])).toMatchObject({
      result: 'nak', detail: expect.stringContaining('Session Context Not Found (503)'),
      reason: 'Jamf facts changed, posture non-compliant (poll): rule "mab-remediation" → "blocked-model"',
    });
    expect(log.find((r) => r.mac === macs[2])).toMatchObject({ result: 'timeout' });
  }, 30_000);
});
