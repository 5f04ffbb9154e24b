import type { Secret } from '../log/secret.js';
import type { AttributeValue } from '../radius/codec/values.js';
import type { VENDOR_PROFILES } from '../config/schema.js';

export type Vendor = (typeof VENDOR_PROFILES)[number];

/** The NAS to talk to: what the loaded client config gives (NasClientConfig fits). */
export interface CoaNas {
  readonly name: string;
  readonly vendor: Vendor;
  readonly coaPort: number;
  /** coa_secret, or the client's shared secret when none is set (config/load.ts does that). */
  readonly coaSecret: Secret;
}

/** What identifies a live session on its NAS, as accounting recorded it. */
export interface CoaSession {
  /** NAS-IP-Address from accounting, else the address the NAS sent from: CoA goes here. */
  readonly nasIp: string;
  readonly nasIdentifier?: string;
  readonly acctSessionId?: string;
  readonly multiSessionId?: string;
  readonly userName?: string;
  /** Exactly as the NAS sent it (hostapd matches it as text). */
  readonly callingStationId?: string;
  /** Normalised aa:bb:cc:dd:ee:ff, used when callingStationId is missing. */
  readonly mac?: string;
  readonly nasPortId?: string;
  readonly framedIp?: string;
}

/** An attribute by dictionary name, for changeAuthorization (e.g. Tunnel-Private-Group-Id, Filter-Id, Aruba-User-Role). */
export interface CoaAttribute {
  readonly name: string;
  readonly value: AttributeValue;
  readonly tag?: number;
}

/** The outcome of one request (after its retransmissions). */
export interface CoaOutcome {
  kind: 'ack' | 'nak' | 'timeout' | 'error';
  errorCause?: number;
  /** Error-Cause in words, e.g. "Session Context Not Found (503)". */
  errorCauseText?: string;
  /** Datagrams sent for this request: 1 + retransmissions; 0 when it never left (queue full, encode error). */
  attempts: number;
  /** From being queued to the answer (or giving up). */
  ms: number;
  /** Why, for kind 'error' (never contains a secret). */
  error?: string;
}

export type CoaAction = 'disconnect' | 'reauthenticate' | 'change-authorization';
export type CoaMessage = 'disconnect' | 'coa-reauthenticate' | 'coa-attributes';

/** A high-level action: the outcome of the last message sent, and every message sent in order. */
export interface CoaActionResult extends CoaOutcome {
  action: CoaAction;
  /** The last message sent (the one `kind` describes): 'disconnect' after a NAK fallback. */
  sent: CoaMessage;
  steps: { message: CoaMessage; outcome: CoaOutcome }[];
  /** Where it went, "address:port" (for logs and the CLI). */
  target: string;
}
