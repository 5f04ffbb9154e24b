// Every recorded or documented Jamf payload in test/jamf/fixtures parses with the client's schemas, and the
// identifiers come out normalised. Provenance: test/jamf/fixtures/README.md.
import { jamfFixturesDir } from '../support/jamf-fixtures.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classicXmlToJson } from '../../src/jamf/classic-xml.js';
import {
  classicComputerGroupListSchema, classicComputerGroupSchema, classicComputerSchema, classicComputersBasicSchema,
  classicMobileDevicesSchema, classicMobileGroupSchema, classicWebhookSchema,
} from '../../src/jamf/classic-schemas.js';
import {
  computerFromClassic, computerFromClassicBasic, computerFromInventory, mobileFromClassicRow, mobileFromDetail, mobileFromInventoryList,
} from '../../src/jamf/device.js';
import { privilegeFor, summariseErrorBody } from '../../src/jamf/errors.js';
import { JamfHttp } from '../../src/jamf/http.js';
import {
  apiErrorSchema, computerGroupListSchema, computerInventoryPageSchema, computerInventorySchema, groupsV2PageSchema,
  inventoryListMobileDevicePageSchema, jamfProVersionSchema, mobileDeviceDetailPageSchema, mobileDeviceGroupListSchema,
  mobileDeviceV2PageSchema, oauthTokenSchema, smartComputerGroupPageSchema, smartGroupMembershipSchema,
  smartMobileGroupPageSchema, userTokenSchema,
} from '../../src/jamf/schemas.js';
import { parseWebhook } from '../../src/jamf/webhook-schemas.js';
import { JamfStub, captureLogger, stubConfig, tokenIssuer } from './stub.js';

const DIR = jamfFixturesDir();
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const json = (f: string): unknown => JSON.parse(text(f));
const xml = (f: string) => classicXmlToJson(text(f));

/** One check per fixture file; the test below fails when a file has none. */
const CHECKS: Record<string, () => void> = {
  'JSSResource-computergroups-id.macadmins-test.json': () => {
    const g = classicComputerGroupSchema.parse(json('JSSResource-computergroups-id.macadmins-test.json')).computer_group;
    expect(g.computers.map((c) => [c.id, c.mac_address, c.alt_mac_address])).toEqual([['123', 'AA:BB:CC:DD:EE:FF', ''], ['456', '00:11:22:33:44:55', '']]);
    expect(g.is_smart).toBe(true);
  },
  'JSSResource-computergroups-id.sdk-mock.xml': () => {
    const g = classicComputerGroupSchema.parse(xml('JSSResource-computergroups-id.sdk-mock.xml')).computer_group;
    expect(g).toMatchObject({ id: '1', name: 'All Managed Clients', is_smart: true });
    expect(g.criteria).toHaveLength(2);
    expect(g.computers).toEqual([{ id: '123', name: 'test-computer-01', serial_number: 'C02XYZ123456', mac_address: '00:11:22:33:44:55', alt_mac_address: '00:11:22:33:44:56' }]);
  },
  'JSSResource-computergroups.sdk-mock.xml': () => {
    const l = classicComputerGroupListSchema.parse(xml('JSSResource-computergroups.sdk-mock.xml'));
    expect(l.computer_groups).toEqual([{ id: '1', name: 'All Managed Clients', is_smart: true }, { id: '2', name: 'Static Test Group', is_smart: false }]);
  },
  'JSSResource-computers-id-1.200.real.json': () => {
    const d = computerFromClassic(classicComputerSchema.parse(json('JSSResource-computers-id-1.200.real.json')).computer);
    expect(d).toMatchObject({ jamfId: '1', udid: '8195CA16-7FFE-5855-A3DD-53FD768FA558', macs: ['78:4f:43:7f:7d:cb', 'b6:00:35:98:ae:00'], serial: 'C02T705EGTF1', managed: true, osVersion: '10.13', lastInventory: '2019-06-17T16:00:56.384Z' });
  },
  'JSSResource-computers-id-2.200.real.json': () => {
    const c = classicComputerSchema.parse(json('JSSResource-computers-id-2.200.real.json')).computer;
    expect(c.groups_accounts?.computer_group_memberships).toEqual(['All Managed Clients', 'Static Test Computer Group']);
    expect(computerFromClassic(c).macs).toEqual(['88:e9:fe:4c:9c:9e', '82:0e:43:81:84:01']);
  },
  'JSSResource-computers-subset-basic.200.real.json': () => {
    const rows = classicComputersBasicSchema.parse(json('JSSResource-computers-subset-basic.200.real.json')).computers.map((c) => computerFromClassicBasic(c));
    expect(rows.map((d) => [d.jamfId, d.udid, d.macs[0], d.managed, d.lastInventory])).toEqual([
      ['1', '8195CA16-7FFE-5855-A3DD-53FD768FA558', '78:4f:43:7f:7d:cb', true, '2019-06-17T16:00:56.384Z'],
      ['2', '246F2E58-14C0-5684-AB92-6BCAF5D73838', '88:e9:fe:4c:9c:9e', true, '2020-08-03T12:24:29.968Z'],
    ]);
  },
  'JSSResource-mobiledevicegroups-id.sdk-mock.xml': () => {
    const g = classicMobileGroupSchema.parse(xml('JSSResource-mobiledevicegroups-id.sdk-mock.xml')).mobile_device_group;
    const d = mobileFromClassicRow(g.mobile_devices[0]);
    expect(d).toMatchObject({ kind: 'mobile', jamfId: '456', udid: '00008030-001234567890001E', serial: 'C02XYZ123456' });
    expect(d.macs).toEqual(['00:11:22:33:44:56', '00:11:22:33:44:55']);
  },
  'JSSResource-mobiledevices.200-empty.real.json': () => {
    expect(classicMobileDevicesSchema.parse(json('JSSResource-mobiledevices.200-empty.real.json')).mobile_devices).toEqual([]);
  },
  'JSSResource-webhooks-id.sdk-mock.xml': () => {
    expect(classicWebhookSchema.parse(xml('JSSResource-webhooks-id.sdk-mock.xml')).webhook).toMatchObject({ id: '1', enabled: true, event: 'ComputerAdded', connection_timeout: 5000 });
  },
  'api-oauth-token.200.jamf-docs.json': () => {
    expect(oauthTokenSchema.parse(json('api-oauth-token.200.jamf-docs.json'))).toMatchObject({ token_type: 'Bearer', scope: 'api-role:2', expires_in: 599 });
  },
  'api-v1-auth-token.200.real-redacted.json': () => {
    expect(userTokenSchema.parse(json('api-v1-auth-token.200.real-redacted.json')).expires).toBe('2099-01-01T00:00:00.000Z');
  },
  'api-v1-auth-token.401.real-jamfcloud.json': () => {
    expect(apiErrorSchema.parse(json('api-v1-auth-token.401.real-jamfcloud.json'))).toEqual({ httpStatus: 401, errors: [] });
    expect(summariseErrorBody(text('api-v1-auth-token.401.real-jamfcloud.json'))).toBeUndefined();
  },
  'api-v1-computer-groups.sdk-mock.json': () => {
    expect(computerGroupListSchema.parse(json('api-v1-computer-groups.sdk-mock.json')).map((g) => [g.id, g.smartGroup])).toEqual([['1', true], ['10', false]]);
  },
  'api-v1-computers-inventory.page-past-end.jamf-example.json': () => {
    expect(computerInventoryPageSchema.parse(json('api-v1-computers-inventory.page-past-end.jamf-example.json'))).toEqual({ totalCount: 118, results: [] });
  },
  'api-v1-computers-inventory.page0-general.elastic-mock.json': () => {
    const p = computerInventoryPageSchema.parse(json('api-v1-computers-inventory.page0-general.elastic-mock.json'));
    expect(computerFromInventory(p.results[0])).toMatchObject({ jamfId: '3', udid: '5982CE36-4526-580B-B4B9-ECC6782535BC', name: 'acme-C07DM3AZQ6NV', managed: true, macs: [], lastInventory: '2024-06-19T15:54:37.692Z' });
  },
  'api-v1-computers-inventory.results-items.elastic-test.json': () => {
    const rows = z.array(computerInventorySchema).parse(json('api-v1-computers-inventory.results-items.elastic-test.json'));
    expect(rows.map((r) => r.id)).toEqual(['6', '4', '3']);
    expect(rows[0].groupMemberships?.map((g) => g.groupName)).toEqual(['All Managed Clients', 'Computers with updates']);
    expect(computerFromInventory(rows[0]).managed).toBe(false);
  },
  'api-v1-jamf-pro-version.200.real.json': () => {
    expect(jamfProVersionSchema.parse(json('api-v1-jamf-pro-version.200.real.json')).version).toBe('10.42.1-t1667311080');
  },
  'api-v2-computer-groups-smart-group-membership-id.sdk-mock-2.json': () => {
    expect(smartGroupMembershipSchema.parse(json('api-v2-computer-groups-smart-group-membership-id.sdk-mock-2.json')).members).toEqual(['101', '102', '103', '104', '105']);
  },
  'api-v2-computer-groups-smart-group-membership-id.sdk-mock.json': () => {
    expect(smartGroupMembershipSchema.parse(json('api-v2-computer-groups-smart-group-membership-id.sdk-mock.json')).members).toEqual(['101', '102', '103']);
  },
  'api-v3-computer-groups-smart-group-membership-id.empty.sdk-mock.json': () => {
    expect(smartGroupMembershipSchema.parse(json('api-v3-computer-groups-smart-group-membership-id.empty.sdk-mock.json')).members).toEqual([]);
  },
  'api-v2-computer-groups-smart-groups.sdk-mock.json': () => {
    expect(smartComputerGroupPageSchema.parse(json('api-v2-computer-groups-smart-groups.sdk-mock.json')).results.map((g) => [g.id, g.name, g.membershipCount])).toEqual([['1', 'All Macs', 42], ['2', 'Test Smart Group', 5]]);
  },
  'api-v3-computer-groups-smart-groups.sdk-mock.json': () => {
    expect(smartComputerGroupPageSchema.parse(json('api-v3-computer-groups-smart-groups.sdk-mock.json')).results[0]).toMatchObject({ id: '1', name: 'All Managed Clients' });
  },
  'api-v2-groups.sdk-mock.json': () => {
    expect(groupsV2PageSchema.parse(json('api-v2-groups.sdk-mock.json')).results.map((g) => g.groupJamfProId)).toEqual(['101', '102', '103']);
  },
  'api-v2-mobile-device-groups-smart-group-membership-id.sdk-mock.json': () => {
    const p = inventoryListMobileDevicePageSchema.parse(json('api-v2-mobile-device-groups-smart-group-membership-id.sdk-mock.json'));
    expect(mobileFromInventoryList(p.results[0])).toMatchObject({ jamfId: '201', udid: 'GHI-789', macs: ['00:11:22:33:44:77'], serial: 'SN201', managed: true, osVersion: '17.0', model: 'iPad Pro' });
  },
  'api-v2-mobile-device-groups-smart-groups.sdk-mock.json': () => {
    expect(smartMobileGroupPageSchema.parse(json('api-v2-mobile-device-groups-smart-groups.sdk-mock.json')).results[0]).toMatchObject({ groupId: '1', groupName: 'iPhones', count: 10 });
  },
  'api-v2-mobile-device-groups.sdk-mock.json': () => {
    expect(mobileDeviceGroupListSchema.parse(json('api-v2-mobile-device-groups.sdk-mock.json')).map((g) => [g.id, g.isSmartGroup])).toEqual([['1', true], ['10', false]]);
  },
  'api-v2-mobile-devices-detail.sdk-mock.json': () => {
    const p = mobileDeviceDetailPageSchema.parse(json('api-v2-mobile-devices-detail.sdk-mock.json'));
    expect(mobileFromDetail(p.results[0])).toMatchObject({ jamfId: '1', udid: '0DAD565FB40B010A9E490440188063A378721069', macs: ['ee:00:7c:f0:e5:ff'], serial: '5c28fdae', managed: true, osVersion: '11.4' });
  },
  'api-v2-mobile-devices.sdk-mock.json': () => {
    expect(mobileDeviceV2PageSchema.parse(json('api-v2-mobile-devices.sdk-mock.json')).results.map((d) => d.type)).toEqual(['ios', 'tvos']);
  },
  'api-v4-computers-inventory.sdk-mock.json': () => {
    const p = computerInventoryPageSchema.parse(json('api-v4-computers-inventory.sdk-mock.json'));
    expect(p.results.map(computerFromInventory).map((d) => [d.udid, d.serial, d.model])).toEqual([
      ['12345678-1234-1234-1234-123456789012', 'C02ABC123DEF', 'MacBook Pro'],
      ['87654321-4321-4321-4321-210987654321', 'C02XYZ789GHI', 'MacBook Air'],
    ]);
  },
  'webhook-ComputerInventoryCompleted.jawa-sample.json': () => {
    const w = parseWebhook(json('webhook-ComputerInventoryCompleted.jawa-sample.json'));
    expect(w.type === 'ComputerInventoryCompleted' && w.event).toMatchObject({ jssID: 2341, macAddress: '14:98:77:5B:3A:C2', alternateMacAddress: 'DC:A6:32:7F:E5:94' });
  },
  'webhook-DeviceAddedToDEP.jamf-docs-sample.json': () => {
    const w = parseWebhook(json('webhook-DeviceAddedToDEP.jamf-docs-sample.json'));
    expect(w.type === 'DeviceAddedToDEP' && w.event.serialNumber).toBe('92D8014694C4BE96B3');
  },
  'webhook-MobileDeviceInventoryCompleted.jawa-sample.json': () => {
    const w = parseWebhook(json('webhook-MobileDeviceInventoryCompleted.jawa-sample.json'));
    expect(w.type === 'MobileDeviceInventoryCompleted' && w.event).toMatchObject({ udid: '00008103-0012345678901234', wifiMacAddress: '8C:9D:AE:BF:C0:D1' });
  },
  'webhook-SmartGroupComputerMembershipChange.jawa-sample.json': () => {
    const w = parseWebhook(json('webhook-SmartGroupComputerMembershipChange.jawa-sample.json'));
    expect(w.type === 'SmartGroupComputerMembershipChange' && w.event).toEqual({ computer: true, name: 'macOS 14 - All Macs', groupId: 45, added: [892, 1547], removed: [234] });
  },
  'webhook-SmartGroupMobileDeviceMembershipChange.jawa-sample.json': () => {
    const w = parseWebhook(json('webhook-SmartGroupMobileDeviceMembershipChange.jawa-sample.json'));
    expect(w.type === 'SmartGroupMobileDeviceMembershipChange' && w.event).toEqual({ computer: false, name: 'iOS 17 - Corporate iPhones', groupId: 67, added: [3421, 5678], removed: [] });
  },
  'har-jupiterone-jamfcloud-10.42.1.trimmed.har.json': () => {
    // Checked through the HTTP client below (served with the recorded content-type).
  },
  'openapi-jamf-pro-11.30.1.subset.json': () => {
    // Checked below against the paths and privileges the client relies on.
  },
};

describe('every Jamf fixture parses', () => {
  it('has a check for every fixture file (a new fixture needs one)', () => {
    const files = readdirSync(DIR).filter((f) => f !== 'README.md').sort();
    expect(Object.keys(CHECKS).sort()).toEqual(files);
  });

  for (const [file, check] of Object.entries(CHECKS)) it(file, check);

  it('accepts the lowercase jssid that Jamf documents as well as JAWA\'s jssID', () => {
    const body = json('webhook-SmartGroupComputerMembershipChange.jawa-sample.json') as { event: Record<string, unknown> };
    const { jssID, ...rest } = body.event;
    const w = parseWebhook({ ...body, event: { ...rest, jssid: jssID } });
    expect(w.type === 'SmartGroupComputerMembershipChange' && w.event.groupId).toBe(45);
  });
});

describe('the real HAR answers parse through the HTTP client', () => {
  type HarEntry = { request: { method: string; url: string }; response: { status: number; headers: { name: string; value: string }[]; content: { text: string } } };
  const entries = (json('har-jupiterone-jamfcloud-10.42.1.trimmed.har.json') as { log: { entries: HarEntry[] } }).log.entries;
  let stub: JamfStub;
  let client: JamfHttp;

  beforeAll(async () => {
    const token = tokenIssuer();
    stub = await JamfStub.start((req) => {
      const t = token(req);
      if (t) return t;
      const e = entries.find((x) => new URL(x.request.url).pathname === `/${req.path}`)!;
      const type = e.response.headers.find((h) => h.name === 'content-type')!.value;
      return { status: e.response.status, body: e.response.content.text, headers: { 'content-type': type } };
    });
    client = new JamfHttp(stubConfig(stub.url), { logger: captureLogger().logger });
  });
  afterAll(async () => {
    client.close();
    await stub.close();
  });

  it('reads the Classic JSON sent as text/plain and the Pro API JSON', async () => {
    expect(entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/api/v1/auth/token', '/api/v1/jamf-pro-version', '/JSSResource/computers/subset/basic', '/JSSResource/computers/id/2']);
    expect((await client.get('api/v1/auth/token', userTokenSchema)).token).toBe('[REDACTED]');
    expect((await client.get('api/v1/jamf-pro-version', jamfProVersionSchema)).version).toBe('10.42.1-t1667311080');
    const basic = await client.get('JSSResource/computers/subset/basic', classicComputersBasicSchema);
    expect(basic.computers.map((c) => c.udid)).toEqual(['8195CA16-7FFE-5855-A3DD-53FD768FA558', '246F2E58-14C0-5684-AB92-6BCAF5D73838']);
    const two = await client.get('JSSResource/computers/id/2', classicComputerSchema);
    expect(computerFromClassic(two.computer)).toMatchObject({ udid: '246F2E58-14C0-5684-AB92-6BCAF5D73838', macs: ['88:e9:fe:4c:9c:9e', '82:0e:43:81:84:01'] });
  });

  it('reads Classic XML when a server ignores Accept: application/json', async () => {
    stub.handler = (req) => tokenIssuer()(req) ?? { body: text('JSSResource-computergroups-id.sdk-mock.xml'), headers: { 'content-type': 'application/xml' } };
    const g = await client.get('JSSResource/computergroups/id/1', classicComputerGroupSchema);
    expect(g.computer_group.computers[0].alt_mac_address).toBe('00:11:22:33:44:56');
  });
});

describe("Jamf's OpenAPI 11.30.1 schema agrees with the client", () => {
  type Op = { 'x-required-privileges'?: string[] };
  const spec = json('openapi-jamf-pro-11.30.1.subset.json') as { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, { required?: string[] }> } };

  it('every Pro API path the client reads exists', () => {
    const used = [
      '/v4/computers-inventory', '/v1/computers-inventory', '/v3/computer-groups/smart-groups', '/v2/computer-groups/smart-groups',
      '/v1/computer-groups', '/v3/computer-groups/smart-group-membership/{id}', '/v2/computer-groups/smart-group-membership/{id}',
      '/v2/mobile-device-groups/smart-groups', '/v1/mobile-device-groups/smart-groups', '/v2/mobile-device-groups/smart-group-membership/{id}',
      '/v1/mobile-device-groups/smart-group-membership/{id}', '/v2/mobile-devices/detail', '/v2/mobile-devices', '/v1/jamf-pro-version',
    ];
    for (const p of used) expect(spec.paths[p]?.get, p).toBeDefined();
    expect(spec.paths['/v1/oauth/token']?.post).toBeDefined();
  });

  it('names the privilege Jamf requires for each read endpoint in 403 hints', () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      const privileges = ops.get?.['x-required-privileges'];
      const hint = privilegeFor(`api${path}`);
      if (!privileges || !hint || path.includes('conditional-access') || path.includes('/devices/')) continue;
      // Static-group privileges are not needed for smart groups.
      for (const p of privileges.filter((x) => !x.includes('Static'))) expect(hint, path).toContain(p);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('the token response fields the client requires are the ones Jamf marks required', () => {
    expect(spec.components.schemas.OAuthTokenResponse.required).toEqual(expect.arrayContaining(['access_token', 'expires_in']));
  });
});
