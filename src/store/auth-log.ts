import type { Db } from './db.js';

export interface AuthDecision {
  time: number;
  nasName: string;
  nasIp?: string;
  mac?: string;
  userName?: string;
  /** mab, pap, eap-tls, eap-ttls, peap, status-server... */
  method: string;
  result: 'accept' | 'reject';
  reason: string;
  /** Anything else worth keeping (certificate identity, rule, attributes): stored as JSON. */
  details?: Record<string, unknown>;
  /** `details` already serialised (the hot path builds it from cached parts); wins over `details`. */
  detailsJson?: string;
}

export interface AuthLogRow {
  id: number;
  time: number;
  nas_name: string;
  nas_ip: string | null;
  mac: string | null;
  user_name: string | null;
  method: string;
  result: 'accept' | 'reject';
  reason: string;
  details: string | null;
}

export interface AuthLogOptions {
  /** Rows are written at least this often (ms)... */
  flushIntervalMs?: number;
  /**
   * ...or as soon as this many are waiting. 512: a queued row (its details JSON above all) that outlives a
   * young-generation GC is copied by it; at 2048 that copying cost more than the extra commits save.
   */
  maxPending?: number;
  onError?: (err: unknown) => void;
}

const COLUMNS = 9;
/** Rows per multi-row INSERT: one statement call binds 64 rows (about 1 µs less per row than one call each). */
const ROWS_PER_INSERT = 64;
const INSERT = 'INSERT INTO auth_log (time, nas_name, nas_ip, mac, user_name, method, result, reason, details) VALUES ';
const ROW = `(${Array(COLUMNS).fill('?').join(', ')})`;
/** Logged rows are added to the by-MAC table once this many are waiting... */
const MERGE_ROWS = 32_768;
/** ...or at the first flush this long after the last merge: queries by MAC scan at most this tail. */
const MERGE_INTERVAL_MS = 30_000;

/** The statements that write; prepared on first use because the CLI reads the store on a read-only connection. */
function writeStatements(db: Db) {
  return {
    insertOne: db.prepare(INSERT + ROW),
    insertMany: db.prepare(INSERT + Array(ROWS_PER_INSERT).fill(ROW).join(', ')),
    maxId: db.prepare('SELECT coalesce(max(id), 0) FROM auth_log').pluck(),
    upto: db.prepare('SELECT upto FROM auth_log_indexed').pluck(),
    setUpto: db.prepare('UPDATE auth_log_indexed SET upto = ?'),
    // In key order: the inserts walk auth_log_by_mac once instead of jumping between MACs.
    merge: db.prepare(`INSERT OR IGNORE INTO auth_log_by_mac (mac, time, id)
      SELECT mac, time, id FROM auth_log WHERE id > ? AND id <= ? AND mac IS NOT NULL ORDER BY mac, time, id`),
    pruneByMac: db.prepare(`DELETE FROM auth_log_by_mac WHERE (mac, time, id) IN
      (SELECT mac, time, id FROM auth_log WHERE time < ? AND mac IS NOT NULL)`),
    prune: db.prepare('DELETE FROM auth_log WHERE time < ?'),
  };
}

/**
 * Every authentication decision, the base of "client insights". Decisions are buffered and written in
 * one transaction per interval: the log must not cost an fsync per authentication (use a connection with
 * synchronous=NORMAL; a crash may lose the last fraction of a second of log, never a session record).
 *
 * Lookups by MAC use auth_log_by_mac, which is filled in bulk (sorted) from the rows above
 * auth_log_indexed.upto rather than per insert: an index keyed by MAC sends every insert to a random page,
 * and maintaining it cost more than the rest of the log. The rows not merged yet are few and scanned.
 */
export class AuthLog {
  readonly #db: Db;
  #write: ReturnType<typeof writeStatements> | undefined;
  /** Queued rows, flattened: COLUMNS values per row (no array per decision). */
  #pending: unknown[] = [];
  readonly #options: Required<AuthLogOptions>;
  #timer: NodeJS.Timeout | undefined;
  #unmerged = 0;
  #lastMerge = Date.now();

  constructor(db: Db, options: AuthLogOptions = {}) {
    this.#db = db;
    this.#options = { flushIntervalMs: 500, maxPending: 512, onError: () => {}, ...options };
  }

  /** Queues a decision; it is written within flushIntervalMs. */
  record(d: AuthDecision): void {
    this.#pending.push(d.time, d.nasName, d.nasIp ?? null, d.mac ?? null, d.userName ?? null, d.method, d.result, d.reason,
      d.detailsJson ?? (d.details ? JSON.stringify(d.details) : null));
    if (this.#pending.length >= this.#options.maxPending * COLUMNS) this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#options.flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Writes everything queued now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const values = this.#pending;
    if (values.length === 0) return;
    this.#pending = [];
    const w = (this.#write ??= writeStatements(this.#db));
    try {
      this.#db.transaction(() => {
        const many = ROWS_PER_INSERT * COLUMNS;
        let i = 0;
        for (; i + many <= values.length; i += many) w.insertMany.run(values.slice(i, i + many));
        for (; i < values.length; i += COLUMNS) w.insertOne.run(values.slice(i, i + COLUMNS));
      })();
    } catch (err) {
      this.#options.onError(err);
      return;
    }
    this.#unmerged += values.length / COLUMNS;
    if (this.#unmerged >= MERGE_ROWS || Date.now() - this.#lastMerge >= MERGE_INTERVAL_MS) this.mergeByMac();
  }

  /** Adds every row logged since the last merge to auth_log_by_mac (flush() calls this when due). */
  mergeByMac(): void {
    const w = (this.#write ??= writeStatements(this.#db));
    try {
      this.#db.transaction(() => {
        const upto = w.upto.get() as number;
        const max = w.maxId.get() as number;
        if (max > upto) {
          w.merge.run(upto, max);
          w.setUpto.run(max);
        }
      })();
    } catch (err) {
      this.#options.onError(err);
    }
    this.#unmerged = 0;
    this.#lastMerge = Date.now();
  }

  /** Newest first. */
  list(q: { mac?: string; user?: string; limit?: number } = {}): AuthLogRow[] {
    const args: Record<string, unknown> = { limit: q.limit ?? 100 };
    if (q.user) args.user = q.user;
    let sql: string;
    if (q.mac && this.#hasByMacTable()) {
      args.mac = q.mac;
      // The newest `limit` merged rows of this MAC (all of them if user also filters) plus its unmerged rows.
      sql = `SELECT * FROM auth_log WHERE id IN (
          SELECT id FROM (SELECT id FROM auth_log_by_mac WHERE mac = @mac ORDER BY time DESC, id DESC ${q.user ? '' : 'LIMIT @limit'})
          UNION ALL
          SELECT id FROM auth_log WHERE id > (SELECT upto FROM auth_log_indexed) AND mac = @mac)
        ${q.user ? 'AND user_name = @user' : ''} ORDER BY time DESC, id DESC LIMIT @limit`;
    } else {
      const where: string[] = [];
      if (q.mac) { where.push('mac = @mac'); args.mac = q.mac; }
      if (q.user) where.push('user_name = @user');
      sql = `SELECT * FROM auth_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time DESC, id DESC LIMIT @limit`;
    }
    return this.#db.prepare(sql).all(args) as AuthLogRow[];
  }

  /** Deletes entries older than `before` (ms); returns how many. */
  prune(before: number): number {
    const w = (this.#write ??= writeStatements(this.#db));
    return this.#db.transaction(() => {
      w.pruneByMac.run(before);
      return w.prune.run(before).changes;
    })();
  }

  /** A store the CLI opens read-only may predate auth_log_by_mac (the server adds it when it starts). */
  #hasByMacTable(): boolean {
    return this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'auth_log_by_mac'").get() !== undefined;
  }
}
