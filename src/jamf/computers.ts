import { classicComputerSchema, classicComputersBasicSchema } from './classic-schemas.js';
import { computerFromClassic, computerFromClassicBasic, computerFromInventory, type JamfDevice } from './device.js';
import { JamfError } from './errors.js';
import type { JamfHttp } from './http.js';
import { fetchAllPages } from './paging.js';
import { rsqlEquals } from './rsql.js';
import { computerInventorySchema } from './schemas.js';

// Computer inventory: /api/v4/computers-inventory (current), /api/v1 (older servers), then the Classic
// /JSSResource/computers/subset/basic (primary MAC only, no OS version).

export type ComputerSource = 'pro' | 'classic';

export interface ComputerRecord {
  device: JamfDevice;
  /** Names of the groups Jamf lists the computer in (lookups only). */
  groups: string[];
}

const SECTIONS = ['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM'];

function inventoryParams(extra: [string, string][], sections: string[]): [string, string][] {
  return [...sections.map((s): [string, string] => ['section', s]), ['sort', 'id:asc'], ...extra];
}

/** Every computer in Jamf with its identifiers. */
export async function listComputers(http: JamfHttp, onPage?: (read: number, total: number) => void): Promise<{ devices: JamfDevice[]; source: ComputerSource }> {
  const pro = (version: 'v4' | 'v1') => async () => {
    // Each row becomes a device as it arrives: the inventory rows are not kept.
    const devices = await fetchAllPages(http, {
      path: `api/${version}/computers-inventory`,
      params: inventoryParams([], SECTIONS),
      pageSize: http.config.pageSize,
      onPage,
    }, computerInventorySchema, (c) => c.id, computerFromInventory);
    return { devices, source: 'pro' as const };
  };
  const classic = async () => {
    const res = await http.get('JSSResource/computers/subset/basic', classicComputersBasicSchema);
    return { devices: res.computers.map(computerFromClassicBasic), source: 'classic' as const };
  };
  return http.firstAvailable<{ devices: JamfDevice[]; source: ComputerSource }>('computers', [pro('v4'), pro('v1'), classic]);
}

export type ComputerKey = { field: 'udid' | 'mac' | 'serial'; value: string };

const PRO_FIELD = { udid: 'udid', mac: 'hardware.macAddress', serial: 'hardware.serialNumber' } as const;
const CLASSIC_PATH = { udid: 'udid', mac: 'macaddress', serial: 'serialnumber' } as const;

/**
 * Computers matching one identifier, with their group names. The Pro API filters on the primary MAC only
 * (hardware.altMacAddress is not filterable); the Classic /computers/macaddress/ lookup is used on old servers.
 */
export async function findComputers(http: JamfHttp, key: ComputerKey): Promise<ComputerRecord[]> {
  const pro = (version: 'v4' | 'v1') => async () => {
    const rows = await fetchAllPages(http, {
      path: `api/${version}/computers-inventory`,
      params: inventoryParams([['filter', rsqlEquals(PRO_FIELD[key.field], key.value)]], [...SECTIONS, 'GROUP_MEMBERSHIPS']),
      pageSize: 100,
    }, computerInventorySchema, (c) => c.id);
    return rows.map((c) => ({
      device: computerFromInventory(c),
      groups: (c.groupMemberships ?? []).filter((g) => g.smartGroup !== false).map((g) => g.groupName),
    }));
  };
  const classic = async () => {
    try {
      const res = await http.get(`JSSResource/computers/${CLASSIC_PATH[key.field]}/${encodeURIComponent(key.value)}`, classicComputerSchema);
      return [{ device: computerFromClassic(res.computer), groups: res.computer.groups_accounts?.computer_group_memberships ?? [] }];
    } catch (err) {
      // On the Classic API a 404 means "no such computer".
      if (err instanceof JamfError && err.isNotFound) return [];
      throw err;
    }
  };
  return http.firstAvailable<ComputerRecord[]>('computer-lookup', [pro('v4'), pro('v1'), classic]);
}
