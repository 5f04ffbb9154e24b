import { classicMobileDeviceSchema, classicMobileDevicesSchema } from './classic-schemas.js';
import { mobileFromClassic, mobileFromClassicRow, mobileFromDetail, type JamfDevice } from './device.js';
import { JamfError } from './errors.js';
import type { JamfHttp } from './http.js';
import { fetchAllPages } from './paging.js';
import { rsqlEquals } from './rsql.js';
import { mobileDeviceDetailSchema } from './schemas.js';

// Mobile device inventory: /api/v2/mobile-devices/detail (managed flag and inventory date included), then the
// Classic /JSSResource/mobiledevices. LENIENT makes Jamf null one broken section instead of failing the page.

export type MobileSource = 'pro' | 'classic';

export interface MobileRecord {
  device: JamfDevice;
  /** Names of the groups Jamf lists the device in (lookups only). */
  groups: string[];
}

function detailParams(sections: string[], extra: [string, string][]): [string, string][] {
  return [...sections.map((s): [string, string] => ['section', s]), ['sort', 'mobileDeviceId:asc'], ['exception-handling', 'LENIENT'], ...extra];
}

/** Every mobile device in Jamf with its identifiers. */
export async function listMobileDevices(http: JamfHttp, onPage?: (read: number, total: number) => void): Promise<{ devices: JamfDevice[]; source: MobileSource }> {
  const pro = async () => {
    const devices = await fetchAllPages(http, {
      path: 'api/v2/mobile-devices/detail',
      params: detailParams(['GENERAL', 'HARDWARE'], []),
      pageSize: http.config.pageSize,
      onPage,
    }, mobileDeviceDetailSchema, (d) => d.mobileDeviceId, mobileFromDetail);
    return { devices, source: 'pro' as const };
  };
  const classic = async () => {
    const res = await http.get('JSSResource/mobiledevices', classicMobileDevicesSchema);
    return { devices: res.mobile_devices.map(mobileFromClassicRow), source: 'classic' as const };
  };
  return http.firstAvailable<{ devices: JamfDevice[]; source: MobileSource }>('mobiles', [pro, classic]);
}

export type MobileKey = { field: 'udid' | 'mac' | 'serial'; value: string };

const PRO_FIELD = { udid: 'udid', mac: 'wifiMacAddress', serial: 'serialNumber' } as const;
const CLASSIC_PATH = { udid: 'udid', mac: 'macaddress', serial: 'serialnumber' } as const;

/** Mobile devices matching one identifier, with their group names. */
export async function findMobileDevices(http: JamfHttp, key: MobileKey): Promise<MobileRecord[]> {
  const pro = async () => {
    const rows = await fetchAllPages(http, {
      path: 'api/v2/mobile-devices/detail',
      params: detailParams(['GENERAL', 'HARDWARE', 'GROUPS'], [['filter', rsqlEquals(PRO_FIELD[key.field], key.value)]]),
      pageSize: 100,
    }, mobileDeviceDetailSchema, (d) => d.mobileDeviceId);
    return rows.map((d) => ({
      device: mobileFromDetail(d),
      groups: (d.groups ?? []).filter((g) => g.smart !== false).map((g) => g.groupName),
    }));
  };
  const classic = async () => {
    try {
      const res = await http.get(`JSSResource/mobiledevices/${CLASSIC_PATH[key.field]}/${encodeURIComponent(key.value)}`, classicMobileDeviceSchema);
      return [{ device: mobileFromClassic(res.mobile_device), groups: res.mobile_device.mobile_device_groups.map((g) => g.name) }];
    } catch (err) {
      if (err instanceof JamfError && err.isNotFound) return [];
      throw err;
    }
  };
  return http.firstAvailable<MobileRecord[]>('mobile-lookup', [pro, classic]);
}
