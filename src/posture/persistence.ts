import type { Db } from '../store/db.js';
import type { DeviceRecord } from './types.js';

/** The last known fleet in SQLite, so a restarted server answers at once, before Jamf answers anything. */
export class PostureSnapshotStore {
  readonly #db: Db;
  readonly #insert;
  readonly #delete;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(`INSERT OR REPLACE INTO posture_devices (key, record, fetched_at) VALUES (?, ?, ?)`);
    this.#delete = db.prepare('DELETE FROM posture_devices WHERE key = ?');
  }

  /** Replaces the whole snapshot in one transaction (a failed write leaves the previous one intact). */
  replaceAll(records: Iterable<DeviceRecord>, meta: SyncMeta): void {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM posture_devices');
      for (const r of records) this.#insert.run(r.key, JSON.stringify(r), r.fetchedAt);
      this.#saveMeta(meta);
    })();
  }

  upsert(record: DeviceRecord): void {
    this.#insert.run(record.key, JSON.stringify(record), record.fetchedAt);
  }

  remove(key: string): void {
    this.#delete.run(key);
  }

  loadAll(): DeviceRecord[] {
    return (this.#db.prepare('SELECT record FROM posture_devices').all() as { record: string }[]).map((r) => JSON.parse(r.record) as DeviceRecord);
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
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  lastDurationMs?: number;
  lastError?: string;
  counts?: { computers: number; mobiles: number; compliant: number; nonCompliant: number };
}
