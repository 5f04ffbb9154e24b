import type { DataType } from '../codec/values.js';

/** 0 = none, 1 = User-Password (RFC 2865 §5.2), 2 = salted (Tunnel-Password, MS-MPPE keys). */
export type Encryption = 0 | 1 | 2;

export interface AttributeDef {
  readonly name: string;
  /** 0 for standard attributes. */
  readonly vendorId: number;
  readonly type: number;
  readonly dataType: DataType;
  /** Only for `octets[N]`. */
  readonly maxLength?: number;
  readonly hasTag: boolean;
  readonly encrypt: Encryption;
  readonly concat: boolean;
  /** VALUE name → number and back (for integer-like types). */
  readonly values: Map<string, number>;
  readonly valueNames: Map<number, string>;
  readonly file: string;
  readonly line: number;
}

export interface VendorDef {
  readonly name: string;
  readonly id: number;
}

const key = (vendorId: number, type: number) => vendorId * 256 + type;

/** Attribute and vendor definitions by name (case-insensitive) and by number. Built by the parser. */
export class Dictionary {
  readonly #byName = new Map<string, AttributeDef>();
  readonly #byNumber = new Map<number, AttributeDef>();
  readonly #vendorsByName = new Map<string, VendorDef>();
  readonly #vendorsById = new Map<number, VendorDef>();

  /** Adds a definition; returns the existing one it collides with, if any (the parser turns that into an error). */
  addAttribute(def: AttributeDef): AttributeDef | undefined {
    const existing = this.#byName.get(def.name.toLowerCase()) ?? this.#byNumber.get(key(def.vendorId, def.type));
    if (existing) return existing;
    this.#byName.set(def.name.toLowerCase(), def);
    this.#byNumber.set(key(def.vendorId, def.type), def);
    return undefined;
  }

  addVendor(def: VendorDef): VendorDef | undefined {
    const existing = this.#vendorsByName.get(def.name.toLowerCase()) ?? this.#vendorsById.get(def.id);
    if (existing) return existing.id === def.id && existing.name === def.name ? undefined : existing;
    this.#vendorsByName.set(def.name.toLowerCase(), def);
    this.#vendorsById.set(def.id, def);
    return undefined;
  }

  attribute(name: string): AttributeDef | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  attributeByNumber(vendorId: number, type: number): AttributeDef | undefined {
    return this.#byNumber.get(key(vendorId, type));
  }

  vendor(name: string): VendorDef | undefined {
    return this.#vendorsByName.get(name.toLowerCase());
  }

  vendorById(id: number): VendorDef | undefined {
    return this.#vendorsById.get(id);
  }

  get attributeCount(): number {
    return this.#byName.size;
  }

  /** Every attribute name (for "did you mean" hints in config and policy errors). */
  attributeNames(): IterableIterator<string> {
    return [...this.#byName.values()].map((d) => d.name)[Symbol.iterator]();
  }
}
