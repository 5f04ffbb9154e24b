import type { DeviceRef } from '../events.js';
import { SetError } from './errors.js';
import { deviceFromSubject, hasDevice } from './subjects.js';
import type { VerifiedSet } from './validate.js';

// What a verified SET asks portcullis to do, decided without side effects (the route applies it). CAEP 1.0
// device-compliance-change and session-revoked act on a device; SSF verification and stream-updated are
// acknowledged and logged; every other event type is acknowledged and ignored (RFC 8935: a receiver accepts
// SETs it does not act on).

export const EVENT_TYPES = {
  deviceComplianceChange: 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change',
  sessionRevoked: 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  verification: 'https://schemas.openid.net/secevent/ssf/event-type/verification',
  streamUpdated: 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated',
} as const;

const COMPLIANCE = { compliant: 'compliant', 'not-compliant': 'non-compliant' } as const;

export type SetAction =
  | { kind: 'compliance'; ref: DeviceRef; state: 'compliant' | 'non-compliant'; previous?: string; at: number }
  | { kind: 'session-revoked'; ref: DeviceRef; at: number }
  | { kind: 'verification'; state?: string }
  | { kind: 'stream-updated'; status?: string; reason?: string }
  | { kind: 'no-device'; eventType: string }
  | { kind: 'ignored'; eventType: string };

/** event_timestamp (seconds, CAEP) in ms, else the SET's iat. */
function eventTime(event: Record<string, unknown>, set: VerifiedSet): number {
  const t = event.event_timestamp;
  return (typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : set.iat) * 1000;
}

function complianceState(value: unknown, field: string): 'compliant' | 'non-compliant' {
  if (typeof value === 'string' && value in COMPLIANCE) return COMPLIANCE[value as keyof typeof COMPLIANCE];
  throw new SetError('invalid_request', `device-compliance-change: ${field} must be "compliant" or "not-compliant"`);
}

/** One action per event in the SET; throws SetError (invalid_request) for a malformed known event. */
export function actionsFor(set: VerifiedSet): SetAction[] {
  return Object.entries(set.events).map(([type, event]): SetAction => {
    // SSF 1.0 puts the subject in sub_id; older CAEP events carry it inside the event.
    const subject = event.subject ?? set.sub_id;
    switch (type) {
      case EVENT_TYPES.deviceComplianceChange: {
        const state = complianceState(event.current_status, 'current_status');
        const previous = typeof event.previous_status === 'string' ? event.previous_status : undefined;
        const ref = deviceFromSubject(subject);
        if (!hasDevice(ref)) return { kind: 'no-device', eventType: type };
        return { kind: 'compliance', ref, state, previous, at: eventTime(event, set) };
      }
      case EVENT_TYPES.sessionRevoked: {
        const ref = deviceFromSubject(subject);
        return hasDevice(ref) ? { kind: 'session-revoked', ref, at: eventTime(event, set) } : { kind: 'no-device', eventType: type };
      }
      case EVENT_TYPES.verification:
        return { kind: 'verification', state: typeof event.state === 'string' ? event.state : undefined };
      case EVENT_TYPES.streamUpdated:
        return {
          kind: 'stream-updated',
          status: typeof event.status === 'string' ? event.status : undefined,
          reason: typeof event.reason === 'string' ? event.reason : undefined,
        };
      default:
        return { kind: 'ignored', eventType: type };
    }
  });
}
