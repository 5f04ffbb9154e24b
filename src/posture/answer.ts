import type { DeviceRecord, PostureAnswer, PostureState } from './types.js';

/**
 * The answer for one known device, made once per record and returned as-is by every lookup while the store
 * is fresh: the authentication path allocates nothing. `ageSeconds` is worked out when it is read (the
 * auth log reads it once per authentication, most lookups never do).
 */
export class DeviceAnswer implements PostureAnswer {
  readonly state: PostureState;
  readonly device: DeviceRecord;
  /** The store's update pass that made this answer (tells this sync's answers from the previous ones). */
  readonly pass: number;
  readonly #clock: () => number;

  constructor(device: DeviceRecord, clock: () => number, pass: number, stale = false) {
    this.state = stale ? 'stale' : device.state;
    this.device = device;
    this.pass = pass;
    this.#clock = clock;
  }

  /** The state the record holds when `state` is stale. */
  get lastKnown(): DeviceRecord['state'] | undefined {
    return this.state === 'stale' ? this.device.state : undefined;
  }

  /** Seconds since the record was fetched from Jamf. */
  get ageSeconds(): number {
    const now = this.#clock();
    return now > this.device.fetchedAt ? Math.round((now - this.device.fetchedAt) / 1000) : 0;
  }

  /** The same device answered while the whole store is stale (rare: allocated per call). */
  asStale(): DeviceAnswer {
    return new DeviceAnswer(this.device, this.#clock, this.pass, true);
  }

  /** Logs and JSON see lastKnown and the age too (getters are not own properties). */
  toJSON(): PostureAnswer {
    return { state: this.state, lastKnown: this.lastKnown, device: this.device, ageSeconds: this.ageSeconds };
  }
}
