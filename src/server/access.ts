import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { verifyPapPassword } from '../eap/credentials.js';
import { PacketCode } from '../radius/codec/codes.js';
import { decryptUserPassword } from '../radius/codec/hiding.js';
import { Attr, findAttribute, type RawAttribute } from '../radius/codec/packet.js';
import type { RadiusReply, RadiusRequest } from '../radius/server/types.js';
import { normaliseMac } from '../posture/mac.js';
import type { PostureService } from '../posture/service.js';
import type { AuthDecision, AuthLog } from '../store/auth-log.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { localCredentials } from './eap-wiring.js';
import { deviceMac, nasIdentity, stringAttr } from './request-view.js';

/** An authentication method's verdict, before it becomes a RADIUS reply and an auth log entry. */
export interface Verdict {
  result: 'accept' | 'reject';
  method: string;
  reason: string;
  attributes?: RawAttribute[];
  details?: Record<string, unknown>;
}

/** Handles Access-Requests that carry EAP-Message (wired in by the EAP layer). */
export type EapAccessHandler = (req: RadiusRequest) => Promise<(RadiusReply & { verdict?: Verdict }) | undefined>;

/** Keeps the EAP layer in step with the configuration (one engine for the server's life; reload swaps trust). */
export interface EapProvider {
  update(config: Config, dict: Dictionary): EapAccessHandler | undefined;
  close(): void;
}

export interface AccessDeps {
  config: () => Config;
  authLog: AuthLog;
  log: Logger;
  eap?: () => EapAccessHandler | undefined;
  posture?: () => PostureService | undefined;
}

const ACCEPT = PacketCode.AccessAccept;
const REJECT = PacketCode.AccessReject;

/** MAC Authentication Bypass: the User-Name is the device MAC; allowed if listed. */
export function decideMab(mac: string, config: Config): Verdict {
  return config.mabAllow.has(mac)
    ? { result: 'accept', method: 'mab', reason: 'MAC is in mab.allow' }
    : { result: 'reject', method: 'mab', reason: 'MAC is not in mab.allow' };
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
    return verdict.ok ? { result: 'accept', method: 'pap', reason: 'password matches' } : { result: 'reject', method: 'pap', reason: verdict.reason };
  } finally {
    password.fill(0);
  }
}

/** Access-Request handler: Status-Server, EAP, MAB and PAP; every decision goes to the auth log. */
export function createAccessHandler(deps: AccessDeps) {
  const record = (req: RadiusRequest, verdict: Verdict, mac: string | undefined, userName: string | undefined) => {
    const decision: AuthDecision = {
      time: Date.now(),
      nasName: req.client.name,
      nasIp: nasIdentity(req.packet, req.source.address).nasIp,
      mac,
      userName,
      method: verdict.method,
      result: verdict.result,
      reason: verdict.reason,
      details: verdict.details,
    };
    // Jamf posture as known right now (never waits on Jamf; an unseen device is looked up in the background).
    const posture = deps.posture?.()?.postureFor({ udid: verdict.details?.udid as string | undefined, mac });
    if (posture) {
      decision.details = {
        ...decision.details,
        posture: { state: posture.state, lastKnown: posture.lastKnown, ageSeconds: posture.ageSeconds, jamfId: posture.device?.jamfId, udid: posture.device?.udid },
      };
    }
    deps.authLog.record(decision);
    if (deps.config().log.auth_decisions) {
      deps.log.info({ client: req.client.name, mac, user: userName, method: verdict.method, result: verdict.result, reason: verdict.reason }, 'authentication');
    }
  };

  return (req: RadiusRequest): RadiusReply | Promise<RadiusReply | undefined> => {
    const { packet } = req;
    if (packet.code === PacketCode.StatusServer) return { code: ACCEPT, attributes: [] };
    const config = deps.config();
    const userName = stringAttr(packet, Attr.UserName);
    const mac = deviceMac(packet);

    if (findAttribute(packet.attributes, Attr.EapMessage)) {
      const eap = deps.eap?.();
      if (!eap) {
        const verdict: Verdict = { result: 'reject', method: 'eap', reason: 'EAP is not configured (no eap: section)' };
        record(req, verdict, mac, userName);
        return { code: REJECT, attributes: [] };
      }
      return eap(req).then((reply) => {
        if (reply?.verdict) record(req, reply.verdict, mac, (reply.verdict.details?.identity as string | undefined) ?? userName);
        return reply;
      });
    }

    const mabMac = userName ? normaliseMac(userName) : undefined;
    const reply = (verdict: Verdict): RadiusReply => {
      record(req, verdict, mabMac ?? mac, userName);
      return { code: verdict.result === 'accept' ? ACCEPT : REJECT, attributes: verdict.attributes ?? [] };
    };
    if (mabMac) return reply(decideMab(mabMac, config));
    if (!userName) return reply({ result: 'reject', method: 'unknown', reason: 'no User-Name' });
    // Hashed passwords (bcrypt) take tens of milliseconds: PAP answers asynchronously.
    return decidePap(req, userName, config).then(reply);
  };
}
