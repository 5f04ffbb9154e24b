import type { JamfDevice } from '../jamf/device.js';

/**
 * What policy sees about a device's MDM posture:
 * - compliant: managed and in at least one of the configured compliant smart groups;
 * - non-compliant: known to Jamf but in none of them (or not managed);
 * - unknown: Jamf does not know this MAC / UDID;
 * - stale: no successful Jamf sync for longer than the configured limit — never silently compliant.
 */
export type PostureState = 'compliant' | 'non-compliant' | 'unknown' | 'stale';

/** A device as the posture store keeps it: what Jamf said, and when we learned it. */
export interface DeviceRecord extends JamfDevice {
  /** Stable key: the UDID, or "<kind>:<jamfId>" where Jamf gave none. */
  key: string;
  /** compliant or non-compliant, from the groups (stale/unknown are answers, not records). */
  state: 'compliant' | 'non-compliant';
  /** Unix ms when this record was fetched from Jamf. */
  fetchedAt: number;
}

export interface PostureAnswer {
  state: PostureState;
  /** The state the record holds when `state` is stale. */
  lastKnown?: 'compliant' | 'non-compliant';
  device?: DeviceRecord;
  /** Seconds since the record was fetched from Jamf (undefined when unknown). */
  ageSeconds?: number;
}

export type ChangeSource = 'poll' | 'lookup' | 'webhook' | 'signal';

/** One device whose posture changed; emitted once per real change, never for an unchanged device. */
export interface PostureChange {
  key: string;
  udid?: string;
  macs: string[];
  from: PostureState;
  to: PostureState;
  source: ChangeSource;
  device?: DeviceRecord;
  at: number;
}

export function recordKey(d: Pick<JamfDevice, 'udid' | 'kind' | 'jamfId'>): string {
  return d.udid ?? `${d.kind}:${d.jamfId}`;
}

export function toRecord(d: JamfDevice, fetchedAt: number): DeviceRecord {
  return { ...d, key: recordKey(d), state: d.managed && d.compliantGroups.length > 0 ? 'compliant' : 'non-compliant', fetchedAt };
}
