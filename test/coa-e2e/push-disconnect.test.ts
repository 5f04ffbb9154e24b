// Issue 8 end to end with a real NAS: hostapd (wired, DAS on) + wpa_supplicant authenticate with EAP-TLS. With
// no Jamf sync in between, (1) the mock Jamf's webhook for a smart-group change and (2) a signed CAEP
// device-compliance-change SET from a test transmitter each lead to a Disconnect-ACK from hostapd within 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceKind, type MockJamf } from '../../src/mock-jamf/index.js';
import type { LabNas } from '../support/lab-nas.js';
import type { TestPki } from '../support/pki.js';
import type { TestServer } from '../support/test-server.js';
import { COMPUTER_GROUP } from '../jamf-e2e/harness.js';
import { complianceEvent, makeKey, signSet, startTransmitter, type TestKey, type Transmitter } from '../push/transmitter.js';
import { post } from '../push/support.js';
import { startLabWorld, type LabWorld } from './lab-world.js';

const AUDIENCE = 'https://portcullis.test/';
const HOOK_USER = 'jamf-pro';
const HOOK_PASSWORD = 'e2e-webhook-password-0123456789';

let world: LabWorld | undefined;
let pki: TestPki;
let mock: MockJamf;
let t: TestServer;
let nas: LabNas;
let transmitter: Transmitter;
let key: TestKey;
let deviceId: number;

/** Waits (polling every 5 ms) for the n-th CoA result; returns it and the milliseconds since `since`. */
async function nthCoa(n: number, since: number) {
  const r = await nas.waitFor(`CoA result #${n}`, () => t.server.reauthorizer.recent[n - 1], 10_000, 5);
  return { r, ms: performance.now() - since };
}

beforeAll(async () => {
  key = await makeKey('ES256');
  transmitter = await startTransmitter([key]);
  world = await startLabWorld(8, (c) => {
    c.jamf = { ...(c.jamf as Record<string, unknown>), poll_interval_seconds: 86_400 };
    c.push = {
      listen: '127.0.0.1:0',
      jamf_webhook: { auth: { basic: { username: HOOK_USER, password: HOOK_PASSWORD } } },
      ssf: { issuer: transmitter.issuer, audience: AUDIENCE },
    };
  });
  ({ pki, mock, t, nas, deviceId } = world);
  // Jamf Pro → Settings → Webhooks, as `portcullis jamf webhooks register` creates it.
  mock.state.addWebhook({
    name: 'portcullis compliant Macs', url: `${t.server.push()!.address.url}/jamf/webhook`, event: 'SmartGroupComputerMembershipChange',
    smartGroupId: mock.state.group(DeviceKind.computer, COMPUTER_GROUP)!.id, authenticationType: 'BASIC', username: HOOK_USER, password: HOOK_PASSWORD,
  });
  nas.start();
}, 60_000);

afterAll(async () => {
  await world?.close();
  await transmitter?.close();
});

describe('push posture → Disconnect-ACK from hostapd, no sync in between', () => {
  it('a Jamf webhook, then a CAEP SET, each end the live session within 2 s', async () => {
    await nas.lab.waitForSupplicant((s) => s.suppPortStatus === 'Authorized' && s['EAP state'] === 'SUCCESS');
    const first = await nas.waitFor('Accounting Start', () => nas.openSession());
    expect(nas.lastRule()).toBe('corp-compliant');
    const syncs = t.server.posture()!.store.meta;
    const lastSync = JSON.stringify(syncs);

    // 1. Jamf moves the Mac out of the compliant smart group; Jamf POSTs the webhook.
    let since = performance.now();
    mock.state.removeFromGroup(DeviceKind.computer, COMPUTER_GROUP, deviceId);
    const hook = await nthCoa(1, since);
    expect(hook.r).toMatchObject({ device: pki.clients.ec.udid, from: 'corp-compliant', to: 'corp-remediation', acctSessionId: first.acct_session_id });
    expect(hook.r.result).toMatchObject({ kind: 'ack', sent: 'disconnect' });
    expect(hook.ms).toBeLessThan(2000);
    await nas.closed(first.acct_session_id);
    const second = await nas.reauthenticate([first.acct_session_id]);
    expect(nas.lastRule()).toBe('corp-remediation');

    // Back into the group (webhook again): the remediation session is ended, the device returns to corp.
    mock.state.addToGroup(DeviceKind.computer, COMPUTER_GROUP, deviceId);
    await nthCoa(2, performance.now());
    await nas.closed(second.acct_session_id);
    const third = await nas.reauthenticate([first.acct_session_id, second.acct_session_id]);
    expect(nas.lastRule()).toBe('corp-compliant');

    // 2. The security cloud says the device is no longer compliant (CAEP, pushed per RFC 8935).
    const set = await signSet(key, transmitter.issuer, complianceEvent('not-compliant'), {
      aud: AUDIENCE, extra: { sub_id: { format: 'complex', device: { format: 'opaque', id: pki.clients.ec.udid } } },
    });
    since = performance.now();
    const res = await post(`${t.server.push()!.address.url}/ssf/events`, set, { 'content-type': 'application/secevent+jwt' });
    expect(res.status).toBe(202);
    const caep = await nthCoa(3, since);
    expect(caep.r).toMatchObject({ from: 'corp-compliant', to: 'corp-remediation', acctSessionId: third.acct_session_id, result: { kind: 'ack' } });
    expect(caep.ms).toBeLessThan(2000);

    // None of it waited for a poll: the sync status is what the first sync left.
    expect(JSON.stringify(t.server.posture()!.store.meta)).toBe(lastSync);
  }, 120_000);
});
