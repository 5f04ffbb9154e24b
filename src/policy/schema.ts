import { z } from 'zod';
import { issueMessage } from '../config/yaml-locate.js';
import { AUTH_METHODS } from './types.js';

// The policy file's shape (YAML, snake_case as admins write it). Semantics beyond shape — label names,
// attribute names, VLAN names, patterns — are checked by compile.ts, which knows the dictionary.

/** One value or a list of them: `ssid: Corp` and `ssid: [Corp, Corp-5G]` both work. */
const oneOrMany = <T extends z.ZodTypeAny>(t: T) =>
  z.union([t, z.array(t).min(1)], { errorMap: oneOrManyError }).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

/** Reports what the single value was wrong about, not zod's "Invalid input". */
function oneOrManyError(issue: z.ZodIssueOptionalMessage, ctx: { defaultError: string }): { message: string } {
  if (issue.code !== 'invalid_union') return { message: ctx.defaultError };
  const first = issue.unionErrors[0]?.issues[0];
  if (first?.code === 'invalid_enum_value') return { message: `must be one of ${first.options.join(', ')} (got "${String(first.received)}")` };
  if (first?.code === 'invalid_type') return { message: `must be a ${first.expected} or a list of them (got ${first.received})` };
  return { message: first ? first.message : ctx.defaultError };
}

/** A union's error in words (zod's own is "Invalid input"). */
const says = (message: string) => ({ errorMap: () => ({ message }) });
const text = z.string().min(1, 'must not be empty');
const texts = oneOrMany(text);

export const POSTURE_STATES = ['compliant', 'non-compliant', 'unknown', 'stale'] as const;

const certCondition = z.object({
  cn: texts.optional(),
  subject: texts.optional(),
  issuer: texts.optional(),
  serial: texts.optional(),
  san_dns: texts.optional(),
  san_uri: texts.optional(),
  san_email: texts.optional(),
  /** OIDs ("1.3.6.1.5.5.7.3.2") or the names client_auth / server_auth. */
  eku: texts.optional(),
}).strict();

const versionText = z.string().regex(/^\d+(\.\d+){0,3}$/, 'must be a version like "14" or "14.4.1"');

const deviceCondition = z.object({
  model: texts.optional(),
  os_version: z.union([
    versionText.transform((v) => ({ min: v, max: undefined as string | undefined })),
    z.object({ min: versionText.optional(), max: versionText.optional() }).strict()
      .refine((o) => o.min !== undefined || o.max !== undefined, { message: 'needs min or max' }),
  ], says('must be a minimum version like "14.4" or {min: "14.4", max: "15"}')).optional(),
  managed: z.boolean().optional(),
  kind: oneOrMany(z.enum(['computer', 'mobile'])).optional(),
}).strict();

export const conditionSchema = z.object({
  method: oneOrMany(z.enum(AUTH_METHODS)).optional(),
  nas: texts.optional(),
  nas_label: texts.optional(),
  nas_ip: texts.optional(),
  ssid: texts.optional(),
  port_type: oneOrMany(z.enum(['wired', 'wireless'])).optional(),
  mac: texts.optional(),
  user: texts.optional(),
  realm: texts.optional(),
  udid: texts.optional(),
  cert: certCondition.optional(),
  mdm: z.object({
    provider: z.literal('jamf').default('jamf'),
    state: oneOrMany(z.enum(POSTURE_STATES)),
  }).strict().optional(),
  device: deviceCondition.optional(),
  /** The certificate's UDID and the request's MAC belong to the same Jamf device. */
  same_device: z.boolean().optional(),
}).strict();
// Empty conditions ({}, cert: {}, device: {}) are refused by compile.ts, once the shape is known to be right.
export type ConditionSpec = z.infer<typeof conditionSchema>;

/** A rule's match list entry: a label name or an inline condition. */
const matchItem = z.union([z.string().min(1), conditionSchema], {
  errorMap: (issue, ctx) => {
    if (issue.code !== 'invalid_union') return { message: ctx.defaultError };
    if (ctx.data === null || typeof ctx.data !== 'object') return { message: 'must be a label name or an inline condition' };
    // An inline condition: say what is wrong inside it.
    const inner = issue.unionErrors[1]?.issues[0];
    const rel = inner ? inner.path.slice(issue.path.length) : [];
    return { message: inner ? `${rel.length ? `${rel.join('.')}: ` : ''}${issueMessage(inner)}` : ctx.defaultError };
  },
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const applySchema = z.object({
  /** A VLAN id (1..4094) or a name from `vlans:`. */
  vlan: z.union([z.number(), z.string().min(1)], says('must be a VLAN id (1..4094) or a name from vlans:')).optional(),
  /** RFC 2868 tag on Tunnel-Type / -Medium-Type / -Private-Group-Id (0 = untagged). */
  vlan_tag: z.number().int().min(0).max(31).optional(),
  /** Sent as the NAS vendor's role attribute (Filter-Id, Aruba-User-Role, Cisco-AVPair, …). */
  role: z.string().min(1).optional(),
  session_timeout: z.number().int().min(60, 'must be at least 60 seconds').max(31 * 86_400).optional(),
  /** Any dictionary attribute: name → value or list of values. */
  attributes: z.record(z.union([scalar, z.array(scalar).min(1)], says('must be a value (text or number) or a list of values'))).optional(),
}).strict();
export type ApplySpec = z.infer<typeof applySchema>;

export const ruleSchema = z.object({
  name: z.string().min(1).regex(/^[A-Za-z0-9 ._-]+$/, 'use letters, digits, spaces, ".", "_" or "-"'),
  enabled: z.boolean().default(true),
  match: z.array(matchItem).default([]),
  not_match: z.array(matchItem).default([]),
  action: z.enum(['allow', 'block']),
  apply: applySchema.optional(),
}).strict();
export type RuleSpec = z.infer<typeof ruleSchema>;

export const policySchema = z.object({
  /** Named VLANs: name → id. */
  vlans: z.record(z.number()).default({}),
  labels: z.record(conditionSchema).default({}),
  rules: z.array(ruleSchema).default([]),
  /** What happens when no rule matches. */
  default: z.union([
    z.enum(['allow', 'block']).transform((action) => ({ action, apply: undefined as ApplySpec | undefined })),
    z.object({ action: z.enum(['allow', 'block']), apply: applySchema.optional() }).strict(),
  ], says('must be allow, block, or {action: allow, apply: {...}}')).default('block'),
}).strict();
export type PolicySpec = z.infer<typeof policySchema>;
