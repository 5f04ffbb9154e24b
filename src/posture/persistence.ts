import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db.js';
import { recordFromStored } from './record.js';
import type { DeviceRecord } from './types.js';

/** Rows per INSERT statement when the whole snapshot is written: one call into SQLite per batch, not per row. */
const BATCH = 100;
/** SQLite page cache while the snapshot is rewritten (negative: KiB). */
const WRITE_CACHE_KIB = -2048;

/**
 * The last known fleet in SQLite, so a restarted server answers at once, before Jamf answers anything.
 * Written and read as a stream: a 100,000-device snapshot never exists as one array or one string.
 */
export class PostureSnapshotStore {
  readonly #db: Db;
  readonly #insert: Statement;
  readonly #insertBatch: Statement;
  readonly #delete: Statement;
  readonly #select: Statement;

  constructor(db: Db) {
    this.#db = db;
    const sql = (rows: number) => `INSERT OR REPLACE INTO posture_devices (key, record, fetched_at) VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}`;
    this.#insert = db.prepare(sql(1));
    this.#delete = db.prepare('DELETE FROM posture_devices WHERE key = ?');
    this.#select = db.prepare('SELECT record FROM posture_devices').pluck();
    this.#insertBatch = db.prepare(sql(BATCH));
  }

  /**
   * Replaces the whole snapshot in one transaction (a failed write leaves the previous one intact). The
   * page cache is held at 2 MiB meanwhile: better-sqlite3's default of 16 MiB would fill up with pages this
   * write never reads again, on top of the fleet the sync holds in memory.
   */
  replaceAll(records: Iterable<DeviceRecord>, meta: SyncMeta): void {
    const cacheSize = this.#db.pragma('cache_size', { simple: true }) as number;
    this.#db.pragma(`cache_size = ${WRITE_CACHE_KIB}`);
    try {
      this.#writeAll(records, meta);
    } finally {
      this.#db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  #writeAll(records: Iterable<DeviceRecord>, meta: SyncMeta): void {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM posture_devices');
      const args: unknown[] = [];
      for (const r of records) {
        args.push(r.key, JSON.stringify(r), r.fetchedAt);
        if (args.length === BATCH * 3) {
          this.#insertBatch.run(args);
          args.length = 0;
        }
      }
      for (let i = 0; i < args.length; i += 3) this.#insert.run(args[i], args[i + 1], args[i + 2]);
      this.#saveMeta(meta);
    })();
  }

  upsert(record: DeviceRecord): void {
    this.#insert.run(record.key, JSON.stringify(record), record.fetchedAt);
  }

  remove(key: string): void {
    this.#delete.run(key);
  }

  /** Every stored record, one row at a time (the connection is busy until the iteration ends). */
  *iterate(): Generator<DeviceRecord> {
    for (const json of this.#select.iterate() as IterableIterator<string>) yield recordFromStored(json);
  }

  /** Every stored record as an array (tests and small tools; the store itself iterates). */
  loadAll(): DeviceRecord[] {
    return [...this.iterate()];
  }

  #saveMeta(meta: SyncMeta): void {
    this.#db.prepare('INSERT OR REPLACE INTO posture_meta (name, value) VALUES (?, ?)').run('sync', JSON.stringify(meta));
  }

  saveMeta(meta: SyncMeta): void {
    this.#saveMeta(meta);
  }

  loadMeta(): SyncMeta | undefined {
    const row = this.#db.prepare("SELECT value FROM posture_meta WHERE name = 'sync'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as SyncMeta) : undefined;
  }
}

/** What `portcullis jamf status` shows. Times are Unix ms. */
export interface SyncMeta {
  /** A new random id for every snapshot written: how a server tells another process's sync from its own. */
  snapshotId?: string;
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  lastDurationMs?: number;
  lastError?: string;
  counts?: { computers: number; mobiles: number; compliant: number; nonCompliant: number };
}
