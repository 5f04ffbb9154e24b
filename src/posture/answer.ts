import type { DeviceRecord, PostureAnswer, PostureState } from './types.js';

/**
 * The answer for one known device, made once per record and returned as-is by every lookup while the store
 * is fresh: the authentication path allocates nothing. `ageSeconds` is worked out when it is read (the
 * auth log reads it once per authentication, most lookups never do).
 */
export class DeviceAnswer implements PostureAnswer {
  readonly state: PostureState;
  /** The state the record holds when `state` is stale. */
  readonly lastKnown: DeviceRecord['state'] | undefined;
  readonly device: DeviceRecord;
  readonly #clock: () => number;

  constructor(device: DeviceRecord, clock: () => number, stale = false) {
    this.state = stale ? 'stale' : device.state;
    this.lastKnown = stale ? device.state : undefined;
    this.device = device;
    this.#clock = clock;
  }

  /** Seconds since the record was fetched from Jamf. */
  get ageSeconds(): number {
    const now = this.#clock();
    return now > this.device.fetchedAt ? Math.round((now - this.device.fetchedAt) / 1000) : 0;
  }

  /** The same device answered while the whole store is stale (rare: allocated per call). */
  asStale(): DeviceAnswer {
    return new DeviceAnswer(this.device, this.#clock, true);
  }

  /** Logs and JSON see the age too (a getter is not an own property). */
  toJSON(): PostureAnswer {
    return { state: this.state, lastKnown: this.lastKnown, device: this.device, ageSeconds: this.ageSeconds };
  }
}
