import type { ZodTypeAny } from 'zod';
import type { Schema } from './http.js';

// A zod schema compiled into a plain function that gives zod's result for a valid value, or FAIL (then zod
// itself runs, to say exactly what is wrong). The bulk sync parses 100,000 inventory rows and 60,000-member
// group lists through it.
//
// Why not zod itself there: zod v3 allocates several objects per value it checks, and enough of them outlive
// a young-generation GC that a 100,000-device sync promoted ~5 MB of garbage per 2000-row page, and ~18 MB
// for one 60,000-member group, to the old generation: the heap then peaked at several times the fleet's size.
//
// The result matches zod's on every key the schema names: where nothing needed transforming (a jamfId that
// already is a string), the value itself comes back, with the keys zod would strip, which the converters
// never read. Only the zod constructs the Jamf schemas use are compiled; a schema with anything else gets
// no fast parser.

export const FAIL: unique symbol = Symbol('fast-parse failed');
type Fail = typeof FAIL;

interface Parser {
  parse: (value: unknown) => unknown;
  /** A valid value always comes back unchanged (no transform or default inside): checks only. */
  identity: boolean;
}

interface Def {
  typeName?: string;
  checks?: { kind: string; value?: number; inclusive?: boolean }[];
  coerce?: boolean;
  innerType?: ZodTypeAny;
  type?: ZodTypeAny;
  options?: ZodTypeAny[];
  schema?: ZodTypeAny;
  effect?: { type: string; transform?: unknown };
  shape?: () => Record<string, ZodTypeAny>;
  unknownKeys?: string;
  catchall?: ZodTypeAny;
  minLength?: unknown;
  maxLength?: unknown;
  exactLength?: unknown;
  value?: unknown;
  values?: unknown[];
  defaultValue?: () => unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** zod's min/max (and for numbers int) checks as one test; undefined for any other check. */
function rangeChecks(checks: Def['checks'], allowInt: boolean): ((n: number) => boolean) | undefined {
  const tests: ((n: number) => boolean)[] = [];
  for (const c of checks ?? []) {
    const v = c.value as number;
    if (c.kind === 'min') tests.push(c.inclusive === false ? (n) => n > v : (n) => n >= v);
    else if (c.kind === 'max') tests.push(c.inclusive === false ? (n) => n < v : (n) => n <= v);
    else if (c.kind === 'int' && allowInt) tests.push(Number.isInteger);
    else return undefined;
  }
  return (n) => tests.every((t) => t(n));
}

const check = (test: (v: unknown) => boolean): Parser => ({ parse: (v) => (test(v) ? v : FAIL), identity: true });

function compile(schema: ZodTypeAny): Parser | undefined {
  const def = schema._def as Def;
  switch (def.typeName) {
    case 'ZodString': {
      // min/max apply to the length; other string checks (regex, trim …) are not compiled.
      const ok = def.coerce ? undefined : rangeChecks(def.checks, false);
      return ok && check((v) => typeof v === 'string' && ok(v.length));
    }
    case 'ZodNumber': {
      const ok = def.coerce ? undefined : rangeChecks(def.checks, true);
      return ok && check((v) => typeof v === 'number' && !Number.isNaN(v) && ok(v));
    }
    case 'ZodBoolean':
      return def.coerce ? undefined : check((v) => typeof v === 'boolean');
    case 'ZodAny':
    case 'ZodUnknown':
      return check(() => true);
    case 'ZodLiteral':
      return check((v) => v === def.value);
    case 'ZodEnum':
      return check((v) => def.values!.includes(v));
    case 'ZodOptional':
    case 'ZodNullable': {
      const inner = compile(def.innerType!);
      const empty = def.typeName === 'ZodOptional' ? undefined : null;
      return inner && { parse: (v) => (v === empty ? v : inner.parse(v)), identity: inner.identity };
    }
    case 'ZodDefault': {
      const inner = compile(def.innerType!);
      return inner && { parse: (v) => (v === undefined ? def.defaultValue!() : inner.parse(v)), identity: false };
    }
    case 'ZodUnion': {
      const options = def.options!.map(compile);
      if (options.some((o) => o === undefined)) return undefined;
      const parsers = options as Parser[];
      return {
        parse: (v) => {
          for (const p of parsers) {
            const out = p.parse(v);
            if (out !== FAIL) return out;
          }
          return FAIL;
        },
        identity: parsers.every((p) => p.identity),
      };
    }
    case 'ZodArray': {
      const item = def.minLength || def.maxLength || def.exactLength ? undefined : compile(def.type!);
      if (!item) return undefined;
      if (item.identity) return check((v) => Array.isArray(v) && v.every((x) => item.parse(x) !== FAIL));
      return {
        parse: (v) => {
          if (!Array.isArray(v)) return FAIL;
          let out: unknown[] | undefined; // a copy only once an element comes out different
          for (let i = 0; i < v.length; i++) {
            const parsed = item.parse(v[i]);
            if (parsed === FAIL) return FAIL;
            if (parsed !== v[i] && !out) out = v.slice(0, i);
            out?.push(parsed);
          }
          return out ?? v;
        },
        identity: false,
      };
    }
    case 'ZodEffects': {
      // Only `.transform(String)` (jamfId: a string or an integer id, always a string after).
      if (def.effect?.type !== 'transform' || def.effect.transform !== String) return undefined;
      const inner = compile(def.schema!);
      return inner && {
        parse: (v) => {
          const out = inner.parse(v);
          return out === FAIL ? FAIL : String(out);
        },
        identity: false,
      };
    }
    case 'ZodObject': {
      if (def.unknownKeys === 'strict' || (def.catchall as { _def?: Def } | undefined)?._def?.typeName !== 'ZodNever') return undefined;
      const entries: [string, Parser][] = [];
      for (const [key, child] of Object.entries(def.shape!())) {
        const c = compile(child);
        if (!c) return undefined;
        entries.push([key, c]);
      }
      const passthrough = def.unknownKeys === 'passthrough';
      if (entries.every(([, c]) => c.identity)) return check((v) => isObject(v) && entries.every(([key, c]) => c.parse(v[key]) !== FAIL));
      return {
        parse: (v) => {
          if (!isObject(v)) return FAIL;
          let out: Record<string, unknown> | undefined; // a copy (of the named keys) only once a value changes
          for (let i = 0; i < entries.length; i++) {
            const [key, c] = entries[i];
            const parsed = c.parse(v[key]);
            if (parsed === FAIL) return FAIL;
            if (parsed !== v[key] && !out) {
              out = passthrough ? { ...v } : {};
              if (!passthrough) for (const [k] of entries.slice(0, i)) if (k in v) out[k] = v[k];
            }
            if (out && (parsed !== undefined || key in v)) out[key] = parsed;
          }
          return out ?? v;
        },
        identity: false,
      };
    }
    default:
      return undefined;
  }
}

const compiled = new WeakMap<object, Parser | null>();

/** The schema's fast parser (compiled once per schema), or undefined when it uses constructs not covered. */
export function fastParser<T>(schema: Schema<T>): ((value: unknown) => T | Fail) | undefined {
  let parser = compiled.get(schema);
  if (parser === undefined) {
    parser = compile(schema as unknown as ZodTypeAny) ?? null;
    compiled.set(schema, parser);
  }
  return (parser?.parse ?? undefined) as ((value: unknown) => T | Fail) | undefined;
}
