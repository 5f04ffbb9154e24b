/**
 * Public types of the EAP engine: what the RADIUS layer passes in and gets back.
 */
import type { ClientCertificateInfo } from './identity/certificate-info.js';

export const EAP_METHOD_NAMES = ['tls', 'ttls', 'peap'] as const;
export type EapMethodName = (typeof EAP_METHOD_NAMES)[number];

export interface EapRequest {
  /** Configured NAS client name: conversations are bound to it. */
  nas: string;
  /** Reassembled EAP-Message (length 0 = EAP-Start). */
  eapMessage: Buffer;
  /** RADIUS State from the Access-Request, if any. */
  state?: Buffer | undefined;
  /** Framed-MTU from the Access-Request: caps the EAP-TLS fragment size. */
  framedMtu?: number | undefined;
  callingStationId?: string | undefined;
  /** Per-NAS override of the allowed methods, in order of preference. */
  allowedMethods?: readonly EapMethodName[] | undefined;
}

export type EapResult =
  | { kind: 'challenge'; eapMessage: Buffer; state: Buffer }
  | {
      kind: 'success';
      eapMessage: Buffer;
      /** 64 octets; MS-MPPE-Recv-Key = msk[0..31], MS-MPPE-Send-Key = msk[32..63]. */
      msk: Buffer;
      emsk: Buffer;
      /** EAP Session-Id (RFC 5247), e.g. for EAP-Key-Name. */
      sessionId?: Buffer;
      method: EapMethodName;
      outerIdentity: string;
      innerIdentity?: string;
      certificate?: ClientCertificateInfo;
      /** "TLSv1.2" / "TLSv1.3". */
      tlsVersion?: string;
      resumed?: boolean;
    }
  | {
      kind: 'failure';
      eapMessage: Buffer;
      /** One line for the auth log; never contains secrets. */
      reason: string;
      method?: EapMethodName;
      outerIdentity?: string;
      certificate?: ClientCertificateInfo;
    }
  /** Drop the Access-Request silently: unknown/expired State, bad identifier, garbage. */
  | { kind: 'discard'; reason: string };

export type LogLevel = 'debug' | 'info' | 'warn';

/** pino-compatible subset. Key material never reaches the logger. */
export interface EapLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  /** pino's level check; without it every level counts as enabled. */
  isLevelEnabled?(level: LogLevel): boolean;
}

export const silentLogger: EapLogger = {
  debug() {},
  info() {},
  warn() {},
  isLevelEnabled: () => false,
};
