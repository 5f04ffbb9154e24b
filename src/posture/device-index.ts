import type { JamfDeviceKind } from '../jamf/device.js';
import type { DeviceAnswer } from './answer.js';
import { JamfIdTable } from './jamf-id-table.js';

/**
 * The in-memory index: one Map (or JamfIdTable) per identifier, each pointing at the device's precomputed answer (which
 * points at its record). Keys are already normalised (MACs "aa:bb:…", UDIDs and serials as Jamf gives them,
 * upper-case). A MAC or serial that two devices share (a USB Ethernet adapter moved between Macs) answers
 * for the device indexed last.
 */
export class DeviceIndex {
  readonly byMac = new Map<string, DeviceAnswer>();
  /** Also the index by store key: a record's key is its UDID (records without one are found by Jamf id). */
  readonly byUdid = new Map<string, DeviceAnswer>();
  readonly bySerial = new Map<string, DeviceAnswer>();
  /** Every device, once: the primary index (Jamf ids are unique per kind). */
  readonly #byJamfId = { computer: new JamfIdTable<DeviceAnswer>(), mobile: new JamfIdTable<DeviceAnswer>() };

  get size(): number {
    return this.#byJamfId.computer.size + this.#byJamfId.mobile.size;
  }

  byJamfId(kind: JamfDeviceKind, jamfId: string): DeviceAnswer | undefined {
    return this.#byJamfId[kind]?.get(jamfId);
  }

  /** By store key (recordKey: the UDID, or "<kind>:<jamfId>"). */
  byKey(key: string): DeviceAnswer | undefined {
    const a = this.byUdid.get(key);
    if (a !== undefined) return a;
    const colon = key.indexOf(':');
    if (colon < 0) return undefined;
    const found = this.#byJamfId[key.slice(0, colon) as JamfDeviceKind]?.get(key.slice(colon + 1));
    return found?.device.key === key ? found : undefined;
  }

  /**
   * The answer already indexed for this device: same key (a UDID Jamf gives two records: the newer one
   * replaces the older), or else same Jamf id (the record got its UDID since, so its key changed).
   */
  previous(a: DeviceAnswer): DeviceAnswer | undefined {
    const r = a.device;
    return (r.udid === undefined ? undefined : this.byUdid.get(r.udid)) ?? this.#byJamfId[r.kind]?.get(r.jamfId);
  }

  /**
   * Adds (or replaces) a device; returns the answers it replaced: the same device, and (rarely) another
   * record that had this UDID, since the UDID is the store key.
   */
  add(a: DeviceAnswer): DeviceAnswer[] {
    const r = a.device;
    const replaced: DeviceAnswer[] = [];
    const sameId = this.#byJamfId[r.kind]?.get(r.jamfId);
    const sameUdid = r.udid === undefined ? undefined : this.byUdid.get(r.udid);
    for (const old of sameId === sameUdid ? [sameId] : [sameUdid, sameId]) {
      if (old === undefined) continue;
      this.remove(old);
      replaced.push(old);
    }
    this.#byJamfId[r.kind]?.set(r.jamfId, a);
    for (const mac of r.macs) this.byMac.set(mac, a);
    if (r.udid !== undefined) this.byUdid.set(r.udid, a);
    if (r.serial !== undefined) this.bySerial.set(r.serial, a);
    return replaced;
  }

  remove(a: DeviceAnswer): void {
    const r = a.device;
    // Only entries that still point at this answer: a shared MAC may belong to another device by now.
    const drop = (map: Pick<Map<string, DeviceAnswer>, 'get' | 'delete'> | undefined, key: string | undefined) => {
      if (key !== undefined && map?.get(key) === a) map.delete(key);
    };
    drop(this.#byJamfId[r.kind], r.jamfId);
    for (const mac of r.macs) drop(this.byMac, mac);
    drop(this.byUdid, r.udid);
    drop(this.bySerial, r.serial);
  }

  *answers(): Generator<DeviceAnswer> {
    yield* this.#byJamfId.computer.values();
    yield* this.#byJamfId.mobile.values();
  }
}
