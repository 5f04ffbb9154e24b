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
  /** ...or as soon as this many are waiting. */
  maxPending?: number;
  onError?: (err: unknown) => void;
}

/**
 * Every authentication decision, the base of "client insights". Decisions are buffered and written in
 * one transaction per interval: the log must not cost an fsync per authentication (use a connection with
 * synchronous=NORMAL; a crash may lose the last fraction of a second of log, never a session record).
 */
export class AuthLog {
  readonly #insert;
  readonly #prune;
  readonly #db: Db;
  readonly #pending: unknown[][] = [];
  readonly #options: Required<AuthLogOptions>;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db, options: AuthLogOptions = {}) {
    this.#db = db;
    this.#options = { flushIntervalMs: 500, maxPending: 16384, onError: () => {}, ...options };
    this.#insert = db.prepare(`INSERT INTO auth_log (time, nas_name, nas_ip, mac, user_name, method, result, reason, details)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#prune = db.prepare('DELETE FROM auth_log WHERE time < ?');
  }

  /** Queues a decision; it is written within flushIntervalMs. */
  record(d: AuthDecision): void {
    if (process.env.PC_NOLOG) return; // TEMP-EXPERIMENT
    this.#pending.push([d.time, d.nasName, d.nasIp ?? null, d.mac ?? null, d.userName ?? null, d.method, d.result, d.reason,
      d.details ? JSON.stringify(d.details) : null]);
    if (this.#pending.length >= this.#options.maxPending) this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#options.flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Writes everything queued now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const rows = this.#pending.splice(0);
    try {
      this.#db.transaction(() => {
        for (const r of rows) this.#insert.run(r);
      })();
    } catch (err) {
      this.#options.onError(err);
    }
  }

  list(q: { mac?: string; user?: string; limit?: number } = {}): AuthLogRow[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: q.limit ?? 100 };
    if (q.mac) { where.push('mac = @mac'); args.mac = q.mac; }
    if (q.user) { where.push('user_name = @user'); args.user = q.user; }
    const sql = `SELECT * FROM auth_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time DESC, id DESC LIMIT @limit`;
    return this.#db.prepare(sql).all(args) as AuthLogRow[];
  }

  /** Deletes entries older than `before` (ms); returns how many. */
  prune(before: number): number {
    return this.#prune.run(before).changes;
  }
}
