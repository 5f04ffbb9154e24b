// `portcullis jamf webhooks register|list` against the mock Jamf Pro (Classic API): the webhooks portcullis
// needs are created once with the configured authentication, listed, and — registered at a live receiver —
// delivered by the mock when a device leaves the compliant group.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { jamfWebhooksList, jamfWebhooksRegister } from '../../src/cli/commands/jamf-webhooks.js';
import { DeviceKind, Privilege, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { CLIENT_ID, CLIENT_SECRET, jamfSection } from '../jamf-e2e/harness.js';
import {
  COMPUTER_GROUP, MOBILE_GROUP, WEBHOOK_PASSWORD, WEBHOOK_USER, closeWorlds, compliantComputer, pushWorld, settle, tempDir, waitFor,
} from './support.js';

const mocks: MockJamf[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await closeWorlds();
  for (const m of mocks.splice(0)) await m.close();
});

/** A config file pointing at `mockUrl` with a push section (webhook password in a file). */
function configFile(mockUrl: string, auth: Record<string, unknown> = { basic: { username: WEBHOOK_USER, password: { file: 'webhook-password' } } }): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'webhook-password'), `${WEBHOOK_PASSWORD}\n`, { mode: 0o600 });
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify({
    server: { auth_listen: ['127.0.0.1:0'], acct_listen: [] },
    store: { path: join(dir, 'portcullis.db') },
    jamf: jamfSection(mockUrl, dir),
    push: { listen: '127.0.0.1:0', jamf_webhook: { auth } },
  }));
  return file;
}

/** Runs a command body with stdout captured. */
async function captured(body: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const code = await body();
  vi.restoreAllMocks();
  return { code, out };
}

async function mock(privileges?: string[]): Promise<MockJamf> {
  const m = await startMockJamf({ seed: { seed: 2, computers: 20, mobileDevices: 10 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET, privileges }] });
  mocks.push(m);
  return m;
}

const groupId = (m: MockJamf, kind: DeviceKind, name: string) => [...m.state.groups(kind).values()].find((g) => g.name === name)!.id;

describe('portcullis jamf webhooks register / list', () => {
  it('creates the four webhooks with Basic auth once, then finds them on a second run', async () => {
    const m = await mock();
    const file = configFile(m.url);
    const first = await captured(() => jamfWebhooksRegister(file, { url: 'https://portcullis.example:8443' }));
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/4 created, 0 already present; Jamf will POST to https:\/\/portcullis\.example:8443\/jamf\/webhook/);

    const hooks = [...m.state.webhooks.values()];
    expect(hooks.map((h) => [h.event, h.smartGroupId]).sort()).toEqual([
      ['ComputerInventoryCompleted', -1],
      ['MobileDeviceInventoryCompleted', -1],
      ['SmartGroupComputerMembershipChange', groupId(m, DeviceKind.computer, COMPUTER_GROUP)],
      ['SmartGroupMobileDeviceMembershipChange', groupId(m, DeviceKind.mobile, MOBILE_GROUP)],
    ].sort());
    for (const h of hooks) {
      expect(h).toMatchObject({
        url: 'https://portcullis.example:8443/jamf/webhook', enabled: true, contentType: 'application/json',
        authenticationType: 'BASIC', username: WEBHOOK_USER, password: WEBHOOK_PASSWORD,
      });
    }

    const second = await captured(() => jamfWebhooksRegister(file, { url: 'https://portcullis.example:8443/' }));
    expect(second.out).toMatch(/0 created, 4 already present/);
    expect(m.state.webhooks.size).toBe(4);

    const list = await captured(() => jamfWebhooksList(file, {}));
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+ENABLED\s+EVENT\s+GROUP ID\s+AUTH\s+URL$/);
    expect(list.out.match(/https:\/\/portcullis\.example:8443\/jamf\/webhook/g)).toHaveLength(4);
    const json = JSON.parse((await captured(() => jamfWebhooksList(file, { json: true }))).out) as { event: string; authenticationType: string }[];
    expect(json.map((h) => h.authenticationType)).toEqual(['BASIC', 'BASIC', 'BASIC', 'BASIC']);
    // The password is never printed.
    expect(list.out + first.out + second.out).not.toContain(WEBHOOK_PASSWORD);
  });

  it('registers header authentication as Jamf\'s header JSON', async () => {
    const m = await mock();
    const file = configFile(m.url, { header: { name: 'X-Portcullis-Token', value: 'token-token-token-0123456789' } });
    expect((await captured(() => jamfWebhooksRegister(file, { url: 'https://nac.example' }))).code).toBe(0);
    for (const h of m.state.webhooks.values()) {
      expect(h.authenticationType).toBe('HEADER');
      expect(JSON.parse(h.header)).toEqual({ 'X-Portcullis-Token': 'token-token-token-0123456789' });
    }
  });

  it('says which privilege is missing', async () => {
    const m = await mock([Privilege.readComputers, Privilege.readSmartComputerGroups, Privilege.readMobileDevices, Privilege.readSmartMobileDeviceGroups, Privilege.readWebhooks]);
    const file = configFile(m.url);
    await expect(captured(() => jamfWebhooksRegister(file, { url: 'https://nac.example' }))).rejects.toThrow(/HTTP 403.*Create Webhooks/);
    expect(m.state.webhooks.size).toBe(0);
  });

  it('registered at a live receiver: moving a device out of the compliant group reaches the posture store', async () => {
    const w = await pushWorld();
    const file = configFile(w.mock.url);
    expect((await captured(() => jamfWebhooksRegister(file, { url: w.receiver.address.url }))).code).toBe(0);
    const d = compliantComputer(w.mock, 2);
    w.mock.state.moveDevice(DeviceKind.computer, d.id, COMPUTER_GROUP, 'Quarantine');
    expect(await waitFor(() => w.changes.length > 0)).toBe(true);
    await settle(w);
    expect(w.changes.map((c) => [c.key, c.from, c.to, c.source])).toEqual([[d.udid, 'compliant', 'non-compliant', 'webhook']]);
    expect(w.mock.webhooks.deliveries.filter((x) => x.status === 202)).toHaveLength(1);
  });
});
