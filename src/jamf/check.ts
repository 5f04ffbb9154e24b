import { classicComputerGroupListSchema, classicComputersBasicSchema, classicMobileDevicesSchema, classicMobileGroupListSchema } from './classic-schemas.js';
import type { JamfHttp, Schema } from './http.js';
import { computerGroupListSchema, computerInventoryPageSchema, jamfProVersionSchema, mobileDeviceV2PageSchema, smartComputerGroupPageSchema, smartMobileGroupPageSchema } from './schemas.js';
import { computerGroupMembers, mobileGroupMembers, resolveComputerGroup, resolveMobileGroup, type ResolvedGroup } from './smart-groups.js';

// `portcullis jamf test`: credentials, privileges and group names, one clear line each.

export interface JamfCheckLine {
  ok: boolean;
  /** "credentials", "privilege Read Computers", 'computer group "Compliant Macs"'. */
  check: string;
  text: string;
}

export interface JamfCheckReport {
  ok: boolean;
  lines: JamfCheckLine[];
}

export function formatCheckLine(line: JamfCheckLine): string {
  return `${line.ok ? 'ok  ' : 'FAIL'} ${line.check}: ${line.text}`;
}

type Probe = { privilege: string; attempts: (http: JamfHttp) => (() => Promise<unknown>)[] };

const one = { 'page-size': 1, page: 0 };
const get = <T>(path: string, schema: Schema<T>, query?: Record<string, string | number>) => (http: JamfHttp) => () => http.get(path, schema, query);

const COMPUTER_PROBES: Probe[] = [
  {
    privilege: 'Read Computers',
    attempts: (h) => [get('api/v4/computers-inventory', computerInventoryPageSchema, one)(h), get('api/v1/computers-inventory', computerInventoryPageSchema, one)(h), get('JSSResource/computers/subset/basic', classicComputersBasicSchema)(h)],
  },
  {
    privilege: 'Read Smart Computer Groups',
    attempts: (h) => [get('api/v3/computer-groups/smart-groups', smartComputerGroupPageSchema, one)(h), get('api/v2/computer-groups/smart-groups', smartComputerGroupPageSchema, one)(h), get('api/v1/computer-groups', computerGroupListSchema)(h), get('JSSResource/computergroups', classicComputerGroupListSchema)(h)],
  },
];

const MOBILE_PROBES: Probe[] = [
  {
    privilege: 'Read Mobile Devices',
    attempts: (h) => [get('api/v2/mobile-devices', mobileDeviceV2PageSchema, one)(h), get('JSSResource/mobiledevices', classicMobileDevicesSchema)(h)],
  },
  {
    privilege: 'Read Smart Mobile Device Groups',
    attempts: (h) => [get('api/v2/mobile-device-groups/smart-groups', smartMobileGroupPageSchema, one)(h), get('api/v1/mobile-device-groups/smart-groups', smartMobileGroupPageSchema, one)(h), get('JSSResource/mobiledevicegroups', classicMobileGroupListSchema)(h)],
  },
];

async function line(check: string, body: () => Promise<string>): Promise<JamfCheckLine> {
  try {
    return { ok: true, check, text: await body() };
  } catch (err) {
    return { ok: false, check, text: (err as Error).message };
  }
}

async function groupLine(http: JamfHttp, kind: 'computer' | 'mobile', name: string): Promise<JamfCheckLine> {
  const check = `${kind} group "${name}"`;
  let group: ResolvedGroup | undefined;
  try {
    group = await (kind === 'computer' ? resolveComputerGroup(http, name) : resolveMobileGroup(http, name));
  } catch (err) {
    return { ok: false, check, text: (err as Error).message };
  }
  if (!group) {
    const what = kind === 'computer' ? 'Smart Computer Group' : 'Smart Device Group';
    return { ok: false, check, text: `not found: Jamf has no ${what} with this name (static groups do not count; check the spelling in Jamf Pro)` };
  }
  return line(check, async () => {
    const members = kind === 'computer' ? await computerGroupMembers(http, group.id) : await mobileGroupMembers(http, group.id);
    const spelling = group.jamfName !== name ? ` as "${group.jamfName}"` : '';
    return `found${spelling} (id ${group.id}), ${members.ids.length} member(s)`;
  });
}

/** Runs the checks in order; after a credentials failure the rest would only repeat it, so they are skipped. */
export async function runJamfChecks(http: JamfHttp): Promise<JamfCheckReport> {
  const { config } = http;
  const lines: JamfCheckLine[] = [];
  const credentials = await line('credentials', async () => {
    await http.token();
    const info = http.tokenInfo();
    return `token issued for API client "${config.clientId}" at ${config.url}${info ? ` (lifetime ${info.expiresInSeconds} s${info.scope ? `, scope ${info.scope}` : ''})` : ''}`;
  });
  lines.push(credentials);
  if (!credentials.ok) return { ok: false, lines };

  lines.push(await line('server', async () => `Jamf Pro ${(await http.get('api/v1/jamf-pro-version', jamfProVersionSchema)).version}`));

  const probes = [...(config.computerGroups.length ? COMPUTER_PROBES : []), ...(config.mobileGroups.length ? MOBILE_PROBES : [])];
  for (const p of probes) {
    lines.push(await line(`privilege "${p.privilege}"`, async () => {
      await http.firstAvailable(`probe ${p.privilege}`, p.attempts(http));
      return 'granted';
    }));
  }
  for (const name of config.computerGroups) lines.push(await groupLine(http, 'computer', name));
  for (const name of config.mobileGroups) lines.push(await groupLine(http, 'mobile', name));
  return { ok: lines.every((l) => l.ok), lines };
}
