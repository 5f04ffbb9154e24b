// Issue 7 end to end with a real NAS: hostapd (wired, DAS on) + wpa_supplicant in a netns authenticate with
// EAP-TLS as a compliant Jamf device. The mock Jamf moves the device out of the compliant group; after the next
// sync portcullis re-evaluates the live session, hostapd gets a Disconnect-Request, ACKs it, drops the station
// and sends Accounting-Stop; the re-authentication lands on the remediation rule. Moving it back restores corp.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceKind, type MockJamf } from '../../src/mock-jamf/index.js';
import type { LabNas } from '../support/lab-nas.js';
import type { TestPki } from '../support/pki.js';
import type { TestServer } from '../support/test-server.js';
import { COMPUTER_GROUP } from '../jamf-e2e/harness.js';
import { startLabWorld, type LabWorld } from './lab-world.js';

let world: LabWorld | undefined;
let pki: TestPki;
let mock: MockJamf;
let t: TestServer;
let nas: LabNas;
let deviceId: number;

beforeAll(async () => {
  world = await startLabWorld(3);
  ({ pki, mock, t, nas, deviceId } = world);
  nas.start();
}, 60_000);

afterAll(async () => {
  await world?.close();
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
