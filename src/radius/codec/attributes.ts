import type { AttributeDef, Dictionary } from '../dictionary/dictionary.js';
import { RadiusDecodeError, RadiusEncodeError } from './errors.js';
import { decryptSalted, decryptUserPassword, encryptSalted, encryptUserPassword } from './hiding.js';
import { Attr, MAX_ATTRIBUTE_VALUE_LENGTH, type RawAttribute } from './packet.js';
import { type AttributeValue, decodeValue, encodeValue } from './values.js';
import { decodeVsa, encodeVsa } from './vsa.js';

// Dictionary-aware view of attributes: raw wire attributes ⇄ { name, value, tag }.
// Unknown attributes keep their bytes (octets) under a FreeRADIUS-style "Attr-N" / "Vendor-V-Attr-N" name.

export interface NamedAttribute {
  readonly name: string;
  readonly value: AttributeValue;
  /** RFC 2868 tag, for has_tag attributes that carry one. */
  readonly tag?: number;
  readonly vendorId: number;
  readonly type: number;
  /** Undefined for attributes the dictionary does not know. */
  readonly def?: AttributeDef;
}

/** What hiding needs: the shared secret and the Request Authenticator of the packet (or of its request). */
export interface HidingContext {
  readonly secret: Buffer;
  readonly requestAuthenticator: Buffer;
}

const TAG_MAX = 0x1f;

function decodeOne(def: AttributeDef | undefined, vendorId: number, type: number, raw: Buffer, hiding?: HidingContext): NamedAttribute {
  if (!def) {
    const name = vendorId ? `Vendor-${vendorId}-Attr-${type}` : `Attr-${type}`;
    return { name, value: raw, vendorId, type };
  }
  let bytes = raw;
  let tag: number | undefined;
  if (def.hasTag) {
    const integerLike = def.dataType === 'integer';
    // Integer tagged attributes always carry the tag octet; string ones only when it is 0x01..0x1F (RFC 2868 §3).
    if (def.encrypt === 2 || integerLike || (bytes.length > 0 && bytes[0] <= TAG_MAX)) {
      if (bytes.length === 0) throw new RadiusDecodeError('ERR_RADIUS_BAD_VALUE', `${def.name} is empty`);
      tag = bytes[0];
      bytes = integerLike ? Buffer.concat([Buffer.alloc(1), bytes.subarray(1)]) : bytes.subarray(1);
    }
  }
  if (def.encrypt === 1) bytes = hiding ? decryptUserPassword(bytes, hiding.secret, hiding.requestAuthenticator) : bytes;
  else if (def.encrypt === 2) bytes = hiding ? decryptSalted(bytes, hiding.secret, hiding.requestAuthenticator) : bytes;
  const value = def.encrypt && !hiding ? bytes : decodeValue(def.dataType, bytes);
  return { name: def.name, value, tag, vendorId, type, def };
}

/**
 * Decodes every attribute by the dictionary, VSAs into their sub-attributes. Hidden values stay as octets
 * unless `hiding` is given. Never throws anything but RadiusDecodeError.
 */
export function decodeAttributes(attributes: readonly RawAttribute[], dict: Dictionary, hiding?: HidingContext): NamedAttribute[] {
  const out: NamedAttribute[] = [];
  for (const a of attributes) {
    if (a.type === Attr.VendorSpecific) {
      const vsa = decodeVsa(a.value);
      for (const sub of vsa.attributes) {
        out.push(decodeOne(dict.attributeByNumber(vsa.vendorId, sub.type), vsa.vendorId, sub.type, sub.value, hiding));
      }
    } else {
      out.push(decodeOne(dict.attributeByNumber(0, a.type), 0, a.type, a.value, hiding));
    }
  }
  return out;
}

/** Maps a VALUE name (e.g. "Call-Check") to its number; numbers and non-integer types pass through. */
function resolveNamedValue(def: AttributeDef, value: AttributeValue): AttributeValue {
  if (typeof value !== 'string' || def.values.size === 0) return value;
  const n = def.values.get(value.toLowerCase());
  if (n !== undefined) return n;
  if (/^\d+$/.test(value)) return Number(value);
  const known = [...def.valueNames.values()].slice(0, 12).join(', ');
  throw new RadiusEncodeError('ERR_RADIUS_UNKNOWN_VALUE', `"${value}" is not a value of ${def.name} (known: ${known})`);
}

export interface EncodeOptions {
  tag?: number;
  /** Required for encrypted attributes (User-Password, Tunnel-Password, MS-MPPE keys). */
  hiding?: HidingContext;
}

/** Encodes one attribute by name; vendor attributes come back wrapped in Vendor-Specific. */
export function encodeAttribute(dict: Dictionary, name: string, value: AttributeValue, options: EncodeOptions = {}): RawAttribute {
  const def = dict.attribute(name);
  if (!def) throw new RadiusEncodeError('ERR_RADIUS_UNKNOWN_ATTRIBUTE', `unknown attribute "${name}"`);
  return encodeWithDef(def, value, options);
}

export function encodeWithDef(def: AttributeDef, value: AttributeValue, options: EncodeOptions = {}): RawAttribute {
  let bytes = encodeValue(def.dataType, resolveNamedValue(def, value));
  if (def.maxLength !== undefined && bytes.length > def.maxLength) {
    throw new RadiusEncodeError('ERR_RADIUS_VALUE_TOO_LONG', `${def.name} longer than ${def.maxLength} octets`);
  }
  if (def.encrypt) {
    if (!options.hiding) throw new RadiusEncodeError('ERR_RADIUS_NEEDS_SECRET', `${def.name} is encrypted: secret and request authenticator required`);
    const { secret, requestAuthenticator } = options.hiding;
    bytes = def.encrypt === 1 ? encryptUserPassword(bytes, secret, requestAuthenticator) : encryptSalted(bytes, secret, requestAuthenticator);
  }
  if (def.hasTag) {
    const tag = options.tag ?? 0;
    if (tag < 0 || tag > TAG_MAX) throw new RadiusEncodeError('ERR_RADIUS_BAD_TAG', `tag ${tag} outside 0..31`);
    if (def.dataType === 'integer') {
      // The tag takes the first octet: the value must fit in the other three.
      if (bytes[0] !== 0) throw new RadiusEncodeError('ERR_RADIUS_BAD_VALUE', `${def.name} value does not fit in 3 octets after its tag`);
      bytes = Buffer.from(bytes);
      bytes[0] = tag;
    } else if (tag > 0 || def.encrypt === 2 || (bytes.length > 0 && bytes[0] <= TAG_MAX)) {
      // An untagged string starting with 0x00..0x1F would be read as a tag: send a 0 tag in front of it.
      bytes = Buffer.concat([Buffer.from([tag]), bytes]);
    }
  }
  const limit = def.vendorId ? MAX_ATTRIBUTE_VALUE_LENGTH - 6 : MAX_ATTRIBUTE_VALUE_LENGTH;
  if (bytes.length > limit) throw new RadiusEncodeError('ERR_RADIUS_VALUE_TOO_LONG', `${def.name} value of ${bytes.length} octets exceeds ${limit}`);
  if (def.vendorId) return { type: Attr.VendorSpecific, value: encodeVsa(def.vendorId, def.type, bytes) };
  return { type: def.type, value: bytes };
}

/** Human text of a decoded value: VALUE names for enumerations, hex for octets (radclient style). */
export function formatValue(a: NamedAttribute): string {
  if (Buffer.isBuffer(a.value)) return `0x${a.value.toString('hex')}`;
  if (typeof a.value === 'number' && a.def?.valueNames.has(a.value)) return a.def.valueNames.get(a.value)!;
  return String(a.value);
}
