/**
 * The interface every EAP method implements (after hostapd's struct eap_method / RFC 4137
 * §5.4). The engine core handles Identity, NAK, identifiers and State; a method only sees the
 * Type-Data of its own Requests/Responses.
 *
 * Lifecycle: EapMethodRegistry factory → EapMethod (one per configuration generation, holds
 * shared things such as the tls.Server; a reload builds new ones while running conversations
 * keep theirs) → EapMethodSession (one per conversation).
 */
import type { ClientCertificateInfo } from './identity/certificate-info.js';
import type { EapLogger, EapMethodName } from './types.js';

export interface EapSessionContext {
  readonly nas: string;
  readonly outerIdentity: string;
  readonly callingStationId?: string | undefined;
  /** Logger bound to this conversation ({nas, session}). */
  readonly log: EapLogger;
}

/** Per-response facts from the RADIUS request. */
export interface EapResponseInfo {
  readonly framedMtu?: number | undefined;
}

export interface MethodSuccess {
  msk: Buffer;
  emsk: Buffer;
  sessionId?: Buffer;
  innerIdentity?: string;
  certificate?: ClientCertificateInfo;
  tlsVersion?: string;
  resumed?: boolean;
}

export type MethodStep =
  /** Send an EAP-Request of this method with this Type-Data (new identifier). */
  | { kind: 'request'; typeData: Buffer }
  | { kind: 'success'; success: MethodSuccess }
  | { kind: 'failure'; reason: string; certificate?: ClientCertificateInfo }
  /** The response is not valid for this method right now: drop it, keep waiting (hostapd check()). */
  | { kind: 'ignore'; reason: string };

export interface EapMethodSession {
  /** Type-Data of the method's first EAP-Request (e.g. EAP-TLS Start). */
  initiate(): Buffer;
  /** Handles the Type-Data of one EAP-Response of this method. Never throws. */
  process(typeData: Buffer, info: EapResponseInfo): Promise<MethodStep>;
  /** Frees sockets, timers and key material. Idempotent; called when the conversation ends. */
  close(): void;
}

export interface EapMethod {
  readonly name: EapMethodName;
  /** EAP Type code (13 TLS, 21 TTLS, 25 PEAP). */
  readonly type: number;
  newSession(ctx: EapSessionContext): EapMethodSession;
}
