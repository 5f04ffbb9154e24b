import type { JamfDevice } from '../jamf/device.js';
import { intern, internList } from './intern.js';
import type { DeviceRecord } from './types.js';

// DeviceRecords are built here, with the same field order, and repeated values (model, OS version, group
// lists) as shared copies: the index holds 100,000s of them.

export function recordKey(d: Pick<JamfDevice, 'udid' | 'kind' | 'jamfId'>): string {
  // join, not a template literal: a flat string rather than a cons-string tree.
  return d.udid ?? [d.kind, d.jamfId].join(':');
}

export function stateFromGroups(d: Pick<JamfDevice, 'managed' | 'compliantGroups'>): DeviceRecord['state'] {
  return d.managed && d.compliantGroups.length > 0 ? 'compliant' : 'non-compliant';
}

/** The record for a device Jamf just described; `state` overrides the groups (a push signal). */
export function toRecord(d: JamfDevice, fetchedAt: number, state: DeviceRecord['state'] = stateFromGroups(d)): DeviceRecord {
  return {
    kind: d.kind,
    jamfId: d.jamfId,
    udid: d.udid,
    provisioningUdid: d.provisioningUdid,
    macs: d.macs,
    serial: d.serial,
    name: d.name,
    model: intern(d.model),
    osVersion: intern(d.osVersion),
    managed: d.managed,
    lastInventory: d.lastInventory,
    compliantGroups: internList(d.compliantGroups),
    key: recordKey(d),
    state,
    fetchedAt,
  };
}

/**
 * The device object itself turned into its record (three fields added), for devices the store may own:
 * a full sync's 100,000 fresh objects. Copying them instead would hold two objects per device at the peak
 * of the sync. An object that already is a record (it has a key) is copied: it may be another store's.
 */
export function adoptAsRecord(d: JamfDevice, fetchedAt: number): DeviceRecord {
  if ('key' in d) return toRecord(d, fetchedAt);
  const r = d as DeviceRecord;
  r.model = intern(d.model);
  r.osVersion = intern(d.osVersion);
  r.compliantGroups = internList(d.compliantGroups);
  r.key = recordKey(d);
  r.state = stateFromGroups(d);
  r.fetchedAt = fetchedAt;
  return r;
}

/** A record read back from the snapshot (JSON written by JSON.stringify(record)): the parsed object is kept. */
export function recordFromStored(json: string): DeviceRecord {
  const r = JSON.parse(json) as DeviceRecord;
  r.macs ??= [];
  r.compliantGroups = internList(r.compliantGroups ?? []);
  r.model = intern(r.model);
  r.osVersion = intern(r.osVersion);
  r.key = recordKey(r);
  r.state = r.state === 'compliant' ? 'compliant' : 'non-compliant';
  return r;
}

/**
 * What policy can see of a record besides the answer's state: the record's own state (`lastKnown` while the
 * store is stale), managed, kind, model, OS version, UDID, MACs and compliant groups. A change of name,
 * serial, inventory date or fetch time is not a posture change.
 */
export function visiblyChanged(a: DeviceRecord, b: DeviceRecord): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x === y || (x.length === y.length && x.every((v) => y.includes(v)));
  return a.state !== b.state || a.managed !== b.managed || a.kind !== b.kind || a.model !== b.model || a.osVersion !== b.osVersion
    || a.udid !== b.udid || !sameList(a.macs, b.macs) || !sameList(a.compliantGroups, b.compliantGroups);
}
