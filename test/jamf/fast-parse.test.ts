// The compiled parsers the bulk sync uses instead of zod must accept exactly what zod accepts and give the
// same values (zod is the reference: it still runs for every value the fast parser refuses).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z, type ZodTypeAny } from 'zod';
import { FAIL, fastParser } from '../../src/jamf/fast-parse.js';
import {
  computerInventorySchema, inventoryListMobileDeviceSchema, jamfId, mobileDeviceDetailSchema, smartComputerGroupSchema,
  smartGroupMembershipSchema,
} from '../../src/jamf/schemas.js';

/** Values shaped like `schema` wants, with wrong types, nulls and missing keys mixed in. */
function near(schema: ZodTypeAny, depth = 0): fc.Arbitrary<unknown> {
  const def = schema._def as { typeName: string; innerType?: ZodTypeAny; type?: ZodTypeAny; schema?: ZodTypeAny; options?: ZodTypeAny[]; shape?: () => Record<string, ZodTypeAny> };
  const junk = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 5 }), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}));
  const valid = (() => {
    switch (def.typeName) {
      case 'ZodOptional':
      case 'ZodNullable':
      case 'ZodDefault':
        return near(def.innerType!, depth);
      case 'ZodEffects':
        return near(def.schema!, depth);
      case 'ZodUnion':
        return fc.oneof(...def.options!.map((o) => near(o, depth)));
      case 'ZodArray':
        return depth > 3 ? fc.constant([]) : fc.array(near(def.type!, depth + 1), { maxLength: 3 });
      case 'ZodObject': {
        const entries = Object.entries(def.shape!()).map(([k, v]) => [k, near(v, depth + 1)] as const);
        return fc.record(Object.fromEntries(entries), { requiredKeys: [] }).chain((o) => fc.constant({ ...o, extraKey: 'ignored' }));
      }
      case 'ZodString':
        return fc.string({ maxLength: 4 });
      case 'ZodNumber':
        return fc.oneof(fc.integer({ min: -3, max: 10 }), fc.double({ noNaN: true }));
      case 'ZodBoolean':
        return fc.boolean();
      case 'ZodLiteral':
        return fc.constant((def as { value?: unknown }).value);
      case 'ZodEnum':
        return fc.constantFrom(...((def as { values?: unknown[] }).values ?? []));
      default:
        return junk;
    }
  })();
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: junk, weight: 1 });
}

function agrees(schema: ZodTypeAny, runs = 400): void {
  const fast = fastParser(schema);
  expect(fast).toBeDefined();
  fc.assert(
    fc.property(near(schema), (value) => {
      const reference = schema.safeParse(value);
      const out = fast!(value);
      expect(out !== FAIL).toBe(reference.success);
      // Same values on every key zod keeps: zod over the fast result gives zod's result.
      if (reference.success) expect(schema.parse(out)).toEqual(reference.data);
    }),
    { numRuns: runs },
  );
}

describe('fastParser', () => {
  it('accepts and rejects exactly what zod does for the inventory rows the sync reads', () => {
    agrees(computerInventorySchema);
    agrees(mobileDeviceDetailSchema);
    agrees(inventoryListMobileDeviceSchema);
    agrees(smartComputerGroupSchema);
  });

  it('agrees on each compiled construct', () => {
    const constructs = [
      z.string().min(2).optional(),
      z.number().int().max(3).nullable(),
      z.number().positive(),
      z.literal('x').or(z.enum(['a', 'b'])),
      z.array(z.boolean()).optional(),
      z.number().default(7),
      z.object({ id: jamfId }).passthrough().nullish(),
    ];
    for (const c of constructs) agrees(z.object({ value: c }), 300);
  });

  it('applies jamfId\'s String transform and array defaults like zod', () => {
    agrees(smartGroupMembershipSchema);
    const fast = fastParser(smartGroupMembershipSchema)!;
    expect(fast({ members: [1, '2', 30] })).toEqual({ members: ['1', '2', '30'] });
    expect(fast({})).toEqual({ members: [] });
    expect(fast({ members: [1.5] })).toBe(FAIL);
    expect(fastParser(jamfId)!('')).toBe(FAIL);
  });

  it('hands a valid row back as it is (no copy) when nothing needs transforming', () => {
    const row = { mobileDeviceId: '7', udid: 'ABC', managed: true, unknown: { x: 1 } };
    expect(fastParser(inventoryListMobileDeviceSchema)!(row)).toBe(row);
    const numeric = { ...row, mobileDeviceId: 7 };
    expect(fastParser(inventoryListMobileDeviceSchema)!(numeric)).toEqual({ mobileDeviceId: '7', udid: 'ABC', managed: true });
  });

  it('has no fast parser for constructs it does not compile (zod runs instead)', () => {
    expect(fastParser(z.string().email())).toBeUndefined();
    expect(fastParser(z.object({ a: z.string() }).strict())).toBeUndefined();
    expect(fastParser(z.string().transform((s) => s.length))).toBeUndefined();
    expect(fastParser(z.object({ a: z.number().int().min(1) }))).toBeDefined();
  });
});
