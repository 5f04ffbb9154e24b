import { Attr, findAttribute, type RadiusPacket } from '../radius/codec/packet.js';
import { normaliseMac } from '../posture/mac.js';

// Cheap, typed access to the attributes the server reads on every request, straight from the raw list
// (no dictionary walk on the hot path).

export function stringAttr(packet: RadiusPacket, type: number): string | undefined {
  const v = findAttribute(packet.attributes, type);
  return v === undefined ? undefined : v.toString('utf8');
}

export function integerAttr(packet: RadiusPacket, type: number): number | undefined {
  const v = findAttribute(packet.attributes, type);
  return v !== undefined && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

export function ipv4Attr(packet: RadiusPacket, type: number): string | undefined {
  const v = findAttribute(packet.attributes, type);
  return v !== undefined && v.length === 4 ? `${v[0]}.${v[1]}.${v[2]}.${v[3]}` : undefined;
}

/** The NAS as the request describes itself: NAS-IP-Address (or the source address) and NAS-Identifier. */
export function nasIdentity(packet: RadiusPacket, sourceAddress: string): { readonly nasIp: string; readonly nasIdentifier: string } {
  return new NasIdentity(packet, sourceAddress);
}

/** NAS-Identifier is decoded only when read: the auth log wants just the address, on every request. */
class NasIdentity {
  readonly nasIp: string;
  readonly #packet: RadiusPacket;

  constructor(packet: RadiusPacket, sourceAddress: string) {
    this.nasIp = ipv4Attr(packet, Attr.NasIpAddress) ?? sourceAddress;
    this.#packet = packet;
  }

  get nasIdentifier(): string {
    return stringAttr(this.#packet, Attr.NasIdentifier) ?? '';
  }
}

/** The device MAC: Calling-Station-Id if it is a MAC (RFC 3580), else a MAC-shaped User-Name. */
export function deviceMac(packet: RadiusPacket): string | undefined {
  const csid = stringAttr(packet, Attr.CallingStationId);
  const fromCsid = csid ? normaliseMac(csid) : undefined;
  if (fromCsid) return fromCsid;
  const user = stringAttr(packet, Attr.UserName);
  return user ? normaliseMac(user) : undefined;
}
