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

/** Every authentication decision, the base of "client insights". */
export class AuthLog {
  readonly #insert;
  readonly #prune;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(`INSERT INTO auth_log (time, nas_name, nas_ip, mac, user_name, method, result, reason, details)
      VALUES (@time, @nasName, @nasIp, @mac, @userName, @method, @result, @reason, @details)`);
    this.#prune = db.prepare('DELETE FROM auth_log WHERE time < ?');
  }

  record(d: AuthDecision): void {
    this.#insert.run({
      time: d.time, nasName: d.nasName, nasIp: d.nasIp ?? null, mac: d.mac ?? null, userName: d.userName ?? null,
      method: d.method, result: d.result, reason: d.reason, details: d.details ? JSON.stringify(d.details) : null,
    });
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
