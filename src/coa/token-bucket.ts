// Pacing for a mass change: at most `perSecond` requests a second, with a small burst so timers need not fire
// for every single packet. A thousand devices changing posture at once go out at the configured rate.

export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(perSecond: number, burst: number, now: () => number = () => performance.now()) {
    if (!(perSecond > 0)) throw new RangeError('perSecond must be above 0');
    this.#perMs = perSecond / 1000;
    this.#burst = Math.max(1, burst);
    this.#now = now;
    this.#tokens = this.#burst;
    this.#at = now();
  }

  /** Takes a token: returns 0, or (taking nothing) the milliseconds until one is available. */
  take(): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs));
  }
}

/** A tenth of a second's worth of requests, at least one. */
export function defaultBurst(perSecond: number): number {
  return Math.max(1, Math.floor(perSecond / 10));
}
