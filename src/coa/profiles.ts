import type { CoaAttribute, Vendor } from './types.js';

// What each kind of NAS expects in a Disconnect-/CoA-Request. Sources are named beside each profile; where the
// vendor documents no "reauthenticate" CoA, reauthentication is a Disconnect (the device then authenticates again
// and gets the new policy). Session identifiers are Acct-Session-Id + Calling-Station-Id unless a vendor asks for
// more: a NAS ANDs every identifier it is sent, so each extra one (User-Name can change with a TTLS
// re-authentication) is one more way to miss the session.

/** Session identification attributes (RFC 5176 §3), sent when the session has a value for them. */
export type SessionIdentifier = 'Acct-Session-Id' | 'Acct-Multi-Session-Id' | 'Calling-Station-Id' | 'User-Name' | 'NAS-Port-Id' | 'Framed-IP-Address';
/** NAS identification attributes: a NAS NAKs 403 when they do not name it, so only what accounting reported is sent. */
export type NasIdentifier = 'NAS-IP-Address' | 'NAS-Identifier';

export type ReauthMethod =
  | { readonly kind: 'coa'; readonly attributes: readonly CoaAttribute[] }
  | { readonly kind: 'disconnect' };

export interface VendorProfile {
  readonly vendor: Vendor;
  readonly sessionIdentifiers: readonly SessionIdentifier[];
  readonly nasIdentifiers: readonly NasIdentifier[];
  readonly reauthenticate: ReauthMethod;
  /** Whether a CoA-Request carrying new attributes (VLAN, Filter-Id, role) is worth trying on this NAS. */
  readonly attributeCoa: boolean;
  /** After a CoA-NAK, send a Disconnect-Request instead (the device re-authenticates and gets the new policy). */
  readonly nakFallbackToDisconnect: boolean;
}

const DISCONNECT: ReauthMethod = { kind: 'disconnect' };

// Cisco IOS / IOS-XE ("RADIUS Change of Authorization", Catalyst security configuration guides): sessions are found
// by Acct-Session-Id, Calling-Station-Id, audit-session-id or Framed-IP-Address, and every one present must match
// (else NAK 407). Reauthentication: CoA-Request with Cisco-AVPair "subscriber:command=reauthenticate"; without a
// "subscriber:reauthenticate-type" the switch reruns the last successful method. Policy changes on 802.1X sessions
// go through reauthentication, not attributes in the CoA.
const cisco: VendorProfile = {
  vendor: 'cisco',
  sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
  nasIdentifiers: ['NAS-IP-Address'],
  reauthenticate: { kind: 'coa', attributes: [{ name: 'Cisco-AVPair', value: 'subscriber:command=reauthenticate' }] },
  attributeCoa: false,
  nakFallbackToDisconnect: true,
};

export const PROFILES: Readonly<Record<Vendor, VendorProfile>> = {
  // RFC 5176 only: the usual identifiers, Disconnect to reauthenticate, standard attributes in a CoA.
  generic: {
    vendor: 'generic',
    sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
    nasIdentifiers: ['NAS-IP-Address', 'NAS-Identifier'],
    reauthenticate: DISCONNECT,
    attributeCoa: true,
    nakFallbackToDisconnect: true,
  },
  cisco,
  // ArubaOS controllers / Instant ("Configuring an RFC 3576 RADIUS server"): users are found by User-Name,
  // Framed-IP-Address, Calling-Station-Id or Acct-Session-Id; unsupported attributes are ignored. ClearPass ends
  // sessions with a Disconnect and changes policy with a CoA carrying Aruba-User-Role; AOS-CX accepts
  // Aruba-User-Role / Aruba-CPPM-Role / Aruba-Port-Bounce-Host in CoA ("VSAs supported in session
  // authorization"). No reauthenticate command is documented.
  aruba: {
    vendor: 'aruba',
    sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
    nasIdentifiers: ['NAS-IP-Address'],
    reauthenticate: DISCONNECT,
    attributeCoa: true,
    nakFallbackToDisconnect: true,
  },
  // HPE ArubaOS-Switch 16.x ("Force client re-authorization"): a CoA with Session-Timeout = N and
  // Termination-Action = RADIUS-Request makes the switch re-authenticate the client after N seconds; the session
  // is identified by User-Name, NAS-Port-Id, NAS-IP-Address and Calling-Station-Id. HP-User-Role / HP-CPPM-Role
  // are accepted in CoA.
  hp: {
    vendor: 'hp',
    sessionIdentifiers: ['Calling-Station-Id', 'User-Name', 'NAS-Port-Id'],
    nasIdentifiers: ['NAS-IP-Address'],
    reauthenticate: { kind: 'coa', attributes: [{ name: 'Session-Timeout', value: 2 }, { name: 'Termination-Action', value: 'RADIUS-Request' }] },
    attributeCoa: true,
    nakFallbackToDisconnect: true,
  },
  // Junos EX/QFX 802.1X (user-access guide, "Change of Authorization"): Disconnect and CoA with new VLAN / filter /
  // Session-Timeout attributes are supported; the only command VSA is Juniper-AV-Pair "Port-Bounce", which
  // bounces the whole port (every device on it), so reauthentication is a Disconnect of the one session.
  juniper: {
    vendor: 'juniper',
    sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
    nasIdentifiers: ['NAS-IP-Address'],
    reauthenticate: DISCONNECT,
    attributeCoa: true,
    nakFallbackToDisconnect: true,
  },
  // Juniper Mist APs/switches (Mist "Configure Cloud-Assisted CoA"): CoA and DM for reauthorization and moving a
  // client to another policy/VLAN; no reauthenticate VSA is documented, so Disconnect.
  mist: {
    vendor: 'mist',
    sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
    nasIdentifiers: ['NAS-IP-Address'],
    reauthenticate: DISCONNECT,
    attributeCoa: true,
    nakFallbackToDisconnect: true,
  },
  // Cisco Meraki MR / MS ("Change of Authorization with RADIUS (CoA) on MR Access Points / MS Switches"):
  // reauthenticate (the Cisco ISE CoA, i.e. Cisco-AVPair subscriber:command=reauthenticate), disconnect and port
  // bounce; new group policy / VLAN comes from the re-authentication, not from attributes in the CoA.
  meraki: { ...cisco, vendor: 'meraki', sessionIdentifiers: ['Calling-Station-Id', 'Acct-Session-Id'] },
  // RUCKUS SmartZone ("AAA (RADIUS) Interface Reference Guide": CoA messages not set to Authorize-Only, Disconnect
  // Messages) and ZoneDirector (COA-DM only): Disconnect to reauthenticate; SmartZone takes attribute CoA.
  ruckus: {
    vendor: 'ruckus',
    sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
    nasIdentifiers: ['NAS-IP-Address'],
    reauthenticate: DISCONNECT,
    attributeCoa: true,
    nakFallbackToDisconnect: true,
  },
  // hostapd 2.10 DAS (anchors/lab8021x, radius_das.c): Disconnect only; its CoA NAKs everything but the HS2.0
  // T&C-Filtering VSA. Any attribute outside its list → NAK 401; NAS-Identifier / NAS-IP-Address must equal
  // nas_identifier / own_ip_addr (else 403); all identifiers present are ANDed. User-Name is left out: after a
  // TTLS re-authentication it may be the outer identity and no longer match.
  hostapd: {
    vendor: 'hostapd',
    sessionIdentifiers: ['Acct-Session-Id', 'Calling-Station-Id'],
    nasIdentifiers: ['NAS-IP-Address', 'NAS-Identifier'],
    reauthenticate: DISCONNECT,
    attributeCoa: false,
    nakFallbackToDisconnect: true,
  },
};

export function profileFor(vendor: Vendor): VendorProfile {
  return PROFILES[vendor] ?? PROFILES.generic;
}
