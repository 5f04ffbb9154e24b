import type { CoaRecord, SessionRow } from '../store/sessions.js';
import type { CoaActionResult, CoaOutcome, CoaSession } from './types.js';

// Between the session store and the CoA client: a stored session as a target, a result as what the store keeps.

/** A stored accounting session as a CoA target (nas_ip is NAS-IP-Address, else the address the NAS sent from). */
export function coaSessionFromRow(row: SessionRow): CoaSession {
  return {
    nasIp: row.nas_ip,
    nasIdentifier: row.nas_identifier || undefined,
    acctSessionId: row.acct_session_id || undefined,
    multiSessionId: row.multi_session_id ?? undefined,
    userName: row.user_name ?? undefined,
    callingStationId: row.calling_station_id ?? undefined,
    mac: row.mac ?? undefined,
    nasPortId: row.nas_port ?? undefined,
    framedIp: row.framed_ip ?? undefined,
  };
}

/** "NAK Unsupported Attribute (401)", "TIMEOUT after 3 attempts", "ERROR <why>". */
export function describeOutcome(o: CoaOutcome): string {
  switch (o.kind) {
    case 'ack':
      return o.errorCauseText ? `ACK ${o.errorCauseText}` : 'ACK';
    case 'nak':
      return o.errorCauseText ? `NAK ${o.errorCauseText}` : 'NAK (no Error-Cause)';
    case 'timeout':
      return `TIMEOUT after ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}`;
    case 'error':
      return `ERROR ${o.error ?? 'unknown'}`;
  }
}

/** What the sessions table keeps of a result: the final outcome, and every step when there was a fallback. */
export function coaRecord(result: CoaActionResult, at: number = Date.now()): CoaRecord {
  const steps = result.steps.map((s) => `${s.message}: ${describeOutcome(s.outcome)}`).join('; ');
  return { at, action: result.action, result: result.kind, errorCause: result.errorCause, detail: steps };
}
