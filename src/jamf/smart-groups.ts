import {
  classicComputerGroupListSchema, classicComputerGroupSchema, classicMobileGroupListSchema, classicMobileGroupSchema,
  type ClassicComputerGroup,
} from './classic-schemas.js';
import { mobileFromClassicRow, mobileFromInventoryList, type JamfDevice, type JamfDeviceKind } from './device.js';
import type { JamfHttp } from './http.js';
import { fetchAllPages } from './paging.js';
import { pickByName, rsqlEquals } from './rsql.js';
import {
  computerGroupListSchema, inventoryListMobileDeviceSchema, smartComputerGroupSchema, smartGroupMembershipSchema,
  smartMobileGroupSchema,
} from './schemas.js';

// Smart group name → id → members. Pro API first (newest version first); a 404 means the endpoint is missing
// on this (older) server and the next one is tried, ending with the Classic API.

export interface ResolvedGroup {
  kind: JamfDeviceKind;
  /** The name as configured. */
  name: string;
  /** The name as Jamf spells it. */
  jamfName: string;
  id: string;
  /** Jamf's own count, when the endpoint gives one. */
  memberCount?: number;
}

export interface ComputerGroupMembers {
  ids: string[];
  /** Classic fallback only: member rows carry MACs and serial (not the UDID). */
  classicRows?: ClassicComputerGroup['computers'];
}

export interface MobileGroupMembers {
  ids: string[];
  /** Mobile membership rows are full inventory summaries: the devices of the members asked for. */
  devices: JamfDevice[];
}

function pageSize(http: JamfHttp): number {
  return http.config.pageSize;
}

export async function resolveComputerGroup(http: JamfHttp, name: string): Promise<ResolvedGroup | undefined> {
  const pro = (version: 'v3' | 'v2') => async () => {
    const rows = await fetchAllPages(http, {
      path: `api/${version}/computer-groups/smart-groups`,
      params: [['filter', rsqlEquals('name', name)], ['sort', 'id:asc']],
      pageSize: pageSize(http),
    }, smartComputerGroupSchema, (g) => g.id);
    const g = pickByName(rows, name, (r) => r.name);
    return g && { kind: 'computer' as const, name, jamfName: g.name, id: g.id, memberCount: g.membershipCount ?? undefined };
  };
  const v1 = async () => {
    const rows = (await http.get('api/v1/computer-groups', computerGroupListSchema)).filter((g) => g.smartGroup !== false);
    const g = pickByName(rows, name, (r) => r.name);
    return g && { kind: 'computer' as const, name, jamfName: g.name, id: g.id };
  };
  const classic = async () => {
    const list = await http.get('JSSResource/computergroups', classicComputerGroupListSchema);
    const g = pickByName(list.computer_groups.filter((r) => r.is_smart !== false), name, (r) => r.name);
    return g && { kind: 'computer' as const, name, jamfName: g.name, id: g.id };
  };
  return http.firstAvailable<ResolvedGroup | undefined>('computer-groups', [pro('v3'), pro('v2'), v1, classic]);
}

export async function computerGroupMembers(http: JamfHttp, groupId: string): Promise<ComputerGroupMembers> {
  const id = encodeURIComponent(groupId);
  const pro = (version: 'v3' | 'v2') => async () => {
    const res = await http.get(`api/${version}/computer-groups/smart-group-membership/${id}`, smartGroupMembershipSchema);
    return { ids: res.members };
  };
  const classic = async () => {
    const res = await http.get(`JSSResource/computergroups/id/${id}`, classicComputerGroupSchema);
    return { ids: res.computer_group.computers.map((c) => c.id), classicRows: res.computer_group.computers };
  };
  return http.firstAvailable<ComputerGroupMembers>('computer-group-members', [pro('v3'), pro('v2'), classic]);
}

export async function resolveMobileGroup(http: JamfHttp, name: string): Promise<ResolvedGroup | undefined> {
  const pro = (version: 'v2' | 'v1') => async () => {
    const rows = await fetchAllPages(http, {
      path: `api/${version}/mobile-device-groups/smart-groups`,
      params: [['filter', rsqlEquals('groupName', name)], ['sort', 'groupId:asc']],
      pageSize: pageSize(http),
    }, smartMobileGroupSchema, (g) => g.groupId);
    const g = pickByName(rows, name, (r) => r.groupName);
    return g && { kind: 'mobile' as const, name, jamfName: g.groupName, id: g.groupId, memberCount: g.count ?? undefined };
  };
  const classic = async () => {
    const list = await http.get('JSSResource/mobiledevicegroups', classicMobileGroupListSchema);
    const g = pickByName(list.mobile_device_groups.filter((r) => r.is_smart !== false), name, (r) => r.name);
    return g && { kind: 'mobile' as const, name, jamfName: g.name, id: g.id };
  };
  return http.firstAvailable<ResolvedGroup | undefined>('mobile-groups', [pro('v2'), pro('v1'), classic]);
}

/**
 * Members of a smart mobile device group. `describe` says which members' rows to turn into devices (a sync
 * only needs those missing from the inventory list; the others would be a second copy of most of the fleet).
 */
export async function mobileGroupMembers(http: JamfHttp, groupId: string, describe: (id: string) => boolean = () => true): Promise<MobileGroupMembers> {
  const id = encodeURIComponent(groupId);
  const split = (rows: (JamfDevice | string)[]) => ({
    ids: rows.map((r) => (typeof r === 'string' ? r : r.jamfId)),
    devices: rows.filter((r): r is JamfDevice => typeof r !== 'string'),
  });
  const pro = (version: 'v2' | 'v1') => async () => {
    const rows = await fetchAllPages(http, {
      path: `api/${version}/mobile-device-groups/smart-group-membership/${id}`,
      params: [['sort', 'mobileDeviceId:asc']],
      pageSize: pageSize(http),
    }, inventoryListMobileDeviceSchema, (r) => r.mobileDeviceId, (r) => (describe(r.mobileDeviceId) ? mobileFromInventoryList(r) : r.mobileDeviceId));
    return split(rows);
  };
  const classic = async () => {
    const res = await http.get(`JSSResource/mobiledevicegroups/id/${id}`, classicMobileGroupSchema);
    return split(res.mobile_device_group.mobile_devices.map((r) => (describe(r.id) ? mobileFromClassicRow(r) : r.id)));
  };
  return http.firstAvailable<MobileGroupMembers>('mobile-group-members', [pro('v2'), pro('v1'), classic]);
}
