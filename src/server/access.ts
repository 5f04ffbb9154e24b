import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { verifyPapPassword } from '../eap/credentials.js';
import type { CompiledPolicy } from '../policy/policy.js';
import type { Decision, PolicyPosture, PolicyRequest } from '../policy/types.js';
import { PacketCode } from '../radius/codec/codes.js';
import { decryptUserPassword } from '../radius/codec/hiding.js';
import { Attr, findAttribute, joinAttribute, splitAttribute, type RawAttribute } from '../radius/codec/packet.js';
import type { RadiusReply, RadiusRequest } from '../radius/server/types.js';
import { normaliseMac } from '../posture/mac.js';
import type { PostureService } from '../posture/service.js';
import type { AuthDecision, AuthLog } from '../store/auth-log.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { localCredentials } from './eap-wiring.js';
import { policyPosture, policyRequest, type ProvenIdentity } from './policy-request.js';
import { deviceMac, nasIdentity, stringAttr } from './request-view.js';

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

/** MAC Authentication Bypass proves only the MAC: the policy decides. */
export function mabVerdict(mac: string): Verdict {
  return { result: 'accept', method: 'mab', reason: 'MAC authentication bypass', proven: { method: 'mab', mac } };
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

/** Access-Request handler: Status-Server, EAP, MAB and PAP; the policy decides every accept; all go to the auth log. */
export function createAccessHandler(deps: AccessDeps) {
  const record = (req: RadiusRequest, verdict: Verdict, mac: string | undefined, userName: string | undefined, extra?: Record<string, unknown>) => {
    const decision: AuthDecision = {
      time: Date.now(),
      nasName: req.client.name,
      nasIp: nasIdentity(req.packet, req.source.address).nasIp,
      mac,
      userName,
      method: verdict.method,
      result: verdict.result,
      reason: verdict.reason,
      details: extra ? { ...verdict.details, ...extra } : verdict.details,
    };
    deps.authLog.record(decision);
    if (deps.config().log.auth_decisions) {
      deps.log.info({ client: req.client.name, mac, user: userName, method: verdict.method, result: verdict.result, reason: verdict.reason, rule: extra?.policy }, 'authentication');
    }
  };

  /** Runs the policy over an accepted authentication; returns the final verdict and the attributes it adds. */
  const authorize = (req: RadiusRequest, verdict: Verdict, mac: string | undefined, userName: string | undefined): { allowed: boolean; attributes: readonly RawAttribute[] } => {
    if (verdict.result !== 'accept' || !verdict.proven) {
      const posture = policyPosture(deps.posture?.(), { udid: verdict.details?.udid as string | undefined, mac });
      record(req, verdict, mac, userName, posture.device ? { posture: postureSummary(posture) } : undefined);
      return { allowed: false, attributes: [] };
    }
    const request = policyRequest(req, { ...verdict.proven, mac: verdict.proven.mac ?? mac, user: verdict.proven.user ?? userName });
    const posture = policyPosture(deps.posture?.(), request);
    const policy = deps.policy();
    const decision = policy.evaluate({ request, posture });
    const allowed = decision.action === 'allow';
    const final: Verdict = allowed
      ? { ...verdict, reason: `${verdict.reason}; rule "${decision.rule}" allows` }
      : { ...verdict, result: 'reject', reason: decision.rule === 'default' ? `${verdict.reason}; no rule matched, default blocks` : `${verdict.reason}; rule "${decision.rule}" blocks` };
    record(req, final, request.mac, userName, {
      policy: { rule: decision.rule, version: decision.policyVersion, signature: decision.signature },
      request,
      ...(posture.device ? { posture: postureSummary(posture) } : {}),
    });
    if (allowed) {
      deps.onAuthorized?.({ request, decision, callingStationId: stringAttr(req.packet, Attr.CallingStationId), userName, time: Date.now() });
    }
    return { allowed, attributes: decision.attributes };
  };

  return (req: RadiusRequest): RadiusReply | Promise<RadiusReply | undefined> => {
    const { packet } = req;
    if (packet.code === PacketCode.StatusServer) return { code: ACCEPT, attributes: [] };
    const config = deps.config();
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

    const mabMac = userName ? normaliseMac(userName) : undefined;
    const reply = (verdict: Verdict, mac: string | undefined): RadiusReply => {
      const { allowed, attributes } = authorize(req, verdict, mac, userName);
      return allowed ? { code: ACCEPT, attributes } : { code: REJECT, attributes: [] };
    };
    // MAB: the switch sends the device MAC as User-Name (and usually as Calling-Station-Id).
    if (mabMac) return reply(mabVerdict(mabMac), mabMac);
    const mac = deviceMac(packet);
    if (!userName) return reply({ result: 'reject', method: 'unknown', reason: 'no User-Name' }, mac);
    // Hashed passwords (bcrypt) take tens of milliseconds: PAP answers asynchronously.
    return decidePap(req, userName, config).then((v) => reply(v, mac));
  };
}
