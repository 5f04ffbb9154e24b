import type { Db } from './db.js';

/** What one Accounting-Request says about a session (already decoded and normalised). */
export interface AccountingEvent {
  nasName: string;
  nasIp: string;
  nasIdentifier: string;
  /** 1 Start, 2 Stop, 3 Interim-Update, 7 Accounting-On, 8 Accounting-Off. */
  statusType: number;
  acctSessionId: string;
  multiSessionId?: string;
  userName?: string;
  callingStationId?: string;
  mac?: string;
  calledStationId?: string;
  nasPort?: string;
  nasPortType?: string;
  framedIp?: string;
  /** Unix seconds when the event happened (Event-Timestamp, or arrival minus Acct-Delay-Time). */
  eventTime: number;
  sessionTime?: number;
  inputOctets?: number;
  outputOctets?: number;
  inputPackets?: number;
  outputPackets?: number;
  interimInterval?: number;
  terminateCause?: string;
}

export interface SessionRow {
  id: number;
  nas_name: string;
  nas_ip: string;
  nas_identifier: string;
  acct_session_id: string;
  multi_session_id: string | null;
  user_name: string | null;
  calling_station_id: string | null;
  mac: string | null;
  called_station_id: string | null;
  nas_port: string | null;
  nas_port_type: string | null;
  framed_ip: string | null;
  status: 'open' | 'closed';
  started_at: number;
  updated_at: number;
  stopped_at: number | null;
  session_time: number | null;
  input_octets: number;
  output_octets: number;
  input_packets: number;
  output_packets: number;
  interim_interval: number | null;
  terminate_cause: string | null;
  /** Last CoA/Disconnect for this session (table session_coa): when (Unix ms), what, how the NAS answered. */
  coa_at: number | null;
  coa_action: string | null;
  coa_result: 'ack' | 'nak' | 'timeout' | 'error' | null;
  coa_error_cause: number | null;
  /** Error-Cause in words, messages sent, or the error. */
  coa_detail: string | null;
}

/** The last CoA result of a session, as the coa layer reports it. */
export interface CoaRecord {
  at: number;
  action: string;
  result: 'ack' | 'nak' | 'timeout' | 'error';
  errorCause?: number;
  detail?: string;
}

export interface SessionQuery {
  nas?: string;
  mac?: string;
  /** Acct-Session-Id. */
  acctSessionId?: string;
  status?: 'open' | 'closed';
  limit?: number;
}

const COLUMNS = `nas_name, nas_ip, nas_identifier, acct_session_id, multi_session_id, user_name, calling_station_id, mac,
  called_station_id, nas_port, nas_port_type, framed_ip, status, started_at, updated_at, stopped_at, session_time,
  input_octets, output_octets, input_packets, output_packets, interim_interval, terminate_cause`;
// Positional parameters in COLUMNS order (binding an array is about 3× cheaper than a named object).
const VALUES = Array(23).fill('?').join(', ');
const KEY = 'nas_name, nas_ip, nas_identifier, acct_session_id';
const REFRESH = `updated_at = max(updated_at, excluded.updated_at),
  user_name = coalesce(excluded.user_name, user_name), calling_station_id = coalesce(excluded.calling_station_id, calling_station_id),
  mac = coalesce(excluded.mac, mac), framed_ip = coalesce(excluded.framed_ip, framed_ip),
  session_time = coalesce(excluded.session_time, session_time),
  input_octets = max(input_octets, excluded.input_octets), output_octets = max(output_octets, excluded.output_octets),
  input_packets = max(input_packets, excluded.input_packets), output_packets = max(output_packets, excluded.output_packets),
  interim_interval = coalesce(excluded.interim_interval, interim_interval)`;

/** The values for COLUMNS, in order. */
function sessionRow(e: AccountingEvent, status: 'open' | 'closed', startedAt: number, stoppedAt: number | null): unknown[] {
  return [
    e.nasName, e.nasIp, e.nasIdentifier, e.acctSessionId, e.multiSessionId ?? null, e.userName ?? null,
    e.callingStationId ?? null, e.mac ?? null, e.calledStationId ?? null, e.nasPort ?? null, e.nasPortType ?? null,
    e.framedIp ?? null, status, startedAt, e.eventTime, stoppedAt, e.sessionTime ?? null, e.inputOctets ?? 0,
    e.outputOctets ?? 0, e.inputPackets ?? 0, e.outputPackets ?? 0, e.interimInterval ?? null, e.terminateCause ?? null,
  ];
}

/** Accounting sessions in SQLite. Every write is idempotent, so a retransmitted packet changes nothing twice. */
export class SessionStore {
  readonly #start;
  readonly #interim;
  readonly #stop;
  readonly #closeNas;
  readonly #closeNasWithId;
  readonly #refreshOpen;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    // A Start (re)opens the session unless a later Stop for it has already been recorded (reordering).
    this.#start = db.prepare(`INSERT INTO sessions (${COLUMNS}) VALUES (${VALUES})
      ON CONFLICT (${KEY}) DO UPDATE SET status = 'open', started_at = excluded.started_at, stopped_at = NULL,
        terminate_cause = NULL, ${REFRESH}
      WHERE sessions.status = 'open' OR sessions.stopped_at < excluded.started_at`);
    // An Interim for an unknown session creates it (the Start was lost); it never reopens a closed one.
    this.#interim = db.prepare(`INSERT INTO sessions (${COLUMNS}) VALUES (${VALUES})
      ON CONFLICT (${KEY}) DO UPDATE SET ${REFRESH} WHERE sessions.status = 'open'`);
    this.#stop = db.prepare(`INSERT INTO sessions (${COLUMNS}) VALUES (${VALUES})
      ON CONFLICT (${KEY}) DO UPDATE SET status = 'closed', stopped_at = excluded.stopped_at,
        terminate_cause = coalesce(excluded.terminate_cause, terminate_cause), ${REFRESH}`);
    // Interim-Update fast path: a plain UPDATE of an open session by its key, with REFRESH's assignments except
    // `mac`, and only while the MAC is unchanged. Assigning an indexed column (even to its old value) costs an
    // index update, and the INSERT half of the upsert builds a whole row first: about 3 µs per packet. When it
    // matches nothing (unknown or closed session, new MAC), apply() runs the upsert, which then decides.
    this.#refreshOpen = db.prepare(`UPDATE sessions SET updated_at = max(updated_at, ?),
        user_name = coalesce(?, user_name), calling_station_id = coalesce(?, calling_station_id), framed_ip = coalesce(?, framed_ip),
        session_time = coalesce(?, session_time), input_octets = max(input_octets, ?), output_octets = max(output_octets, ?),
        input_packets = max(input_packets, ?), output_packets = max(output_packets, ?), interim_interval = coalesce(?, interim_interval)
      WHERE nas_name = ? AND nas_ip = ? AND nas_identifier = ? AND acct_session_id = ? AND status = 'open' AND (? IS NULL OR mac IS ?)`);
    this.#closeNas = db.prepare(`UPDATE sessions SET status = 'closed', stopped_at = @eventTime, updated_at = @eventTime,
      terminate_cause = @terminateCause WHERE status = 'open' AND nas_name = @nasName AND nas_ip = @nasIp`);
    this.#closeNasWithId = db.prepare(`UPDATE sessions SET status = 'closed', stopped_at = @eventTime, updated_at = @eventTime,
      terminate_cause = @terminateCause WHERE status = 'open' AND nas_name = @nasName AND nas_ip = @nasIp AND nas_identifier = @nasIdentifier`);
  }

  /** Applies one accounting event; returns the number of sessions it touched. Must run inside a transaction batch. */
  apply(e: AccountingEvent): number {
    const startedAt = e.eventTime - (e.sessionTime ?? 0);
    switch (e.statusType) {
      case 1:
        return this.#start.run(sessionRow(e, 'open', e.eventTime, null)).changes;
      case 3: {
        const mac = e.mac ?? null;
        const refreshed = this.#refreshOpen.run(e.eventTime, e.userName ?? null, e.callingStationId ?? null, e.framedIp ?? null,
          e.sessionTime ?? null, e.inputOctets ?? 0, e.outputOctets ?? 0, e.inputPackets ?? 0, e.outputPackets ?? 0,
          e.interimInterval ?? null, e.nasName, e.nasIp, e.nasIdentifier, e.acctSessionId, mac, mac).changes;
        return refreshed || this.#interim.run(sessionRow(e, 'open', startedAt, null)).changes;
      }
      case 2:
        return this.#stop.run(sessionRow(e, 'closed', startedAt, e.eventTime)).changes;
      case 7:
      case 8: {
        const cause = e.statusType === 7 ? 'NAS-Reboot' : 'NAS-Request';
        const args = { nasName: e.nasName, nasIp: e.nasIp, nasIdentifier: e.nasIdentifier, eventTime: e.eventTime, terminateCause: `Accounting-${e.statusType === 7 ? 'On' : 'Off'} (${cause})` };
        return (e.nasIdentifier ? this.#closeNasWithId : this.#closeNas).run(args).changes;
      }
      default:
        return 0;
    }
  }

  /**
   * Closes open sessions whose NAS has sent nothing for 2.5 interim intervals (the NAS rebooted without
   * Accounting-On, or the Stop was lost): they are not live, and CoA must not chase them. Returns how many.
   */
  expireStale(nowSeconds: number): number {
    return this.#db.prepare(`UPDATE sessions SET status = 'closed', stopped_at = updated_at,
        terminate_cause = 'Expired (no Interim-Update for 2.5 intervals)'
      WHERE status = 'open' AND interim_interval > 0 AND updated_at + 2.5 * interim_interval < ?`).run(nowSeconds).changes;
  }

  /** Records the last CoA sent for a session (by row id); returns 1, or 0 when there is no such session. */
  recordCoa(id: number, r: CoaRecord): number {
    return this.#db.prepare(`INSERT INTO session_coa (session_id, at, action, result, error_cause, detail)
        SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)
      ON CONFLICT (session_id) DO UPDATE SET at = excluded.at, action = excluded.action, result = excluded.result,
        error_cause = excluded.error_cause, detail = excluded.detail`)
      .run(id, r.at, r.action, r.result, r.errorCause ?? null, r.detail ?? null, id).changes;
  }

  /** The last-CoA columns: from session_coa, or NULLs on a store the server has not upgraded yet (read-only CLI). */
  #coaColumns(): { select: string; join: string } {
    const has = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'session_coa'").get();
    return has
      ? { select: 'c.at AS coa_at, c.action AS coa_action, c.result AS coa_result, c.error_cause AS coa_error_cause, c.detail AS coa_detail',
          join: 'LEFT JOIN session_coa c ON c.session_id = sessions.id' }
      : { select: 'NULL AS coa_at, NULL AS coa_action, NULL AS coa_result, NULL AS coa_error_cause, NULL AS coa_detail', join: '' };
  }

  list(q: SessionQuery = {}): SessionRow[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: q.limit ?? 1000 };
    if (q.nas) { where.push('(nas_name = @nas OR nas_ip = @nas OR nas_identifier = @nas)'); args.nas = q.nas; }
    if (q.mac) { where.push('mac = @mac'); args.mac = q.mac; }
    if (q.acctSessionId) { where.push('acct_session_id = @acctSessionId'); args.acctSessionId = q.acctSessionId; }
    if (q.status) { where.push('status = @status'); args.status = q.status; }
    const coa = this.#coaColumns();
    const sql = `SELECT sessions.*, ${coa.select} FROM sessions ${coa.join} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY sessions.updated_at DESC, sessions.id DESC LIMIT @limit`;
    return this.#db.prepare(sql).all(args) as SessionRow[];
  }
}
