import { normaliseMac } from '../posture/mac.js';
import { findComputers, type ComputerRecord } from './computers.js';
import { matchGroups, type JamfDevice, type JamfDeviceKind } from './device.js';
import type { JamfHttp } from './http.js';
import { findMobileDevices } from './mobile-devices.js';

// Out-of-band lookup of one device (an authentication presented a MAC or UDID the snapshot does not know):
// RSQL filters on computers-inventory and mobile-devices/detail, Classic lookups on old servers.

export type LookupKey = { mac: string } | { udid: string } | { serial: string };

type Field = { field: 'udid' | 'mac' | 'serial'; value: string; matches: (d: JamfDevice) => boolean };

const UDID = /^[0-9A-F]{8}(-?[0-9A-F]{4,16}){1,4}$|^[0-9A-F]{40}$/;
const SERIAL = /^[A-Z0-9]{4,32}$/;

/** Validates the key (it goes into a filter) and says how to check a result really matches. */
export function lookupField(key: LookupKey): Field {
  if ('mac' in key) {
    const mac = normaliseMac(key.mac);
    if (!mac) throw new TypeError(`"${key.mac}" is not a MAC address`);
    // Jamf stores MACs as "AA:BB:…" and compares case-insensitively.
    return { field: 'mac', value: mac.toUpperCase(), matches: (d) => d.macs.includes(mac) };
  }
  if ('udid' in key) {
    const udid = key.udid.trim().toUpperCase();
    if (!UDID.test(udid)) throw new TypeError(`"${key.udid}" is not a device UDID`);
    return { field: 'udid', value: udid, matches: (d) => d.udid === udid || d.provisioningUdid === udid };
  }
  const serial = key.serial.trim().toUpperCase();
  if (!SERIAL.test(serial)) throw new TypeError(`"${key.serial}" is not a serial number`);
  return { field: 'serial', value: serial, matches: (d) => d.serial?.toUpperCase() === serial };
}

function newest(devices: JamfDevice[]): JamfDevice | undefined {
  return [...devices].sort((a, b) => (b.lastInventory ?? '').localeCompare(a.lastInventory ?? ''))[0];
}

/**
 * The device with this MAC, UDID or serial, with its compliant groups; undefined when Jamf has none.
 * Searches the device kinds that have configured groups (or `kind`). With several records (re-enrolments)
 * the most recently inventoried wins. Throws JamfError when Jamf cannot be asked and nothing was found.
 */
export async function lookupDevice(http: JamfHttp, key: LookupKey, kind?: JamfDeviceKind): Promise<JamfDevice | undefined> {
  const f = lookupField(key);
  const { computerGroups, mobileGroups } = http.config;
  const wantComputers = kind ? kind === 'computer' : computerGroups.length > 0;
  const wantMobiles = kind ? kind === 'mobile' : mobileGroups.length > 0;

  const tagged = (records: ComputerRecord[], configured: readonly string[]) =>
    records.map((r) => ({ ...r.device, compliantGroups: matchGroups(r.groups, configured) })).filter(f.matches);

  const searches = await Promise.allSettled([
    wantComputers ? findComputers(http, f).then((r) => tagged(r, computerGroups)) : Promise.resolve([]),
    wantMobiles ? findMobileDevices(http, f).then((r) => tagged(r, mobileGroups)) : Promise.resolve([]),
  ]);
  const found = searches.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  if (found.length) return newest(found);
  const failed = searches.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return undefined;
}
