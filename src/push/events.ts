import { EventEmitter } from 'node:events';
import type { JamfDevice } from '../jamf/device.js';
import type { JamfHttp } from '../jamf/http.js';
import type { ChangeSource, DeviceRecord } from '../posture/types.js';

// What the push receiver needs from the posture layer (PostureService satisfies it), and the events it emits
// for the policy/CoA layer. Posture changes themselves come from the PostureStore's 'change' event, as for
// polling (source 'webhook' or 'signal').

export type DeviceRef = { udid?: string; serial?: string; mac?: string };

export interface PostureStoreLike {
  applyDevice(device: JamfDevice, source: ChangeSource): void;
  applySignal(ref: DeviceRef, state: 'compliant' | 'non-compliant', source: ChangeSource): 'changed' | 'unchanged' | 'not-found';
  byJamfId(kind: 'computer' | 'mobile', jamfId: string): DeviceRecord | undefined;
  bySerial(serial: string): DeviceRecord | undefined;
  find(text: string): DeviceRecord | undefined;
}

export interface PostureLike {
  readonly store: PostureStoreLike;
  readonly client: {
    deviceById(kind: 'computer' | 'mobile', jamfId: string): Promise<JamfDevice | undefined>;
    /** Only `http` is used, to resolve configured smart-group names to ids. */
    readonly http: JamfHttp;
  };
  /** A full sync (joined when one is running); used when a webhook names too many devices. */
  syncNow(): Promise<void>;
}

/** A CAEP session-revoked event for a device: the lead routes it to a RADIUS Disconnect. */
export interface SessionRevoked {
  /** The identifiers the SET's subject gave (normalised: UDID upper-case, MAC aa:bb:…). */
  ref: DeviceRef;
  /** The device's MACs when the posture store knows it (what a Disconnect-Request needs). */
  macs: string[];
  /** The store's key for the device, when known. */
  deviceKey?: string;
  issuer: string;
  jti: string;
  /** event_timestamp (ms) or the SET's iat. */
  at: number;
}

export interface VerificationReceived {
  issuer: string;
  jti: string;
  /** The `state` the receiver's verification request carried (echoed back by the transmitter). */
  state?: string;
}

export type PushEventMap = {
  'session-revoked': [SessionRevoked];
  verification: [VerificationReceived];
};

/**
 * Events of the push receiver:
 * - 'session-revoked' (SessionRevoked): a CAEP session-revoked SET for a device; disconnect its sessions.
 * - 'verification' (VerificationReceived): an SSF verification SET arrived (the stream works).
 */
export class PushEvents extends EventEmitter<PushEventMap> {}
