import type { PostureStore } from '../posture/store.js';
import type { PolicyPosture, PolicyRequest } from './types.js';

/**
 * Posture for a policy decision read straight from a store, without starting Jamf lookups (CLI, policy
 * diff, CoA re-evaluation): the certificate's UDID first when Jamf knows it, else the MAC.
 */
export function postureFromStore(store: PostureStore | undefined, request: Pick<PolicyRequest, 'udid' | 'mac'>): PolicyPosture {
  if (!store || (!request.udid && !request.mac)) return {};
  const byUdid = request.udid ? store.byUdid(request.udid) : undefined;
  const device = byUdid && byUdid.state !== 'unknown' ? byUdid : request.mac ? store.byMac(request.mac) : byUdid;
  return byUdid ? { device, byUdid } : { device };
}
