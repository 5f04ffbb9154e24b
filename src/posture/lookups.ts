import NodeCache from 'node-cache';
import type { JamfDevice } from '../jamf/device.js';
import type { PostureStore } from './store.js';

export type LookupRequest = { mac: string } | { udid: string };
export type DeviceLookup = (key: LookupRequest) => Promise<JamfDevice | undefined>;

export interface BackgroundLookupOptions {
  lookup: DeviceLookup;
  store: PostureStore;
  /** Jamf lookups started per second at most (Jamf asks clients to be gentle). */
  perSecond: number;
  /** A MAC/UDID Jamf did not know is not asked again for this long. */
  negativeTtlSeconds: number;
  /** Waiting lookups beyond this are dropped (counted): a flood of random MACs must not grow memory. */
  maxQueue: number;
  log?: { warn(obj: object, msg: string): void };
}

export interface LookupStats {
  requested: number;
  deduplicated: number;
  performed: number;
  found: number;
  notFound: number;
  failed: number;
  dropped: number;
}

const keyOf = (k: LookupRequest) => ('mac' in k ? `mac:${k.mac}` : `udid:${k.udid.toUpperCase()}`);

/**
 * Mist-style out-of-band lookup: an authentication that presents a MAC or UDID the store has never seen is
 * answered from what is known now, and the device is looked up in Jamf in the background — once, however
 * many requests arrive together, and at a bounded rate. A result that changes the device's posture reaches
 * subscribers through the store's 'change' event.
 */
export class BackgroundLookups {
  readonly stats: LookupStats = { requested: 0, deduplicated: 0, performed: 0, found: 0, notFound: 0, failed: 0, dropped: 0 };
  readonly #o: BackgroundLookupOptions;
  readonly #pending = new Map<string, LookupRequest>();
  readonly #inFlight = new Set<string>();
  readonly #notFound: NodeCache;
  readonly #known = new Set<string>();
  #tokens: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: BackgroundLookupOptions) {
    this.#o = options;
    this.#tokens = options.perSecond;
    this.#notFound = new NodeCache({ stdTTL: options.negativeTtlSeconds, checkperiod: Math.max(60, options.negativeTtlSeconds), useClones: false });
  }

  /** Devices looked up out of band: the poller refreshes them at each poll. */
  get lookedUp(): ReadonlySet<string> {
    return this.#known;
  }

  get queued(): number {
    return this.#pending.size + this.#inFlight.size;
  }

  /** Asks for a background lookup; returns at once. */
  request(key: LookupRequest): void {
    if (this.#closed) return;
    this.stats.requested++;
    const k = keyOf(key);
    if (this.#pending.has(k) || this.#inFlight.has(k) || this.#notFound.has(k)) {
      this.stats.deduplicated++;
      return;
    }
    if (this.#pending.size >= this.#o.maxQueue) {
      this.stats.dropped++;
      return;
    }
    this.#pending.set(k, key);
    this.#drain();
  }

  #drain(): void {
    while (this.#tokens > 0 && this.#pending.size > 0) {
      const [k, key] = this.#pending.entries().next().value as [string, LookupRequest];
      this.#pending.delete(k);
      this.#tokens--;
      this.#inFlight.add(k);
      void this.#run(k, key);
    }
    if (this.#pending.size > 0 || this.#tokens < this.#o.perSecond) this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#tokens = this.#o.perSecond;
      this.#drain();
    }, 1000);
    this.#timer.unref();
  }

  async #run(k: string, key: LookupRequest): Promise<void> {
    this.stats.performed++;
    try {
      const device = await this.#o.lookup(key);
      if (this.#closed) return;
      if (!device) {
        this.stats.notFound++;
        this.#notFound.set(k, true);
        return;
      }
      this.stats.found++;
      this.#known.add(k);
      this.#o.store.applyDevice(device, 'lookup');
    } catch (err) {
      this.stats.failed++;
      this.#o.log?.warn({ err: (err as Error).message, key: k }, 'background Jamf lookup failed');
    } finally {
      this.#inFlight.delete(k);
    }
  }

  /** The requests to refresh at each poll, as lookup keys. */
  refreshKeys(): LookupRequest[] {
    return [...this.#known].map((k) => (k.startsWith('mac:') ? { mac: k.slice(4) } : { udid: k.slice(5) }));
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#notFound.close();
    this.#pending.clear();
  }
}
