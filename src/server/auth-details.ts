import type { Decision, PolicyRequest } from '../policy/types.js';

// The auth log's details of an accepted authentication, written as JSON text straight from its parts:
// JSON.stringify walked the same objects for every decision (about 1 µs of a MAB request's budget), while
// the NAS and policy parts repeat from one request to the next and are serialised once here.
// The text is what JSON.stringify({...methodDetails, policy, request, posture}) gives, key for key (the
// tests check it, with a request that has every key of PolicyRequest), because `policy diff`, CoA
// re-evaluation and the CLI read it back.

const q = JSON.stringify;

const nasJsonCache = new WeakMap<PolicyRequest['nas'], string>();
function nasJson(nas: PolicyRequest['nas']): string {
  let s = nasJsonCache.get(nas);
  if (s === undefined) {
    s = `{"name":${q(nas.name)},"labels":${q(nas.labels)},"ip":${q(nas.ip)},"vendor":${q(nas.vendor)}}`;
    // Only frozen (shared) nas objects are remembered: another could change under the cached text.
    if (Object.isFrozen(nas)) nasJsonCache.set(nas, s);
  }
  return s;
}

/** JSON.stringify(request), without walking the shared parts again. */
export function policyRequestJson(r: PolicyRequest): string {
  return requestParts(r, []).join('');
}

/**
 * The last request seen per device, its JSON and the last details text made with it. A device re-authenticates
 * with the same request again and again: the logged text is then a string made earlier, which costs neither the
 * serialising nor a new string for the garbage collector to copy while the row waits to be written. Bounded
 * (cleared when full); only requests with a shared (frozen) nas part, as policyRequest makes them.
 */
interface LastRequest {
  readonly request: PolicyRequest;
  readonly json: string;
  /** Details without method details or posture (MAB, PAP), and the decision they were made for. */
  decision?: Decision;
  details?: string;
}
const lastByDevice = new Map<string, LastRequest>();
const LAST_BY_DEVICE = 16_384;

function sameRequest(a: PolicyRequest, b: PolicyRequest): boolean {
  // nas and certificate by identity: shared objects (policy-request.ts, the TLS session cache) come back as they are.
  return a.method === b.method && a.nas === b.nas && a.ssid === b.ssid && a.portType === b.portType && a.mac === b.mac
    && a.user === b.user && a.udid === b.udid && a.certificate === b.certificate;
}

function lastRequest(r: PolicyRequest): LastRequest {
  const device = r.mac ?? r.udid;
  if (device === undefined || !Object.isFrozen(r.nas)) return { request: r, json: policyRequestJson(r) };
  const last = lastByDevice.get(device);
  if (last !== undefined && sameRequest(last.request, r)) return last;
  if (last === undefined && lastByDevice.size >= LAST_BY_DEVICE) lastByDevice.clear();
  const fresh: LastRequest = { request: r, json: policyRequestJson(r) };
  lastByDevice.set(device, fresh);
  return fresh;
}

function requestParts(r: PolicyRequest, parts: string[]): string[] {
  parts.push('{"method":', q(r.method), ',"nas":', nasJson(r.nas));
  if (r.ssid !== undefined) parts.push(',"ssid":', q(r.ssid));
  if (r.portType !== undefined) parts.push(',"portType":', q(r.portType));
  if (r.mac !== undefined) parts.push(',"mac":', q(r.mac));
  if (r.user !== undefined) parts.push(',"user":', q(r.user));
  if (r.udid !== undefined) parts.push(',"udid":', q(r.udid));
  if (r.certificate !== undefined) parts.push(',"certificate":', q(r.certificate));
  parts.push('}');
  return parts;
}

// Frozen method details come back as they are for a device that re-authenticates (eap-wiring.ts).
const methodJsonCache = new WeakMap<object, string>();
function methodJson(details: Readonly<Record<string, unknown>>): string {
  let s = methodJsonCache.get(details);
  if (s === undefined) {
    s = q(details) ?? '';
    if (Object.isFrozen(details)) methodJsonCache.set(details, s);
  }
  return s;
}

const policyJsonCache = new WeakMap<Decision, string>();
function policyJson(d: Decision): string {
  let s = policyJsonCache.get(d);
  if (s === undefined) {
    s = q({ rule: d.rule, version: d.policyVersion, signature: d.signature });
    // CompiledPolicy hands out frozen decisions, one per rule and vendor: worth remembering.
    if (Object.isFrozen(d)) policyJsonCache.set(d, s);
  }
  return s;
}

/**
 * The details of a decision the policy made: the method's own details first, then the policy, the request and
 * (with Jamf) the posture summary. Method details that use one of those three keys go the slow way, so the
 * result is always exactly the object spread's.
 */
export function policyDetailsJson(methodDetails: Readonly<Record<string, unknown>> | undefined, decision: Decision, request: PolicyRequest, posture: object | undefined): string {
  const own: string = methodDetails ? methodJson(methodDetails) : '{}';
  if (own[0] !== '{' || (methodDetails && ('policy' in methodDetails || 'request' in methodDetails || 'posture' in methodDetails))) {
    const policy = { rule: decision.rule, version: decision.policyVersion, signature: decision.signature };
    return q({ ...methodDetails, policy, request, ...(posture ? { posture } : {}) });
  }
  const last = lastRequest(request);
  const bare = own.length <= 2 && !posture;
  if (bare && last.decision === decision && last.details !== undefined) return last.details;
  const head = own.length > 2 ? `${own.slice(0, -1)},` : '{';
  const tail = posture ? `,"posture":${q(posture)}}` : '}';
  // One join: the text waits in the auth log's queue, and a flat string is one object to keep, not a tree of pieces.
  const text = [head, '"policy":', policyJson(decision), ',"request":', last.json, tail].join('');
  if (bare && Object.isFrozen(decision)) {
    last.decision = decision;
    last.details = text;
  }
  return text;
}
