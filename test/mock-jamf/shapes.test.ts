// The mock's answers have the same keys and value types as the recorded/documented Jamf payloads in
// shared/research/jamf-fixtures (see README.md there for provenance), and fit Jamf's OpenAPI schemas.

import { jamfFixturesDir } from '../support/jamf-fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededState, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken, postForm, request } from './helpers.js';
import { compareShape, OpenApi, shapeOf, xmlTree, type Mode } from './shape.js';

const FIXTURES = jamfFixturesDir();
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const fixtureText = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const openApi = new OpenApi(fixture('openapi-jamf-pro-11.30.1.subset.json') as ConstructorParameters<typeof OpenApi>[0]);

let server: MockJamf;
let token: string;
let emptyGroupId: number;

beforeAll(async () => {
  const state = createSeededState({ seed: 5, computers: 30, mobileDevices: 15 });
  emptyGroupId = state.addGroup('computer', { name: 'Nobody', members: [] }).id;
  state.addWebhook({ name: 'Computer Enrolled', url: 'https://hooks.example.com/enrolled', event: 'ComputerAdded' });
  server = await startMockJamf({ state });
  token = await clientToken(server);
});
afterAll(() => server.close());

async function get(path: string, accept = 'application/json'): Promise<unknown> {
  const r = await request(server, path, { token, headers: { accept } });
  expect(r.status, path).toBe(200);
  return accept === 'application/json' ? r.json : r.text;
}

function expectShape(fixtureName: string, actual: unknown, mode: Mode, select: (f: unknown) => unknown = (f) => f): void {
  expect(compareShape(shapeOf([select(fixture(fixtureName))]), actual, mode)).toEqual([]);
}

function expectSchema(actual: unknown, schema: string): void {
  expect(openApi.check(actual, schema)).toEqual([]);
}

const ALL_V1 = ['GENERAL', 'DISK_ENCRYPTION', 'PURCHASING', 'APPLICATIONS', 'STORAGE', 'USER_AND_LOCATION', 'CONFIGURATION_PROFILES',
  'PRINTERS', 'SERVICES', 'HARDWARE', 'LOCAL_USER_ACCOUNTS', 'CERTIFICATES', 'ATTACHMENTS', 'PLUGINS', 'PACKAGE_RECEIPTS', 'FONTS',
  'SECURITY', 'OPERATING_SYSTEM', 'LICENSED_SOFTWARE', 'IBEACONS', 'SOFTWARE_UPDATES', 'EXTENSION_ATTRIBUTES', 'CONTENT_CACHING',
  'GROUP_MEMBERSHIPS'];
const sections = (list: string[]) => list.map((s) => `section=${s}`).join('&');

describe('auth payloads', () => {
  it('OAuth token response matches the Jamf docs example and OAuthTokenResponse', async () => {
    const r = await postForm(server, '/api/oauth/token', { grant_type: 'client_credentials', client_id: 'mock-client', client_secret: 'mock-client-secret' });
    expectShape('api-oauth-token.200.jamf-docs.json', r.json, 'exact');
    expectSchema(r.json, 'OAuthTokenResponse');
    const bad = await postForm(server, '/api/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
    expectSchema(bad.json, 'OAuthTokenEndpointErrorResponse');
  });

  it('user token and its 401 match the real captures', async () => {
    const basic = (p: string) => ({ authorization: `Basic ${Buffer.from(`admin:${p}`).toString('base64')}` });
    const ok = await request(server, '/api/v1/auth/token', { method: 'POST', headers: basic('mock-admin-password') });
    expectShape('api-v1-auth-token.200.real-redacted.json', ok.json, 'exact');
    expectSchema(ok.json, 'AuthTokenV1');
    const denied = await request(server, '/api/v1/auth/token', { method: 'POST', headers: basic('wrong') });
    expectShape('api-v1-auth-token.401.real-jamfcloud.json', denied.json, 'exact');
    expectSchema(denied.json, 'ApiError');
  });

  it('version and /api/v1/auth fit their schemas', async () => {
    expectShape('api-v1-jamf-pro-version.200.real.json', await get('/api/v1/jamf-pro-version'), 'exact');
    expectSchema(await get('/api/v1/auth'), 'AuthorizationV1');
  });
});

describe('computer inventory', () => {
  it('a GENERAL-only v1 page has the same item keys as the captured page, unrequested sections null', async () => {
    const page = (await get('/api/v1/computers-inventory?page=0&page-size=5')) as { results: Record<string, unknown>[] };
    const captured = fixture('api-v1-computers-inventory.page0-general.elastic-mock.json') as { results: Record<string, unknown>[] };
    expect(Object.keys(page.results[0]).sort()).toEqual(Object.keys(captured.results[0]).sort());
    expectShape('api-v1-computers-inventory.page0-general.elastic-mock.json', page, 'superset');
    expectSchema(page, 'ComputerInventorySearchResults');
  });

  it('v1 items with many sections match the Elastic test items and ComputerInventory', async () => {
    // The sections the Elastic items show filled in; the others are null there and checked against the schema below.
    const filled = ['GENERAL', 'DISK_ENCRYPTION', 'APPLICATIONS', 'USER_AND_LOCATION', 'CONFIGURATION_PROFILES', 'PRINTERS', 'SERVICES',
      'PLUGINS', 'PACKAGE_RECEIPTS', 'FONTS', 'SOFTWARE_UPDATES', 'GROUP_MEMBERSHIPS', 'EXTENSION_ATTRIBUTES'];
    const page = (await get(`/api/v1/computers-inventory?page-size=10&${sections(filled)}`)) as { results: unknown[] };
    // PURCHASING is left to the schema: the Elastic sample has purchasePrice as a number, the OpenAPI document as a string.
    const items = page.results.map((r) => ({ ...(r as Record<string, unknown>), purchasing: null }));
    const captured = shapeOf(fixture('api-v1-computers-inventory.results-items.elastic-test.json') as unknown[]);
    for (const item of items) expect(compareShape(captured, item, 'superset')).toEqual([]);
    expectSchema(await get(`/api/v1/computers-inventory?page-size=10&${sections(ALL_V1)}`), 'ComputerInventorySearchResults');
  });

  it('v4 items match the SDK fixture and ComputerInventoryV4 (no plugins/fonts)', async () => {
    const page = (await get(`/api/v4/computers-inventory?page-size=10&${sections(ALL_V1.filter((s) => s !== 'PLUGINS' && s !== 'FONTS'))}`)) as { results: Record<string, unknown>[] };
    expectShape('api-v4-computers-inventory.sdk-mock.json', page, 'superset');
    expectSchema(page, 'ComputerInventorySearchResultsV4');
    expect(page.results[0]).not.toHaveProperty('plugins');
    expectSchema(await get('/api/v4/computers-inventory/3?section=GENERAL&section=HARDWARE'), 'ComputerInventoryV4');
    expectSchema(await get('/api/v1/computers-inventory-detail/3'), 'ComputerInventory');
  });

  it('past the end gives the documented empty page', async () => {
    expectShape('api-v1-computers-inventory.page-past-end.jamf-example.json', await get('/api/v1/computers-inventory?page=99'), 'exact');
  });
});

describe('computer groups', () => {
  it('v1 list, v2/v3 smart-group search and membership match the fixtures exactly', async () => {
    const list = await get('/api/v1/computer-groups');
    expectShape('api-v1-computer-groups.sdk-mock.json', list, 'exact');
    expectSchema(list, { type: 'array', items: { $ref: '#/components/schemas/ComputerGroup' } } as never);
    for (const v of ['v2', 'v3']) {
      const search = await get(`/api/${v}/computer-groups/smart-groups`);
      expectShape(`api-${v}-computer-groups-smart-groups.sdk-mock.json`, search, 'exact');
      expectSchema(search, 'SmartGroupSearchResult');
    }
    for (const name of ['api-v2-computer-groups-smart-group-membership-id.sdk-mock.json', 'api-v2-computer-groups-smart-group-membership-id.sdk-mock-2.json']) {
      const members = await get('/api/v2/computer-groups/smart-group-membership/1');
      expectShape(name, members, 'exact');
      expectSchema(members, 'SmartGroupMembership');
    }
    expectShape('api-v3-computer-groups-smart-group-membership-id.empty.sdk-mock.json', await get(`/api/v3/computer-groups/smart-group-membership/${emptyGroupId}`), 'exact');
    expectSchema(await get('/api/v3/computer-groups/smart-groups/1'), 'SmartComputerGroupV3');
  });
});

describe('mobile devices and groups', () => {
  it('list, single device and details fit the fixtures and schemas', async () => {
    const list = await get('/api/v2/mobile-devices');
    expectShape('api-v2-mobile-devices.sdk-mock.json', list, 'exact');
    expectSchema(list, 'MobileDeviceSearchResultsV2');
    expectSchema(await get('/api/v2/mobile-devices/2'), 'MobileDeviceV2');
    expectSchema(await get('/api/v2/mobile-devices/2/detail'), 'MobileDeviceDetailsGetV2');
    const detail = await get('/api/v2/mobile-devices/detail?section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&section=APPLICATIONS&section=GROUPS');
    expectShape('api-v2-mobile-devices-detail.sdk-mock.json', detail, 'superset');
    expectSchema(detail, 'MobileDeviceInventorySearchResults');
  });

  it('group list, smart-group search and membership rows match the fixtures', async () => {
    const list = await get('/api/v2/mobile-device-groups');
    expectShape('api-v2-mobile-device-groups.sdk-mock.json', list, 'exact');
    expectSchema(list, { type: 'array', items: { $ref: '#/components/schemas/MobileDeviceGroup' } } as never);
    const search = await get('/api/v2/mobile-device-groups/smart-groups');
    expectShape('api-v2-mobile-device-groups-smart-groups.sdk-mock.json', search, 'exact');
    expectSchema(search, 'SmartGroupSearchResults');
    const rows = await get('/api/v2/mobile-device-groups/smart-group-membership/1');
    expectShape('api-v2-mobile-device-groups-smart-group-membership-id.sdk-mock.json', rows, 'superset');
    expectSchema(rows, 'InventoryListMobileDeviceSearchResults');
  });
});

describe('Classic API', () => {
  it('computers/subset/basic has exactly the keys of the real capture', async () => {
    expectShape('JSSResource-computers-subset-basic.200.real.json', await get('/JSSResource/computers/subset/basic'), 'exact');
  });

  it('a computer record uses only keys and types the real record has', async () => {
    for (const id of [1, 2, 3]) {
      expectShape('JSSResource-computers-id-2.200.real.json', await get(`/JSSResource/computers/id/${id}`), 'subset');
      expectShape('JSSResource-computers-id-1.200.real.json', await get(`/JSSResource/computers/id/${id}`), 'subset');
    }
  });

  it('a computer group matches the SDK JSON exactly; the mobile list is the real empty-list shape', async () => {
    expectShape('JSSResource-computergroups-id.macadmins-test.json', await get('/JSSResource/computergroups/id/2'), 'exact');
    const empty = await startMockJamf({ seed: { computers: 0, mobileDevices: 0 } });
    try {
      const r = await request(empty, '/JSSResource/mobiledevices', { token: await clientToken(empty) });
      expect(r.json).toEqual(fixture('JSSResource-mobiledevices.200-empty.real.json'));
    } finally {
      await empty.close();
    }
  });

  it('XML answers have the element layout of the SDK XML fixtures', async () => {
    const pairs: [string, string][] = [
      ['JSSResource-computergroups.sdk-mock.xml', '/JSSResource/computergroups'],
      ['JSSResource-computergroups-id.sdk-mock.xml', '/JSSResource/computergroups/id/2'],
      ['JSSResource-mobiledevicegroups-id.sdk-mock.xml', '/JSSResource/mobiledevicegroups/id/1'],
      ['JSSResource-webhooks-id.sdk-mock.xml', '/JSSResource/webhooks/id/1'],
    ];
    // Lists carry a <size> element; the hand-written SDK fixtures include it for some lists only, so it is left out.
    const layout = (xml: string) => [...xmlTree(xml)].map(([parent, children]) => [parent, [...children].filter((c) => c !== 'size').sort()]).sort();
    for (const [name, path] of pairs) {
      expect(layout((await get(path, 'application/xml')) as string), name).toEqual(layout(fixtureText(name)));
    }
  });
});

describe('errors', () => {
  it('403 and 404 bodies fit ApiError', async () => {
    const limited = await startMockJamf({ seed: { computers: 1 }, clients: [{ id: 'c', secret: 's', privileges: [] }] });
    try {
      const t = await clientToken(limited, '/api/oauth/token', 'c', 's');
      expectSchema((await request(limited, '/api/v1/computers-inventory', { token: t })).json, 'ApiError');
    } finally {
      await limited.close();
    }
    expectSchema((await request(server, '/api/v2/mobile-devices/999', { token })).json, 'ApiError');
  });
});
