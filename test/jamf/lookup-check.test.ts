// Single-device lookups (RSQL filters, Classic lookups on old servers) and the `portcullis jamf test` lines.
import { afterEach, describe, expect, it } from 'vitest';
import { formatCheckLine, runJamfChecks } from '../../src/jamf/check.js';
import { JamfHttp } from '../../src/jamf/http.js';
import { lookupDevice } from '../../src/jamf/lookup.js';
import { Secret } from '../../src/log/secret.js';
import { JamfStub, SECRET_ENV, captureLogger, stubConfig } from './stub.js';
import { computer, mobile, worldHandler, type World } from './world.js';

const open: { stub: JamfStub; http: JamfHttp }[] = [];

function world(over: Partial<World> = {}): World {
  return {
    computers: [computer(10), computer(11, { managed: false }), computer(12)],
    mobiles: [mobile(101), mobile(102)],
    computerGroups: [{ id: '7', name: 'Compliant Macs', members: ['10'] }, { id: '9', name: 'Other', members: ['10', '12'] }],
    mobileGroups: [{ id: '3', name: 'Compliant iPhones', members: ['102'] }],
    clamp: 2000,
    missing: [],
    ...over,
  };
}

async function setup(w: World, extra: Parameters<typeof stubConfig>[1] = {}) {
  const stub = await JamfStub.start(worldHandler(w));
  const log = captureLogger();
  const http = new JamfHttp(stubConfig(stub.url, { computer_groups: ['Compliant Macs'], mobile_device_groups: ['Compliant iPhones'], ...extra }), { logger: log.logger });
  open.push({ stub, http });
  return { stub, http };
}

afterEach(async () => {
  for (const { stub, http } of open.splice(0)) {
    http.close();
    await stub.close();
  }
});

describe('lookupDevice', () => {
  it('finds a Mac by MAC in any common format, with its compliant groups', async () => {
    const { stub, http } = await setup(world());
    const d = await lookupDevice(http, { mac: 'aa00.0000.000a' });
    expect(d).toMatchObject({ kind: 'computer', jamfId: '10', udid: '00000A00-1111-2222-3333-444455550A0A', compliantGroups: ['Compliant Macs'] });
    const inv = stub.apiRequests.find((r) => r.path === 'api/v4/computers-inventory')!;
    expect(inv.query.get('filter')).toBe('hardware.macAddress=="AA:00:00:00:00:0A"');
    expect(inv.query.getAll('section')).toContain('GROUP_MEMBERSHIPS');
  });

  it('finds an iPhone by UDID (any case) and by serial', async () => {
    const { stub, http } = await setup(world());
    expect(await lookupDevice(http, { udid: '00008030-001234567866001e' })).toMatchObject({ kind: 'mobile', jamfId: '102', compliantGroups: ['Compliant iPhones'] });
    expect(stub.apiRequests.find((r) => r.path === 'api/v2/mobile-devices/detail')!.query.get('filter')).toBe('udid=="00008030-001234567866001E"');
    expect(await lookupDevice(http, { serial: 'dmqserial101' })).toMatchObject({ kind: 'mobile', jamfId: '101', compliantGroups: [] });
  });

  it('returns undefined for a device Jamf does not have', async () => {
    const { http } = await setup(world());
    expect(await lookupDevice(http, { mac: '02:00:00:00:00:99' })).toBeUndefined();
  });

  it('refuses input that is not an identifier before asking Jamf', async () => {
    const { stub, http } = await setup(world());
    await expect(lookupDevice(http, { serial: 'x" or udid=="*' })).rejects.toThrow('is not a serial number');
    await expect(lookupDevice(http, { mac: 'not-a-mac' })).rejects.toThrow('"not-a-mac" is not a MAC address');
    expect(stub.requests).toHaveLength(0);
  });

  it('uses the Classic lookups on an old server; a Classic 404 means "no such device"', async () => {
    const { stub, http } = await setup(world({ missing: ['api/v'] }));
    expect(await lookupDevice(http, { serial: 'C02SERIAL012' }, 'computer')).toMatchObject({ jamfId: '12', osVersion: '14.5', compliantGroups: [] });
    expect(await lookupDevice(http, { udid: '00000A00-1111-2222-3333-444455550A0A' })).toMatchObject({ jamfId: '10', compliantGroups: ['Compliant Macs'] });
    expect(await lookupDevice(http, { mac: '02:00:00:00:00:99' })).toBeUndefined();
    expect(stub.apiRequests.map((r) => r.path)).toContain('JSSResource/computers/macaddress/02%3A00%3A00%3A00%3A00%3A99');
  });

  it('answers from the kind that works when the other one fails', async () => {
    const w = world({ override: (req) => (req.path.startsWith('api/v2/mobile-devices') ? { status: 403, json: { httpStatus: 403, errors: [] } } : undefined) });
    const { http } = await setup(w);
    expect(await lookupDevice(http, { mac: 'AA-00-00-00-00-0C' })).toMatchObject({ jamfId: '12' });
    await expect(lookupDevice(http, { mac: '02:00:00:00:00:99' })).rejects.toThrow(/lacks the privilege "Read Mobile Devices"/);
  });
});

describe('portcullis jamf test', () => {
  it('prints one line per check when everything is right', async () => {
    const { http } = await setup(world());
    const report = await runJamfChecks(http);
    expect(report.ok).toBe(true);
    expect(report.lines.map(formatCheckLine)).toEqual([
      `ok   credentials: token issued for API client "nac-client" at ${http.config.url} (lifetime 600 s, scope api-role:2)`,
      'ok   server: Jamf Pro 11.30.1-t1784555528405',
      'ok   privilege "Read Computers": granted',
      'ok   privilege "Read Smart Computer Groups": granted',
      'ok   privilege "Read Mobile Devices": granted',
      'ok   privilege "Read Smart Mobile Device Groups": granted',
      'ok   computer group "Compliant Macs": found (id 7), 1 member(s)',
      'ok   mobile group "Compliant iPhones": found (id 3), 1 member(s)',
    ]);
  });

  it('stops after a credentials failure with one clear line', async () => {
    const stub = await JamfStub.start(worldHandler(world()));
    const config = { ...stubConfig(stub.url), clientSecret: new Secret('wrong-secret', `env ${SECRET_ENV}`) };
    const http = new JamfHttp(config, { logger: captureLogger().logger });
    open.push({ stub, http });
    const report = await runJamfChecks(http);
    expect(report.ok).toBe(false);
    expect(report.lines).toHaveLength(1);
    expect(formatCheckLine(report.lines[0])).toBe(
      'FAIL credentials: Jamf POST api/oauth/token: HTTP 401, Jamf said: invalid_client: Client authentication failed (hint: Jamf rejected the API client credentials: ' +
        'check jamf.client_id "nac-client" and the client secret (env PORTCULLIS_TEST_JAMF_SECRET); in Jamf Pro → Settings → API roles and clients the client must be enabled and the secret current)',
    );
    expect(report.lines[0].text).not.toContain('wrong-secret');
  });

  it('names a missing privilege and a group that does not resolve', async () => {
    const w = world({ override: (req) => (req.path === 'api/v2/mobile-devices' ? { status: 403, json: { httpStatus: 403, errors: [{ code: 'INVALID_PRIVILEGE', field: '', description: 'Forbidden' }] } } : undefined) });
    const { http } = await setup(w, { computer_groups: ['Compliant Macs', 'compliant macs', 'Complaint Macs'] });
    const report = await runJamfChecks(http);
    expect(report.ok).toBe(false);
    const lines = report.lines.map(formatCheckLine);
    expect(lines).toContain(
      'FAIL privilege "Read Mobile Devices": Jamf GET api/v2/mobile-devices?page-size=1&page=0: HTTP 403, Jamf said: INVALID_PRIVILEGE: Forbidden ' +
        '(hint: the API role of client "nac-client" lacks the privilege "Read Mobile Devices" (Jamf Pro → Settings → API roles and clients → API roles))',
    );
    expect(lines).toContain('ok   computer group "compliant macs": found as "Compliant Macs" (id 7), 1 member(s)');
    expect(lines).toContain('FAIL computer group "Complaint Macs": not found: Jamf has no Smart Computer Group with this name (static groups do not count; check the spelling in Jamf Pro)');
  });
});
