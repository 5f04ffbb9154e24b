import type { Vendor } from './types.js';

// Where each kind of NAS expects a "role" (a named access policy configured on the NAS itself).
// - Filter-Id (RFC 2865 §5.11): generic, hostapd; Meraki reads it as the group-policy name; Juniper EX and
//   Mist APs read it as a firewall filter / dynamic user role; Ruckus as a user-role/ACL name.
// - Aruba-User-Role (Aruba VSA 1): Aruba controllers, Instant APs and AOS-CX switches.
// - HP-User-Role (HP VSA 25): ProCurve / Aruba-OS switches.
// - Cisco-AVPair "ACS:CiscoSecure-Defined-ACL=<name>": the downloadable-ACL reference Cisco switches and
//   WLCs accept from a RADIUS server.
// Any other attribute can still be sent with `apply.attributes`.

export interface RoleAttribute {
  attribute: string;
  value(role: string): string;
}

const FILTER_ID: RoleAttribute = { attribute: 'Filter-Id', value: (r) => r };

export const ROLE_ATTRIBUTES: Record<Vendor, RoleAttribute> = {
  generic: FILTER_ID,
  hostapd: FILTER_ID,
  meraki: FILTER_ID,
  juniper: FILTER_ID,
  mist: FILTER_ID,
  ruckus: FILTER_ID,
  aruba: { attribute: 'Aruba-User-Role', value: (r) => r },
  hp: { attribute: 'HP-User-Role', value: (r) => r },
  cisco: { attribute: 'Cisco-AVPair', value: (r) => `ACS:CiscoSecure-Defined-ACL=${r}` },
};
