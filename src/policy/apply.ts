import { createHash } from 'node:crypto';
import { encodeAttribute, encodeWithDef } from '../radius/codec/attributes.js';
import { Attr, type RawAttribute } from '../radius/codec/packet.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import type { ApplySpec } from './schema.js';
import { VENDORS, type Vendor } from './types.js';
import { ROLE_ATTRIBUTES } from './vendor-roles.js';

// `apply:` compiles to the exact attributes of the Access-Accept, once per vendor profile at load time:
// an authentication only copies a ready list.

export interface ApplyProblem {
  /** Path inside the apply block, e.g. ["attributes", "Foo"]. */
  path: (string | number)[];
  message: string;
}

export interface CompiledApply {
  /** Attributes for a NAS of this vendor. */
  readonly byVendor: Readonly<Record<Vendor, readonly RawAttribute[]>>;
  /** A short digest of byVendor[vendor]: two decisions with equal signatures send the same attributes. */
  readonly signature: Readonly<Record<Vendor, string>>;
  /** The VLAN id sent, for explanations and the auth log. */
  readonly vlan?: number;
  readonly role?: string;
}

const DEFAULT_VLAN_TAG = 1;

export function compileApply(
  spec: ApplySpec | undefined,
  dict: Dictionary,
  vlans: Readonly<Record<string, number>>,
  problem: (p: ApplyProblem) => void,
): CompiledApply {
  const common: RawAttribute[] = [];
  let vlan: number | undefined;
  if (spec?.vlan !== undefined) {
    vlan = typeof spec.vlan === 'number' ? spec.vlan : vlans[spec.vlan] ?? (/^\d+$/.test(spec.vlan) ? Number(spec.vlan) : undefined);
    if (vlan === undefined) {
      const known = Object.keys(vlans);
      problem({ path: ['vlan'], message: `unknown VLAN name "${spec.vlan}"${known.length ? ` (vlans: ${known.join(', ')})` : ' (no vlans: are defined)'}` });
    } else if (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094) {
      problem({ path: ['vlan'], message: `VLAN ${vlan} is out of range 1..4094` });
      vlan = undefined;
    } else {
      // RFC 3580 §3.31: dynamic VLAN = Tunnel-Type VLAN, Tunnel-Medium-Type 802, Tunnel-Private-Group-Id "id".
      const tag = spec.vlan_tag ?? DEFAULT_VLAN_TAG;
      common.push(
        encodeAttribute(dict, 'Tunnel-Type', 'VLAN', { tag }),
        encodeAttribute(dict, 'Tunnel-Medium-Type', 'IEEE-802', { tag }),
        encodeAttribute(dict, 'Tunnel-Private-Group-Id', String(vlan), { tag }),
      );
    }
  } else if (spec?.vlan_tag !== undefined) {
    problem({ path: ['vlan_tag'], message: 'vlan_tag without vlan' });
  }
  if (spec?.session_timeout !== undefined) {
    const v = Buffer.alloc(4);
    v.writeUInt32BE(spec.session_timeout);
    common.push({ type: Attr.SessionTimeout, value: v });
  }
  for (const [key, raw] of Object.entries(spec?.attributes ?? {})) {
    // "Tunnel-Type:1" sets an RFC 2868 tag, as in FreeRADIUS's notation.
    const m = /^(.+?)(?::(\d+))?$/.exec(key)!;
    const def = dict.attribute(m[1]);
    if (!def) {
      problem({ path: ['attributes', key], message: `unknown attribute "${m[1]}" (not in the dictionaries; add a vendor dictionary under dictionaries:)` });
      continue;
    }
    if (def.encrypt) {
      problem({ path: ['attributes', key], message: `${def.name} is encrypted per request and cannot be set by policy` });
      continue;
    }
    if (def.vendorId === 0 && (def.type === Attr.EapMessage || def.type === Attr.MessageAuthenticator)) {
      problem({ path: ['attributes', key], message: `${def.name} is computed by the server for each reply and cannot be set by policy` });
      continue;
    }
    const tag = m[2] === undefined ? undefined : Number(m[2]);
    if (tag !== undefined && (!def.hasTag || tag > 31)) {
      problem({ path: ['attributes', key], message: def.hasTag ? 'tag must be 0..31' : `${def.name} has no tag` });
      continue;
    }
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value === 'boolean') {
        problem({ path: ['attributes', key], message: `${def.name} needs a ${def.dataType} value, not true/false` });
        continue;
      }
      try {
        common.push(encodeWithDef(def, typeof value === 'number' && def.dataType === 'string' ? String(value) : value, { tag }));
      } catch (err) {
        problem({ path: ['attributes', key], message: (err as Error).message });
      }
    }
  }
  const byVendor = {} as Record<Vendor, RawAttribute[]>;
  for (const vendor of VENDORS) {
    byVendor[vendor] = common;
    if (spec?.role !== undefined) {
      const role = ROLE_ATTRIBUTES[vendor];
      if (!dict.attribute(role.attribute)) {
        problem({ path: ['role'], message: `the ${vendor} role attribute ${role.attribute} is not in the dictionaries` });
        continue;
      }
      byVendor[vendor] = [...common, encodeAttribute(dict, role.attribute, role.value(spec.role))];
    }
  }
  const signature = {} as Record<Vendor, string>;
  for (const vendor of VENDORS) signature[vendor] = attributesSignature(byVendor[vendor]);
  return { byVendor, signature, vlan, role: spec?.role };
}

export function attributesSignature(attributes: readonly RawAttribute[]): string {
  const hash = createHash('sha256');
  for (const a of attributes) hash.update(Buffer.from([a.type, a.value.length])).update(a.value);
  return hash.digest('hex').slice(0, 12);
}
