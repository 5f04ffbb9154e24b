/**
 * What the auth log and the posture lookup need to know about a client certificate.
 */
import type { X509Certificate } from 'node:crypto';
import { parseSubjectAltNames } from './subject-alt-names.js';
import { DEFAULT_UDID_SOURCES, extractUdid, type UdidSource } from './udid.js';

export interface ClientCertificateInfo {
  /** Jamf UDID (upper-case UUID), when one of the configured sources holds one. */
  udid?: string;
  udidSource?: UdidSource;
  /** "O=NAC Test, CN=…" in certificate order. */
  subject: string;
  commonName?: string;
  issuer: string;
  /** Upper-case hex, as OpenSSL prints it. */
  serialNumber: string;
  /** "DNS:…", "URI:…" entries. */
  subjectAltNames: string[];
  /** SHA-256 fingerprint "AA:BB:…". */
  fingerprint256: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Extended Key Usage OIDs; empty when the certificate has no EKU extension. */
  extendedKeyUsage: string[];
}

export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

export function describeCertificate(
  cert: X509Certificate,
  udidSources: readonly UdidSource[] = DEFAULT_UDID_SOURCES,
): ClientCertificateInfo {
  const sans = parseSubjectAltNames(cert.subjectAltName);
  const commonName = lastAttribute(cert.subject, 'CN');
  const info: ClientCertificateInfo = {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    subjectAltNames: sans.map((san) => `${san.kind}:${san.value}`),
    fingerprint256: cert.fingerprint256,
    notBefore: certificateDate(cert.validFrom).toISOString(),
    notAfter: certificateDate(cert.validTo).toISOString(),
    extendedKeyUsage: [...(cert.keyUsage ?? [])],
  };
  if (commonName !== undefined) info.commonName = commonName;
  const udid = extractUdid({ subjectAltNames: sans, commonName }, udidSources);
  if (udid) {
    info.udid = udid.udid;
    info.udidSource = udid.source;
  }
  return info;
}

/** OpenSSL prints "Nov 23 05:41:00 2026 GMT"; invalid text gives an Invalid Date → epoch 0. */
export function certificateDate(text: string): Date {
  const ms = Date.parse(text);
  return new Date(Number.isNaN(ms) ? 0 : ms);
}

/** Node prints one RDN per line. */
function distinguishedName(multiline: string): string {
  return multiline.split('\n').filter(Boolean).join(', ');
}

function lastAttribute(multiline: string, name: string): string | undefined {
  let value: string | undefined;
  for (const line of multiline.split('\n')) {
    if (line.startsWith(`${name}=`)) value = line.slice(name.length + 1);
  }
  return value;
}
