import type { NasClientConfig } from '../config/load.js';
import { Attr } from '../radius/codec/packet.js';
import type { RadiusRequest } from '../radius/server/types.js';
import type { PolicyCertificate, PolicyRequest, AuthMethod } from '../policy/types.js';
import type { PostureService } from '../posture/service.js';
import type { PolicyPosture } from '../policy/types.js';
import { integerAttr, nasIp, stringAttr } from './request-view.js';

// The policy's view of one Access-Request, built from the attributes the NAS sent and what the
// authentication method proved.

/**
 * NAS-Port-Type (RFC 2865 §5.41, IANA registry): Ethernet, xDSL, Cable, Token-Ring and FDDI are wired;
 * Wireless-Other (18), 802.11 (19) and the cellular Wireless-* types (22-24) are wireless.
 */
function portType(value: number | undefined): PolicyRequest['portType'] {
  if (value === undefined) return undefined;
  if (value === 18 || value === 19 || value === 22 || value === 23 || value === 24) return 'wireless';
  if (value === 15 || value === 16 || value === 17 || value === 20 || value === 21) return 'wired';
  return 'other';
}

/** SSID from Called-Station-Id "AA-BB-CC-DD-EE-FF:Corp" (RFC 3580 §3.20); undefined when it carries none. */
export function ssidOf(calledStationId: string | undefined): string | undefined {
  if (!calledStationId) return undefined;
  const m = /^[0-9A-Fa-f]{2}(?:[-:.]?[0-9A-Fa-f]{2}){5}:(.+)$/.exec(calledStationId);
  return m ? m[1] : undefined;
}

export interface ProvenIdentity {
  method: AuthMethod;
  mac?: string;
  user?: string;
  udid?: string;
  certificate?: PolicyCertificate;
}

type PolicyNas = PolicyRequest['nas'];

/**
 * The NAS part of a request, shared by the requests of one client and address: the session tracker keeps each
 * accepted request for the life of the session, so one object per request would be kept 100,000s of times.
 * Frozen, because it is shared.
 */
const nasViews = new WeakMap<NasClientConfig, PolicyNas>();
function nasView(client: NasClientConfig, ip: string): PolicyNas {
  const hit = nasViews.get(client);
  if (hit !== undefined && hit.ip === ip) return hit;
  const nas: PolicyNas = Object.freeze({ name: client.name, labels: client.labels, ip, vendor: client.vendor });
  nasViews.set(client, nas);
  return nas;
}

/** `ip`: the NAS address when the caller has it already (NAS-IP-Address, else the source address). */
export function policyRequest(req: RadiusRequest, proven: ProvenIdentity, ip: string = nasIp(req.packet, req.source.address)): PolicyRequest {
  const { packet, client } = req;
  const out: PolicyRequest = { method: proven.method, nas: nasView(client, ip) };
  const ssid = ssidOf(stringAttr(packet, Attr.CalledStationId));
  if (ssid !== undefined) out.ssid = ssid;
  const pt = portType(integerAttr(packet, Attr.NasPortType));
  if (pt !== undefined) out.portType = pt;
  if (proven.mac !== undefined) out.mac = proven.mac;
  if (proven.user !== undefined) out.user = proven.user;
  if (proven.udid !== undefined) out.udid = proven.udid;
  if (proven.certificate !== undefined) out.certificate = proven.certificate;
  return out;
}

/**
 * Posture for a policy decision: by UDID and by MAC, as known right now (never waits on Jamf). `byUdid` is
 * looked up only for a request with a UDID (the same-device check reads it); nothing reads a separate by-MAC
 * answer, so none is made.
 */
export function policyPosture(service: PostureService | undefined, request: Pick<PolicyRequest, 'udid' | 'mac'>): PolicyPosture {
  if (!service) return {};
  const device = service.postureFor({ udid: request.udid, mac: request.mac });
  return request.udid ? { device, byUdid: service.store.byUdid(request.udid) } : { device };
}
