import { classicComputerSchema, classicMobileDeviceSchema } from './classic-schemas.js';
import { computerFromClassic, computerFromInventory, matchGroups, mobileFromClassic, mobileFromDetail, type JamfDevice, type JamfDeviceKind } from './device.js';
import { JamfError } from './errors.js';
import type { JamfHttp } from './http.js';
import { fetchAllPages } from './paging.js';
import { rsqlEquals } from './rsql.js';
import { computerInventorySchema, mobileDeviceDetailSchema } from './schemas.js';

// One device by its Jamf id, with its compliant groups: what a webhook names (`groupAddedDevicesIds`, `jssID`).
// The Pro lists filtered on the id (`id==`, `mobileDeviceId==`) answer "no such device" with an empty page,
// which a per-id endpoint cannot tell apart from "endpoint missing" (both 404). Classic on older servers.

const COMPUTER_SECTIONS = ['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM', 'GROUP_MEMBERSHIPS'];
const MOBILE_SECTIONS = ['GENERAL', 'HARDWARE', 'GROUPS'];

async function computerById(http: JamfHttp, id: string): Promise<JamfDevice | undefined> {
  const configured = http.config.computerGroups;
  const pro = (version: 'v4' | 'v1') => async () => {
    const rows = await fetchAllPages(http, {
      path: `api/${version}/computers-inventory`,
      params: [...COMPUTER_SECTIONS.map((s): [string, string] => ['section', s]), ['filter', rsqlEquals('id', id)]],
      pageSize: 10,
    }, computerInventorySchema, (c) => c.id);
    const c = rows.find((r) => r.id === id);
    if (!c) return undefined;
    const groups = (c.groupMemberships ?? []).filter((g) => g.smartGroup !== false).map((g) => g.groupName);
    return { ...computerFromInventory(c), compliantGroups: matchGroups(groups, configured) };
  };
  const classic = async () => {
    try {
      const res = await http.get(`JSSResource/computers/id/${id}`, classicComputerSchema);
      const groups = res.computer.groups_accounts?.computer_group_memberships ?? [];
      return { ...computerFromClassic(res.computer), compliantGroups: matchGroups(groups, configured) };
    } catch (err) {
      if (err instanceof JamfError && err.isNotFound) return undefined; // Classic: 404 = no such computer
      throw err;
    }
  };
  return http.firstAvailable<JamfDevice | undefined>('computer-lookup', [pro('v4'), pro('v1'), classic]);
}

async function mobileById(http: JamfHttp, id: string): Promise<JamfDevice | undefined> {
  const configured = http.config.mobileGroups;
  const pro = async () => {
    const rows = await fetchAllPages(http, {
      path: 'api/v2/mobile-devices/detail',
      params: [...MOBILE_SECTIONS.map((s): [string, string] => ['section', s]), ['exception-handling', 'LENIENT'], ['filter', rsqlEquals('mobileDeviceId', id)]],
      pageSize: 10,
    }, mobileDeviceDetailSchema, (d) => d.mobileDeviceId);
    const d = rows.find((r) => r.mobileDeviceId === id);
    if (!d) return undefined;
    const groups = (d.groups ?? []).filter((g) => g.smart !== false).map((g) => g.groupName);
    return { ...mobileFromDetail(d), compliantGroups: matchGroups(groups, configured) };
  };
  const classic = async () => {
    try {
      const res = await http.get(`JSSResource/mobiledevices/id/${id}`, classicMobileDeviceSchema);
      const groups = res.mobile_device.mobile_device_groups.map((g) => g.name);
      return { ...mobileFromClassic(res.mobile_device), compliantGroups: matchGroups(groups, configured) };
    } catch (err) {
      if (err instanceof JamfError && err.isNotFound) return undefined;
      throw err;
    }
  };
  return http.firstAvailable<JamfDevice | undefined>('mobile-lookup', [pro, classic]);
}

/**
 * The device with this Jamf id, its compliant groups filled in; undefined when Jamf has no such device.
 * Throws TypeError for an id that is not a positive integer (it goes into a filter) and JamfError when Jamf
 * cannot be asked.
 */
export async function deviceById(http: JamfHttp, kind: JamfDeviceKind, jamfId: string | number): Promise<JamfDevice | undefined> {
  const id = String(jamfId).trim();
  if (!/^[1-9]\d{0,11}$/.test(id)) throw new TypeError(`"${id}" is not a Jamf device id`);
  return kind === 'computer' ? computerById(http, id) : mobileById(http, id);
}
