import type { Logger } from '../../log/logger.js';
import type { DeviceRef, PostureLike, PushEvents } from '../events.js';
import { actionsFor, type SetAction } from './caep.js';
import type { VerifiedSet } from './validate.js';

// Applies a verified SET, whichever way it arrived (push or poll): a compliance change goes to the posture
// store as a signal (one 'change' event if the state really changed); session-revoked and verification are
// emitted; the rest is logged.

export interface SetApplierDeps {
  posture: PostureLike;
  events: PushEvents;
  log: Logger;
}

/** Returns the function that applies one SET; it throws SetError (invalid_request) for a malformed known event. */
export function setApplier(deps: SetApplierDeps): (set: VerifiedSet) => void {
  const { posture, events, log } = deps;

  function knownMacs(ref: DeviceRef): { macs: string[]; key?: string } {
    const store = posture.store;
    const record = (ref.udid ? store.find(ref.udid) : undefined) ?? (ref.serial ? store.bySerial(ref.serial) : undefined) ?? (ref.mac ? store.find(ref.mac) : undefined);
    const macs = new Set(record?.macs ?? []);
    if (ref.mac) macs.add(ref.mac);
    return { macs: [...macs], key: record?.key };
  }

  function apply(action: SetAction, set: VerifiedSet): void {
    const at = { jti: set.jti, iss: set.iss };
    switch (action.kind) {
      case 'compliance': {
        const result = posture.store.applySignal(action.ref, action.state, 'signal');
        log.info({ ...at, device: action.ref, state: action.state, result }, 'CAEP device-compliance-change applied');
        return;
      }
      case 'session-revoked': {
        const { macs, key } = knownMacs(action.ref);
        log.info({ ...at, device: action.ref, macs }, 'CAEP session-revoked');
        events.emit('session-revoked', { ref: action.ref, macs, deviceKey: key, issuer: set.iss, jti: set.jti, at: action.at });
        return;
      }
      case 'verification':
        log.info({ ...at, state: action.state }, 'SSF verification event received');
        events.emit('verification', { issuer: set.iss, jti: set.jti, state: action.state });
        return;
      case 'stream-updated':
        log.warn({ ...at, status: action.status, reason: action.reason }, 'SSF stream status changed');
        return;
      case 'no-device':
        log.info({ ...at, eventType: action.eventType }, 'SET subject names no device (UDID, serial or MAC); acknowledged');
        return;
      case 'ignored':
        log.debug({ ...at, eventType: action.eventType }, 'SET event type not used; acknowledged');
    }
  }

  return (set) => {
    // Decide every action before applying any: a malformed event refuses the whole SET.
    const actions = actionsFor(set);
    for (const a of actions) apply(a, set);
  };
}
