// Test support: compare JSON "shapes" (keys and value types) of the mock's answers with recorded
// fixtures, check them against Jamf's OpenAPI schemas, and reduce XML to its element tree.

export type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

export function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/** The union shape of a value: every type seen at a path, every key seen in objects at that path. */
export interface Shape {
  types: Set<JsonType>;
  keys: Map<string, Shape>;
  items: Shape | undefined;
}

export function shapeOf(values: readonly unknown[], into?: Shape): Shape {
  const shape: Shape = into ?? { types: new Set(), keys: new Map(), items: undefined };
  for (const v of values) {
    const t = typeOf(v);
    shape.types.add(t);
    if (t === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        const existing = shape.keys.get(k);
        shape.keys.set(k, shapeOf([child], existing));
      }
    } else if (t === 'array' && (v as unknown[]).length > 0) {
      shape.items = shapeOf(v as unknown[], shape.items);
    }
  }
  return shape;
}

/**
 * exact: same keys both ways; superset: the mock has every fixture key (extras are checked against
 * the OpenAPI schema elsewhere); subset: every mock key exists in the fixture (a full real record).
 */
export type Mode = 'exact' | 'superset' | 'subset';

export function compareShape(fixture: Shape, actual: unknown, mode: Mode, path = '$', problems: string[] = []): string[] {
  const t = typeOf(actual);
  if (!fixture.types.has(t)) {
    problems.push(`${path}: type ${t}, fixture has ${[...fixture.types].join('|')}`);
    return problems;
  }
  if (t === 'object') {
    const obj = actual as Record<string, unknown>;
    if (mode !== 'subset') {
      for (const k of fixture.keys.keys()) if (!(k in obj)) problems.push(`${path}.${k}: missing`);
    }
    if (mode !== 'superset') {
      for (const k of Object.keys(obj)) if (!fixture.keys.has(k)) problems.push(`${path}.${k}: not in fixture`);
    }
    for (const [k, v] of Object.entries(obj)) {
      const f = fixture.keys.get(k);
      if (f) compareShape(f, v, mode, `${path}.${k}`, problems);
    }
  } else if (t === 'array' && fixture.items) {
    (actual as unknown[]).forEach((item, i) => compareShape(fixture.items!, item, mode, `${path}[${i}]`, problems));
  }
  return problems;
}

// --- OpenAPI ------------------------------------------------------------------------------------

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
  enum?: unknown[];
}

export class OpenApi {
  constructor(readonly doc: { components: { schemas: Record<string, Schema> } }) {}

  #resolve(s: Schema): Schema {
    if (s.$ref) return this.#resolve(this.doc.components.schemas[s.$ref.split('/').pop()!]);
    if (!s.allOf) return s;
    // Merge allOf parts into one object schema.
    const merged: Schema = { type: 'object', properties: {} };
    for (const part of s.allOf.map((p) => this.#resolve(p))) Object.assign(merged.properties!, part.properties ?? {});
    return merged;
  }

  /** Problems with `value` against the named schema: unknown keys, wrong types, values outside an enum. Null is accepted anywhere (Jamf serialises absent values as null). */
  check(value: unknown, schemaName: string | Schema, path = '$', problems: string[] = []): string[] {
    let s = this.#resolve(typeof schemaName === 'string' ? { $ref: `#/components/schemas/${schemaName}` } : schemaName);
    if (value === null) return problems;
    if (s.oneOf) {
      const d = s.discriminator;
      const tag = d ? (value as Record<string, unknown>)[d.propertyName] : undefined;
      const ref = d && typeof tag === 'string' ? d.mapping[tag] : undefined;
      if (!ref) return [...problems, `${path}: no oneOf branch for ${JSON.stringify(tag)}`];
      s = this.#resolve({ $ref: ref });
    }
    const t = typeOf(value);
    const want = s.type ?? (s.properties ? 'object' : undefined);
    if (want === 'integer') {
      if (!Number.isInteger(value)) problems.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
    } else if (want && want !== t) {
      problems.push(`${path}: expected ${want}, got ${t}`);
      return problems;
    }
    if (s.enum && !s.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
    if (t === 'object' && s.properties) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const ps = s.properties[k];
        if (!ps) problems.push(`${path}.${k}: not in schema`);
        else this.check(v, ps, `${path}.${k}`, problems);
      }
    }
    if (t === 'array' && s.items) (value as unknown[]).forEach((v, i) => this.check(v, s.items!, `${path}[${i}]`, problems));
    return problems;
  }
}

// --- XML ---------------------------------------------------------------------------------------

/** element path → names of the child elements seen under it (text ignored). */
export function xmlTree(xml: string): Map<string, Set<string>> {
  const tree = new Map<string, Set<string>>();
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (closing) {
      stack.pop();
      continue;
    }
    const parent = stack.join('/');
    if (!tree.has(parent)) tree.set(parent, new Set());
    tree.get(parent)!.add(name);
    if (!selfClosing) stack.push(name);
  }
  return tree;
}
