import type { RawAttribute } from '../radius/codec/packet.js';
import type { CompiledApply } from './apply.js';
import type { Check } from './conditions.js';
import type { Decision, PolicyInput, RuleTrace, Vendor } from './types.js';

// A loaded policy: ordered rules, first match wins. Immutable once built, so a reload swaps the whole
// object at once and an authentication in flight finishes on the policy it started with.

/** One entry of a rule's match / not_match list: a label's checks or an inline condition's. */
export interface CompiledMatch {
  label?: string;
  checks: readonly Check[];
}

export interface CompiledRule {
  name: string;
  enabled: boolean;
  action: 'allow' | 'block';
  match: readonly CompiledMatch[];
  notMatch: readonly CompiledMatch[];
  apply: CompiledApply;
}

const holds = (m: CompiledMatch, input: PolicyInput): boolean => {
  for (const c of m.checks) if (!c.test(input)) return false;
  return true;
};

function ruleMatches(rule: CompiledRule, input: PolicyInput): boolean {
  for (const m of rule.match) if (!holds(m, input)) return false;
  for (const m of rule.notMatch) if (holds(m, input)) return false;
  return true;
}

const where = (m: CompiledMatch) => (m.label ? `label "${m.label}": ` : '');

/** Why a rule does not match: the first failing item (match) or the item that holds (not_match). */
function reasons(rule: CompiledRule, input: PolicyInput): string[] {
  const out: string[] = [];
  for (const m of rule.match) {
    const failed = m.checks.find((c) => !c.test(input));
    if (failed) out.push(`${where(m)}${failed.why(input)}`);
  }
  for (const m of rule.notMatch) {
    if (holds(m, input)) out.push(`not_match ${where(m)}${m.checks.map((c) => c.what).join(' and ')} holds`);
  }
  return out;
}

export interface PolicyParts {
  version: string;
  source: string;
  rules: CompiledRule[];
  defaultAction: 'allow' | 'block';
  defaultApply: CompiledApply;
}

const NO_ATTRIBUTES: readonly RawAttribute[] = [];

export class CompiledPolicy {
  readonly version: string;
  readonly source: string;
  readonly rules: readonly CompiledRule[];
  readonly defaultAction: 'allow' | 'block';
  readonly defaultApply: CompiledApply;
  /** Matches per rule since this policy was loaded; the last slot counts the default. */
  readonly hits: Float64Array;
  /**
   * Every possible decision, made once: per vendor, one per rule and the default last. A decision depends only
   * on the rule and the NAS vendor, so an authentication allocates none (they are frozen: callers share them).
   */
  readonly #decisions = new Map<Vendor, readonly Decision[]>();

  constructor(parts: PolicyParts) {
    this.version = parts.version;
    this.source = parts.source;
    this.rules = parts.rules;
    this.defaultAction = parts.defaultAction;
    this.defaultApply = parts.defaultApply;
    this.hits = new Float64Array(parts.rules.length + 1);
  }

  #decide(index: number, vendor: Vendor): Decision {
    let decisions = this.#decisions.get(vendor);
    if (!decisions) {
      decisions = [...this.rules.map((_, i) => this.#make(i, vendor)), this.#make(-1, vendor)];
      this.#decisions.set(vendor, decisions);
    }
    return decisions[index >= 0 ? index : this.rules.length];
  }

  #make(index: number, vendor: Vendor): Decision {
    const rule = index >= 0 ? this.rules[index] : undefined;
    const action = rule ? rule.action : this.defaultAction;
    const apply = rule ? rule.apply : this.defaultApply;
    return Object.freeze({
      action,
      rule: rule ? rule.name : 'default',
      ruleIndex: index,
      attributes: action === 'allow' ? (apply.byVendor[vendor] as RawAttribute[]) : (NO_ATTRIBUTES as RawAttribute[]),
      signature: action === 'allow' ? apply.signature[vendor] : 'block',
      policyVersion: this.version,
    });
  }

  #firstMatch(input: PolicyInput): number {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.enabled && ruleMatches(r, input)) return i;
    }
    return -1;
  }

  /** The decision for one authentication (counted in hits). */
  evaluate(input: PolicyInput): Decision {
    const index = this.#firstMatch(input);
    this.hits[index >= 0 ? index : this.rules.length]++;
    return this.#decide(index, input.request.nas.vendor);
  }

  /** The same decision without counting it (CoA re-evaluation, policy diff). */
  peek(input: PolicyInput): Decision {
    return this.#decide(this.#firstMatch(input), input.request.nas.vendor);
  }

  /** The decision and, for every rule up to the match, why it did or did not match. */
  explain(input: PolicyInput): { decision: Decision; trace: RuleTrace[] } {
    const trace: RuleTrace[] = [];
    let index = -1;
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i];
      if (!r.enabled) {
        trace.push({ rule: r.name, enabled: false, matched: false, reasons: ['disabled'] });
        continue;
      }
      const why = reasons(r, input);
      trace.push({ rule: r.name, enabled: true, matched: why.length === 0, reasons: why });
      if (why.length === 0) {
        index = i;
        break;
      }
    }
    return { decision: this.#decide(index, input.request.nas.vendor), trace };
  }

  /** Hit counters by rule name (and "default"). */
  hitCounts(): { rule: string; hits: number }[] {
    return [...this.rules.map((r, i) => ({ rule: r.name, hits: this.hits[i] })), { rule: 'default', hits: this.hits[this.rules.length] }];
  }
}
