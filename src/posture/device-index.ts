import type { JamfDeviceKind } from '../jamf/device.js';
import type { DeviceAnswer } from './answer.js';
import { JamfIdTable } from './jamf-id-table.js';

/**
 * The in-memory index: one Map (or JamfIdTable) per identifier, each pointing at the device's precomputed
 * answer (which points at its record). Keys are already normalised (MACs "aa:bb:…", UDIDs and serials as Jamf gives them,
 * upper-case). A MAC or serial that two devices share (a USB Ethernet adapter moved between Macs) answers
 * for the device indexed last.
 */
export class DeviceIndex {
  readonly byMac = new Map<string, DeviceAnswer>();
  /** Also the index by store key: a record's key is its UDID (records without one are found by Jamf id). */
  readonly byUdid = new Map<string, DeviceAnswer>();
  /**
   * Serial → device, built on first use: only webhooks and push signals ask by serial, never the
   * authentication path, and a Map over 100,000 devices is ~4 MB (as much again while it grows during a
   * sync). Once built it is kept up to date.
   */
  #bySerial: Map<string, DeviceAnswer> | undefined;
  /** Every device, once: the primary index (Jamf ids are unique per kind). */
  readonly #byJamfId = { computer: new JamfIdTable<DeviceAnswer>(), mobile: new JamfIdTable<DeviceAnswer>() };

  get size(): number {
    return this.#byJamfId.computer.size + this.#byJamfId.mobile.size;
  }

  bySerial(serial: string): DeviceAnswer | undefined {
    if (this.#bySerial === undefined) {
      this.#bySerial = new Map();
      for (const a of this.answers()) if (a.device.serial !== undefined) this.#bySerial.set(a.device.serial, a);
    }
    return this.#bySerial.get(serial);
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
   * record that had this UDID, since the UDID is the store key. Keys the device keeps are overwritten in
   * place (a Map keeps the slot, so re-syncing an unchanged fleet does not churn the tables); only keys the
   * new record no longer has are deleted.
   */
  add(a: DeviceAnswer): DeviceAnswer[] {
    const r = a.device;
    const ids = this.#byJamfId[r.kind];
    const sameId = ids?.get(r.jamfId);
    const sameUdid = r.udid === undefined ? undefined : this.byUdid.get(r.udid);
    ids?.set(r.jamfId, a);
    for (const mac of r.macs) this.byMac.set(mac, a);
    if (r.udid !== undefined) this.byUdid.set(r.udid, a);
    if (r.serial !== undefined) this.#bySerial?.set(r.serial, a);
    const replaced: DeviceAnswer[] = [];
    if (sameId !== undefined && sameId !== a) replaced.push(sameId);
    if (sameUdid !== undefined && sameUdid !== a && sameUdid !== sameId) replaced.push(sameUdid);
    for (const old of replaced) this.remove(old);
    return replaced;
  }

  /** Still indexed (not replaced or removed since it was added). */
  has(a: DeviceAnswer): boolean {
    return this.#byJamfId[a.device.kind]?.get(a.device.jamfId) === a;
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
    drop(this.#bySerial, r.serial);
  }

  *answers(): Generator<DeviceAnswer> {
    yield* this.#byJamfId.computer.values();
    yield* this.#byJamfId.mobile.values();
  }
}
