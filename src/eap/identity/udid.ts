/**
 * Jamf device UDID from a client certificate. Jamf Pro puts the UDID (a UUID) into the SAN as
 * DNS:<UDID> and/or URI:urn:jamf:udid:<UDID>; some profiles only set CN=<UDID>.
 * The sources are tried in a configurable order; the UDID is normalised to upper case.
 */
import type { SubjectAltName } from './subject-alt-names.js';

export const UDID_SOURCES = ['san_uri', 'san_dns', 'cn'] as const;
export type UdidSource = (typeof UDID_SOURCES)[number];
export const DEFAULT_UDID_SOURCES: readonly UdidSource[] = ['san_uri', 'san_dns', 'cn'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** A URI whose last segment (after the last ':' or '/') is a UUID: urn:jamf:udid:<U>, https://h/d/<U>. */
export function udidFromUri(uri: string): string | undefined {
  const last = uri.slice(Math.max(uri.lastIndexOf(':'), uri.lastIndexOf('/')) + 1);
  return isUuid(last) ? last.toUpperCase() : undefined;
}

export interface UdidCandidates {
  subjectAltNames: readonly SubjectAltName[];
  commonName?: string | undefined;
}

export function extractUdid(
  from: UdidCandidates,
  order: readonly UdidSource[] = DEFAULT_UDID_SOURCES,
): { udid: string; source: UdidSource } | undefined {
  for (const source of order) {
    const udid = udidFrom(source, from);
    if (udid) return { udid, source };
  }
  return undefined;
}

function udidFrom(source: UdidSource, from: UdidCandidates): string | undefined {
  switch (source) {
    case 'san_uri':
      for (const san of from.subjectAltNames) {
        if (san.kind === 'URI') {
          const udid = udidFromUri(san.value);
          if (udid) return udid;
        }
      }
      return undefined;
    case 'san_dns':
      for (const san of from.subjectAltNames) {
        if (san.kind === 'DNS' && isUuid(san.value)) return san.value.toUpperCase();
      }
      return undefined;
    case 'cn':
      return from.commonName && isUuid(from.commonName) ? from.commonName.toUpperCase() : undefined;
  }
}
