import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';
import type { ConfigProblem } from '../config/errors.js';
import { formatPath, issueMessage, locate, type YamlPath } from '../config/yaml-locate.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { compileApply } from './apply.js';
import { compileCondition, type Check } from './conditions.js';
import { PatternError } from './patterns.js';
import { CompiledPolicy, type CompiledMatch, type CompiledRule } from './policy.js';
import { policySchema, type ConditionSpec } from './schema.js';

// Policy text → CompiledPolicy, or every problem with file:line:column and a reason. Nothing half-built
// is ever returned: the caller keeps its running policy when there are errors.

/** Where the policy lives: its own file (prefix []) or the `policy:` key of the config file (prefix ["policy"]). */
export interface PolicySource {
  file: string;
  text: string;
  prefix: YamlPath;
}

export interface CompileContext {
  dict: Dictionary;
  /** Configured NAS client names (a rule naming another NAS gets a warning). */
  clientNames?: readonly string[];
  /** False when there is no jamf: section: posture conditions then only ever see "unknown". */
  jamfConfigured?: boolean;
}

export interface CompileResult {
  policy?: CompiledPolicy;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

/** Edit distance, for "did you mean" on a mistyped label. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/**
 * The issues to report for one zod issue. An inline condition failing inside the label-or-condition union
 * (and any union given a map) reports the problems of the branch that got inside the map, each at its own
 * key: a block-style condition spans several lines.
 */
function expandUnion(issue: ZodIssue, data: unknown): ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  let value = data;
  for (const k of issue.path) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[k] : undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [issue];
  const inside = issue.unionErrors.find((e) => e.issues.some((i) => i.path.length > issue.path.length));
  return inside ? inside.issues.flatMap((i) => expandUnion(i, data)) : [issue];
}

/** The key (and cert:/device: sub-key) of a condition holding a bad pattern; only run once compiling it failed. */
function patternKey(c: ConditionSpec): YamlPath {
  for (const [key, value] of Object.entries(c) as [string, unknown][]) {
    const nested: [string | undefined, unknown][] = (key === 'cert' || key === 'device') && value && typeof value === 'object' ? Object.entries(value) : [[undefined, value]];
    for (const [sub, v] of nested) {
      try {
        compileCondition({ [key]: sub === undefined ? v : { [sub]: v } } as ConditionSpec);
      } catch (err) {
        if (err instanceof PatternError) return sub === undefined ? [key] : [key, sub];
      }
    }
  }
  return [];
}

export function compilePolicy(source: PolicySource, ctx: CompileContext): CompileResult {
  const lc = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lc, prettyErrors: false });
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const report = (into: ConfigProblem[]) => (path: YamlPath, message: string) => {
    const full = [...source.prefix, ...path];
    into.push({ file: source.file, ...locate(doc, lc, full), path: formatPath(full), message });
  };
  const error = report(errors);
  const warn = report(warnings);
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    errors.push({ file: source.file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  if (errors.length) return { errors, warnings };

  let plain: unknown = doc.toJS();
  for (const key of source.prefix) plain = plain && typeof plain === 'object' ? (plain as Record<string | number, unknown>)[key] : undefined;
  const parsed = policySchema.safeParse(plain ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap((i) => expandUnion(i, plain ?? {}))) {
      // An unknown key is shown at the key itself, not at the first line of the map that holds it.
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) error([...issue.path, key], `unknown key "${key}"`);
      else error(issue.path, issueMessage(issue));
    }
    return { errors, warnings };
  }
  const spec = parsed.data;

  for (const [name, id] of Object.entries(spec.vlans)) {
    if (!Number.isInteger(id) || id < 1 || id > 4094) error(['vlans', name], `VLAN ${id} is out of range 1..4094`);
  }

  const conditionChecks = (c: ConditionSpec, path: YamlPath): Check[] => {
    if (Object.keys(c).length === 0) error(path, 'an empty condition matches everything; remove it or add a key');
    if (c.cert && Object.keys(c.cert).length === 0) error([...path, 'cert'], 'needs at least one of cn, subject, issuer, serial, san_dns, san_uri, san_email, eku');
    if (c.device && Object.keys(c.device).length === 0) error([...path, 'device'], 'needs at least one of model, os_version, managed, kind');
    try {
      if (c.mdm && ctx.jamfConfigured === false) warn([...path, 'mdm'], 'there is no jamf: section: every device\'s posture is "unknown"');
      if (c.nas && ctx.clientNames) {
        // Names match in any case (patterns.ts), so "Core-SW" names the client "core-sw".
        const clients = new Set(ctx.clientNames.map((n) => n.toLowerCase()));
        for (const n of c.nas) {
          if (!n.includes('*') && !n.startsWith('/') && !clients.has(n.toLowerCase())) warn([...path, 'nas'], `no client is named "${n}"`);
        }
      }
      return compileCondition(c);
    } catch (err) {
      if (err instanceof PatternError) {
        error([...path, ...patternKey(c)], err.message);
        return [];
      }
      throw err;
    }
  };

  const labels = new Map<string, Check[]>();
  for (const [name, cond] of Object.entries(spec.labels)) labels.set(name, conditionChecks(cond, ['labels', name]));
  const usedLabels = new Set<string>();

  const compileMatch = (items: readonly (string | ConditionSpec)[], path: YamlPath): CompiledMatch[] =>
    items.map((item, i) => {
      if (typeof item === 'string') {
        const checks = labels.get(item);
        if (!checks) {
          const hint = closest(item, [...labels.keys()]);
          error([...path, i], `unknown label "${item}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
          return { label: item, checks: [] };
        }
        usedLabels.add(item);
        return { label: item, checks };
      }
      return { checks: conditionChecks(item, [...path, i]) };
    });

  const names = new Map<string, number>();
  let catchAll: string | undefined;
  const rules: CompiledRule[] = spec.rules.map((r, i) => {
    if (names.has(r.name)) error(['rules', i, 'name'], `rule name "${r.name}" is used twice (also rule ${names.get(r.name)! + 1})`);
    names.set(r.name, i);
    if (r.enabled && catchAll !== undefined) {
      warn(['rules', i], `rule "${r.name}" can never match: rule "${catchAll}" before it matches everything`);
    }
    const match = compileMatch(r.match, ['rules', i, 'match']);
    const notMatch = compileMatch(r.not_match, ['rules', i, 'not_match']);
    if (r.enabled && catchAll === undefined && r.match.length === 0 && r.not_match.length === 0) catchAll = r.name;
    if (r.action === 'block' && r.apply) warn(['rules', i, 'apply'], 'apply is ignored on a block rule');
    const apply = compileApply(r.action === 'allow' ? r.apply : undefined, ctx.dict, spec.vlans, (p) => error(['rules', i, 'apply', ...p.path], p.message));
    return { name: r.name, enabled: r.enabled, action: r.action, match, notMatch, apply };
  });
  if (catchAll !== undefined && plain && typeof plain === 'object' && 'default' in plain) {
    warn(['default'], `the default is never used: rule "${catchAll}" matches everything`);
  }
  for (const name of labels.keys()) {
    if (!usedLabels.has(name)) warn(['labels', name], `label "${name}" is not used by any rule`);
  }
  if (spec.default.action === 'block' && spec.default.apply) warn(['default', 'apply'], 'apply is ignored when the default blocks');
  const defaultApply = compileApply(spec.default.action === 'allow' ? spec.default.apply : undefined, ctx.dict, spec.vlans, (p) => error(['default', 'apply', ...p.path], p.message));

  if (errors.length) return { errors, warnings };
  const version = createHash('sha256').update(JSON.stringify(plain ?? {})).digest('hex').slice(0, 12);
  return { policy: new CompiledPolicy({ version, source: source.file, rules, defaultAction: spec.default.action, defaultApply }), errors, warnings };
}
