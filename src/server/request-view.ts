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

/** NAS-IP-Address values seen, as text: a site has a bounded set of NASes, and every decision logs one. */
const nasIpText = new Map<number, string>();
const NAS_IP_CACHE = 4096;

/** The NAS address as the request gives it: NAS-IP-Address, else the source address. */
export function nasIp(packet: RadiusPacket, sourceAddress: string): string {
  const v = findAttribute(packet.attributes, Attr.NasIpAddress);
  if (v === undefined || v.length !== 4) return sourceAddress;
  const n = v.readUInt32BE(0);
  let text = nasIpText.get(n);
  if (text === undefined) {
    text = `${v[0]}.${v[1]}.${v[2]}.${v[3]}`;
    if (nasIpText.size >= NAS_IP_CACHE) nasIpText.clear();
    nasIpText.set(n, text);
  }
  return text;
}

/** The NAS as the request describes itself: NAS-IP-Address (or the source address) and NAS-Identifier. */
export function nasIdentity(packet: RadiusPacket, sourceAddress: string): { readonly nasIp: string; readonly nasIdentifier: string } {
  return new NasIdentity(packet, sourceAddress);
}

/** NAS-Identifier is decoded only when read. */
class NasIdentity {
  readonly nasIp: string;
  readonly #packet: RadiusPacket;

  constructor(packet: RadiusPacket, sourceAddress: string) {
    this.nasIp = nasIp(packet, sourceAddress);
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

const HEX_DIGIT = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * The MAC a MAB User-Name carries, normalised, or undefined: normaliseMac's answer, with a regex-free path for
 * the 12 bare hex digits nearly every switch and AP sends (normaliseMac builds a match and six substrings).
 */
export function macOfUserName(userName: string): string | undefined {
  if (userName.length !== 12) return normaliseMac(userName);
  const codes = new Array<number>(17);
  for (let i = 0, o = 0; i < 12; i++) {
    const c = userName.charCodeAt(i);
    if (c > 127 || HEX_DIGIT[c] === 0) return normaliseMac(userName);
    codes[o++] = c | 0x20; // lower case: sets the 0x20 bit of A-F, leaves 0-9 as they are
    if ((i & 1) === 1 && i < 11) codes[o++] = 0x3a;
  }
  return String.fromCharCode(...codes);
}
