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

/** poll: a full sync (also one `portcullis jamf sync` wrote, reloaded); staleness: the store went stale. */
export type ChangeSource = 'poll' | 'lookup' | 'webhook' | 'signal' | 'staleness';

/**
 * One device whose posture changed; emitted once per real change, never for an unchanged device. A change
 * is a new state, or a change of what policy reads from the record (model, OS version, managed, MACs,
 * groups, the record's own state while the store is stale): `from` equals `to` in that case.
 */
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

export { recordKey, toRecord } from './record.js';
