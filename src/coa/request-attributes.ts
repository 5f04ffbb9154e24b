import { isIPv4, isIPv6 } from 'node:net';
import { encodeAttribute } from '../radius/codec/attributes.js';
import { Attr, type RawAttribute } from '../radius/codec/packet.js';
import { encodeValue } from '../radius/codec/values.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import type { VendorProfile } from './profiles.js';
import type { CoaAttribute, CoaSession } from './types.js';

// The attributes of a request: who the NAS is, which session, and (for a CoA) what changes. Values the session
// does not have are left out, never guessed.

const text = (type: number, value: string): RawAttribute => ({ type, value: Buffer.from(value, 'utf8') });

/** "AA-BB-CC-DD-EE-FF" (RFC 3580 §3.21) from a normalised MAC, for when the NAS's own text was not recorded. */
function ietfMac(mac: string): string {
  return mac.replace(/:/g, '-').toUpperCase();
}

export function identificationAttributes(profile: VendorProfile, session: CoaSession): RawAttribute[] {
  const out: RawAttribute[] = [];
  for (const id of profile.nasIdentifiers) {
    if (id === 'NAS-IP-Address') {
      if (isIPv4(session.nasIp)) out.push({ type: Attr.NasIpAddress, value: encodeValue('ipaddr', session.nasIp) });
      else if (isIPv6(session.nasIp)) out.push({ type: Attr.NasIpv6Address, value: encodeValue('ipv6addr', session.nasIp) });
    } else if (id === 'NAS-Identifier' && session.nasIdentifier) {
      out.push(text(Attr.NasIdentifier, session.nasIdentifier));
    }
  }
  for (const id of profile.sessionIdentifiers) {
    switch (id) {
      case 'Acct-Session-Id':
        if (session.acctSessionId) out.push(text(Attr.AcctSessionId, session.acctSessionId));
        break;
      case 'Acct-Multi-Session-Id':
        if (session.multiSessionId) out.push(text(Attr.AcctMultiSessionId, session.multiSessionId));
        break;
      case 'Calling-Station-Id': {
        const csid = session.callingStationId ?? (session.mac ? ietfMac(session.mac) : undefined);
        if (csid) out.push(text(Attr.CallingStationId, csid));
        break;
      }
      case 'User-Name':
        if (session.userName) out.push(text(Attr.UserName, session.userName));
        break;
      case 'NAS-Port-Id':
        if (session.nasPortId) out.push(text(Attr.NasPortId, session.nasPortId));
        break;
      case 'Framed-IP-Address':
        if (session.framedIp && isIPv4(session.framedIp)) out.push({ type: Attr.FramedIpAddress, value: encodeValue('ipaddr', session.framedIp) });
        break;
    }
  }
  return out;
}

/** True when the request would name no session at all (a NAS would NAK 402/503, or worse, match too much). */
export function hasSessionIdentifier(attributes: readonly RawAttribute[]): boolean {
  return attributes.some((a) => a.type !== Attr.NasIpAddress && a.type !== Attr.NasIpv6Address && a.type !== Attr.NasIdentifier);
}

/** Dictionary-encodes change attributes (vendor ones wrapped in Vendor-Specific). Throws RadiusEncodeError. */
export function changeAttributes(dict: Dictionary, attributes: readonly CoaAttribute[]): RawAttribute[] {
  return attributes.map((a) => encodeAttribute(dict, a.name, a.value, { tag: a.tag }));
}
