import type { PostureAnswer } from '../posture/types.js';
import type { RawAttribute } from '../radius/codec/packet.js';

// What a policy decision sees and what it produces.

export const AUTH_METHODS = ['eap-tls', 'eap-ttls', 'peap', 'mab', 'pap'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const VENDORS = ['generic', 'cisco', 'aruba', 'juniper', 'mist', 'meraki', 'ruckus', 'hp', 'hostapd'] as const;
export type Vendor = (typeof VENDORS)[number];

/** The client certificate as policy sees it (EAP-TLS; also the server-side view of TTLS/PEAP has none). */
export interface PolicyCertificate {
  commonName?: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  /** "DNS:…", "URI:…", "email:…" entries as the certificate lists them. */
  subjectAltNames: readonly string[];
  extendedKeyUsage: readonly string[];
}

/**
 * The request-side facts of one authentication: everything except posture, which is looked up when the
 * policy is evaluated (so a stored request can be re-evaluated when posture changes — CoA, policy diff).
 * Plain JSON: it is kept in the auth log.
 */
export interface PolicyRequest {
  method: AuthMethod;
  nas: { name: string; labels: readonly string[]; ip: string; vendor: Vendor };
  /** From Called-Station-Id "AA-BB-CC-DD-EE-FF:SSID". */
  ssid?: string;
  portType?: 'wired' | 'wireless' | 'other';
  /** Normalised "aa:bb:cc:dd:ee:ff". */
  mac?: string;
  /** The identity that authenticated: inner identity for TTLS/PEAP, User-Name for MAB/PAP/EAP-TLS. */
  user?: string;
  udid?: string;
  certificate?: PolicyCertificate;
}

/** Posture as the policy reads it: by certificate UDID and by MAC (kept apart for the same-device check). */
export interface PolicyPosture {
  /** The device's posture: by UDID when the certificate names one Jamf knows, else by MAC. */
  device?: PostureAnswer;
  /** The Jamf device record owning the request's MAC, when different lookups matter. */
  byMac?: PostureAnswer;
  byUdid?: PostureAnswer;
}

export interface PolicyInput {
  request: PolicyRequest;
  posture: PolicyPosture;
}

export interface Decision {
  action: 'allow' | 'block';
  /** Name of the matching rule, or "default". */
  rule: string;
  /** Index of the matching rule, -1 for the default. */
  ruleIndex: number;
  /** Attributes to add to the Access-Accept (empty on block). */
  attributes: RawAttribute[];
  /** "block", or a digest of the attributes: a changed signature means the NAS must be told (CoA). */
  signature: string;
  policyVersion: string;
}

/** Why each rule before the match did not match (policy test, explain). */
export interface RuleTrace {
  rule: string;
  enabled: boolean;
  matched: boolean;
  /** Empty when matched; otherwise the first condition that failed, in words. */
  reasons: string[];
}
