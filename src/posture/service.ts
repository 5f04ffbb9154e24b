import type { Logger } from 'pino';
import { createJamfClient, type JamfClient } from '../jamf/client.js';
import type { JamfConfig } from '../jamf/config.js';
import { fleetDevices, type FleetResult } from '../jamf/sync.js';
import type { Db } from '../store/db.js';
import { BackgroundLookups } from './lookups.js';
import { PostureSnapshotStore } from './persistence.js';
import { PostureStore } from './store.js';
import type { PostureAnswer } from './types.js';

export interface PostureSettings {
  staleAfterSeconds: number;
  lookup: { perSecond: number; negativeTtlSeconds: number; maxQueue: number };
}

/**
 * Jamf posture for the authentication path: the store answers at once from memory (persisted across
 * restarts), the poller refreshes the whole fleet every poll interval, and unseen devices are looked up in
 * the background. A failed or partial sync keeps the previous snapshot and is recorded.
 */
export class PostureService {
  readonly store: PostureStore;
  readonly client: JamfClient;
  readonly lookups: BackgroundLookups;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(jamf: JamfConfig, settings: PostureSettings, db: Db, log: Logger) {
    this.#log = log;
    this.store = new PostureStore({ staleAfterMs: settings.staleAfterSeconds * 1000, persistence: new PostureSnapshotStore(db) });
    this.client = createJamfClient(jamf, { logger: log });
    this.lookups = new BackgroundLookups({
      store: this.store,
      lookup: (key) => this.client.lookupDevice(key),
      perSecond: settings.lookup.perSecond,
      negativeTtlSeconds: settings.lookup.negativeTtlSeconds,
      maxQueue: settings.lookup.maxQueue,
      log,
    });
  }

  /** Posture for an authentication: by certificate UDID first, else by MAC; unseen devices are looked up. */
  postureFor(ids: { udid?: string; mac?: string }): PostureAnswer | undefined {
    if (!ids.udid && !ids.mac) return undefined;
    const byUdid = ids.udid ? this.store.byUdid(ids.udid) : undefined;
    const answer = byUdid && byUdid.state !== 'unknown' ? byUdid : ids.mac ? this.store.byMac(ids.mac) : byUdid!;
    if (answer.state === 'unknown') {
      if (ids.udid) this.lookups.request({ udid: ids.udid });
      else if (ids.mac) this.lookups.request({ mac: ids.mac });
    }
    return answer;
  }

  /** One full sync now; a sync already running is joined. Never throws. */
  syncNow(): Promise<void> {
    this.#running ??= this.#sync().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sync(): Promise<void> {
    const started = Date.now();
    let result: FleetResult;
    try {
      result = await this.client.fetchFleet();
    } catch (err) {
      this.#failed((err as Error).message, started);
      this.#log.error({ err: (err as Error).message }, 'Jamf sync failed; the previous snapshot stays in force');
      return;
    }
    if (result.partial && this.store.size > 0) {
      const message = result.partial.failures.map((f) => `${f.scope}: ${f.message}`).join('; ');
      this.#failed(`partial sync: ${message}`, started);
      this.#log.warn({ failures: result.partial.failures }, 'Jamf sync was partial; the previous snapshot stays in force');
      return;
    }
    try {
      const { changes } = this.store.applySnapshot(fleetDevices(result), Date.now() - started);
      this.#log.info({ computers: result.computers.length, mobiles: result.mobiles.length, changes, ms: Date.now() - started }, 'Jamf sync done');
    } catch (err) {
      // The store answers from the new fleet already; only the copy on disk is behind.
      this.#failed(`the snapshot could not be saved: ${(err as Error).message}`, started);
      this.#log.error({ err: (err as Error).message }, 'Jamf sync done, but saving the snapshot failed: after a restart the server answers from the previous one');
    }
  }

  /** Records a failed sync; a database that cannot take even that is logged, never thrown (syncNow never throws). */
  #failed(message: string, started: number): void {
    try {
      this.store.recordFailure(message, Date.now() - started);
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'recording the failed Jamf sync in the database failed');
    }
  }

  /**
   * Re-reads the snapshot from the database and emits the changes: `portcullis jamf sync` (a separate
   * process) wrote it. A sync running here is waited for first; it writes the database too.
   */
  async reloadFromStore(): Promise<{ reloaded: boolean; changes: number }> {
    await this.#running;
    const result = this.store.reloadFromPersistence();
    if (result.reloaded) this.#log.info({ devices: this.store.size, changes: result.changes }, 'Jamf snapshot reloaded from the database');
    return result;
  }

  /** Syncs now, then every poll interval. */
  start(): void {
    if (this.#timer) return;
    void this.syncNow();
    this.#timer = setInterval(() => void this.syncNow(), this.client.config.pollIntervalSeconds * 1000);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.lookups.close();
    this.client.close();
    this.store.close();
  }
}
