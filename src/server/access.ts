import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { verifyPapPassword } from '../eap/credentials.js';
import type { CompiledPolicy } from '../policy/policy.js';
import type { Decision, PolicyPosture, PolicyRequest } from '../policy/types.js';
import { PacketCode } from '../radius/codec/codes.js';
import { decryptUserPassword } from '../radius/codec/hiding.js';
import { Attr, findAttribute, joinAttribute, splitAttribute, type RawAttribute } from '../radius/codec/packet.js';
import type { RadiusReply, RadiusRequest } from '../radius/server/types.js';
import type { PostureService } from '../posture/service.js';
import type { AuthDecision, AuthLog } from '../store/auth-log.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { localCredentials } from './eap-wiring.js';
import { policyDetailsJson } from './auth-details.js';
import { policyPosture, policyRequest, type ProvenIdentity } from './policy-request.js';
import { deviceMac, macOfUserName, nasIp, stringAttr } from './request-view.js';

/** An authentication method's verdict, before the policy and before it becomes a RADIUS reply. */
export interface Verdict {
  result: 'accept' | 'reject';
  method: string;
  reason: string;
  attributes?: RawAttribute[];
  details?: Record<string, unknown>;
  /** What the method proved (accepts only): the policy decides what it gets. */
  proven?: ProvenIdentity;
}

/** Handles Access-Requests that carry EAP-Message (wired in by the EAP layer). */
export type EapAccessHandler = (req: RadiusRequest) => Promise<(RadiusReply & { verdict?: Verdict }) | undefined>;

/** Keeps the EAP layer in step with the configuration (one engine for the server's life; reload swaps trust). */
export interface EapProvider {
  update(config: Config, dict: Dictionary): EapAccessHandler | undefined;
  close(): void;
}

/** An accepted authentication, after the policy: what the session tracker (CoA) needs to know. */
export interface Authorization {
  request: PolicyRequest;
  decision: Decision;
  /** The Access-Request's Calling-Station-Id / NAS-Identifier / User-Name as sent (session matching). */
  callingStationId?: string;
  userName?: string;
  time: number;
}

export interface AccessDeps {
  config: () => Config;
  policy: () => CompiledPolicy;
  authLog: AuthLog;
  log: Logger;
  eap?: () => EapAccessHandler | undefined;
  posture?: () => PostureService | undefined;
  /** Called for every Access-Accept sent (session tracking for CoA). */
  onAuthorized?: (a: Authorization) => void;
}

const ACCEPT = PacketCode.AccessAccept;
const REJECT = PacketCode.AccessReject;
const NO_ATTRIBUTES: readonly RawAttribute[] = Object.freeze([]);
const NOT_ALLOWED = Object.freeze({ allowed: false, attributes: NO_ATTRIBUTES });

/** MAC Authentication Bypass proves only the MAC: the policy decides. `user`: the User-Name it came in. */
export function mabVerdict(mac: string, user?: string): Verdict {
  return { result: 'accept', method: 'mab', reason: 'MAC authentication bypass', proven: user === undefined ? { method: 'mab', mac } : { method: 'mab', mac, user } };
}

function toReply(a: { allowed: boolean; attributes: readonly RawAttribute[] }): RadiusReply {
  return a.allowed ? { code: ACCEPT, attributes: a.attributes } : { code: REJECT, attributes: NO_ATTRIBUTES };
}

/** PAP against the local users list (clear password, bcrypt password_hash, or nt_hash). */
export async function decidePap(req: RadiusRequest, userName: string, config: Config): Promise<Verdict> {
  const hidden = findAttribute(req.packet.attributes, Attr.UserPassword);
  if (!hidden) {
    const chap = findAttribute(req.packet.attributes, Attr.ChapPassword);
    return { result: 'reject', method: chap ? 'chap' : 'pap', reason: chap ? 'CHAP is not supported; use PAP or EAP' : 'no User-Password and no EAP-Message' };
  }
  let password: Buffer;
  try {
    password = decryptUserPassword(hidden, req.secret, req.packet.authenticator);
  } catch {
    return { result: 'reject', method: 'pap', reason: 'User-Password is malformed' };
  }
  try {
    const creds = localCredentials(config.users).lookup(userName);
    if (!creds) return { result: 'reject', method: 'pap', reason: 'unknown user' };
    const verdict = await verifyPapPassword(creds, password);
    return verdict.ok
      ? { result: 'accept', method: 'pap', reason: 'password matches', proven: { method: 'pap', user: userName } }
      : { result: 'reject', method: 'pap', reason: verdict.reason };
  } finally {
    password.fill(0);
  }
}

/** An EAP-Success turned into an EAP-Failure with the same Identifier (RFC 3748 §4.2): the policy said no. */
function eapFailureFor(attributes: readonly RawAttribute[]): RawAttribute[] {
  const success = joinAttribute(attributes, Attr.EapMessage);
  const id = success && success.length >= 2 ? success[1] : 0;
  return splitAttribute(Attr.EapMessage, Buffer.from([4, id, 0, 4]));
}

function postureSummary(posture: PolicyPosture) {
  const p = posture.device;
  return p ? { state: p.state, lastKnown: p.lastKnown, ageSeconds: p.ageSeconds, jamfId: p.device?.jamfId, udid: p.device?.udid } : undefined;
}

/**
 * The reason logged for a decision of the policy. Methods accept with a handful of fixed reasons and decisions
 * are shared per rule (CompiledPolicy), so the text is made once per pair: a row waiting in the auth log's queue
 * then holds a shared string, not a new one the garbage collector has to copy.
 */
const reasons = new WeakMap<Decision, Map<string, string>>();
const REASONS_PER_DECISION = 32;
function policyReason(methodReason: string, decision: Decision): string {
  let known = reasons.get(decision);
  const hit = known?.get(methodReason);
  if (hit !== undefined) return hit;
  const text = decision.action === 'allow' ? `${methodReason}; rule "${decision.rule}" allows`
    : decision.rule === 'default' ? `${methodReason}; no rule matched, default blocks` : `${methodReason}; rule "${decision.rule}" blocks`;
  if (Object.isFrozen(decision)) {
    if (!known) reasons.set(decision, (known = new Map()));
    if (known.size < REASONS_PER_DECISION) known.set(methodReason, text);
  }
  return text;
}

/** Access-Request handler: Status-Server, EAP, MAB and PAP; the policy decides every accept; all go to the auth log. */
export function createAccessHandler(deps: AccessDeps) {
  const record = (req: RadiusRequest, entry: AuthDecision, decision?: Decision) => {
    deps.authLog.record(entry);
    if (deps.config().log.auth_decisions) {
      const rule = decision ? { rule: decision.rule, version: decision.policyVersion, signature: decision.signature } : undefined;
      deps.log.info({ client: req.client.name, mac: entry.mac, user: entry.userName, method: entry.method, result: entry.result, reason: entry.reason, rule }, 'authentication');
    }
  };

  /** Runs the policy over an accepted authentication; returns the final verdict and the attributes it adds. */
  const authorize = (req: RadiusRequest, verdict: Verdict, mac: string | undefined, userName: string | undefined): { allowed: boolean; attributes: readonly RawAttribute[] } => {
    const time = Date.now();
    const ip = nasIp(req.packet, req.source.address);
    const proven = verdict.proven;
    if (verdict.result !== 'accept' || !proven) {
      const posture = policyPosture(deps.posture?.(), { udid: verdict.details?.udid as string | undefined, mac });
      const details = posture.device ? { ...verdict.details, posture: postureSummary(posture) } : verdict.details;
      record(req, { time, nasName: req.client.name, nasIp: ip, mac, userName, method: verdict.method, result: verdict.result, reason: verdict.reason, details });
      return NOT_ALLOWED;
    }
    const withMac = proven.mac === undefined && mac !== undefined;
    const withUser = proven.user === undefined && userName !== undefined;
    const request = policyRequest(req, withMac || withUser ? { ...proven, mac: proven.mac ?? mac, user: proven.user ?? userName } : proven, ip);
    const posture = policyPosture(deps.posture?.(), request);
    const decision = deps.policy().evaluate({ request, posture });
    const allowed = decision.action === 'allow';
    // Serialised here from cached parts (auth-details.ts), not by the auth log from a details object.
    const detailsJson = policyDetailsJson(verdict.details, decision, request, posture.device ? postureSummary(posture) : undefined);
    record(req, {
      time, nasName: req.client.name, nasIp: ip, mac: request.mac, userName, method: verdict.method,
      result: allowed ? 'accept' : 'reject', reason: policyReason(verdict.reason, decision), detailsJson,
    }, decision);
    if (allowed && deps.onAuthorized) {
      deps.onAuthorized({ request, decision, callingStationId: stringAttr(req.packet, Attr.CallingStationId), userName, time });
    }
    return allowed ? { allowed, attributes: decision.attributes } : NOT_ALLOWED;
  };

  return (req: RadiusRequest): RadiusReply | Promise<RadiusReply | undefined> => {
    const { packet } = req;
    if (packet.code === PacketCode.StatusServer) return { code: ACCEPT, attributes: [] };
    const userName = stringAttr(packet, Attr.UserName);

    if (findAttribute(packet.attributes, Attr.EapMessage)) {
      const mac = deviceMac(packet);
      const eap = deps.eap?.();
      if (!eap) {
        authorize(req, { result: 'reject', method: 'eap', reason: 'EAP is not configured (no eap: section)' }, mac, userName);
        return { code: REJECT, attributes: [] };
      }
      return eap(req).then((reply) => {
        if (!reply?.verdict) return reply;
        const identity = (reply.verdict.details?.identity as string | undefined) ?? userName;
        const { allowed, attributes } = authorize(req, reply.verdict, mac, identity);
        if (reply.code !== ACCEPT) return reply;
        if (!allowed) return { code: REJECT, attributes: eapFailureFor(reply.attributes) };
        return attributes.length ? { code: ACCEPT, attributes: [...reply.attributes, ...attributes] } : reply;
      });
    }

    // MAB: the switch sends the device MAC as User-Name (and usually as Calling-Station-Id).
    const mabMac = userName ? macOfUserName(userName) : undefined;
    if (mabMac) return toReply(authorize(req, mabVerdict(mabMac, userName), mabMac, userName));
    const mac = deviceMac(packet);
    if (!userName) return toReply(authorize(req, { result: 'reject', method: 'unknown', reason: 'no User-Name' }, mac, userName));
    // Hashed passwords (bcrypt) take tens of milliseconds: PAP answers asynchronously.
    return decidePap(req, userName, deps.config()).then((v) => toReply(authorize(req, v, mac, userName)));
  };
}
