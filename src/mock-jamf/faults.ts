// Injected trouble: 429 with Retry-After on one path, a storm of 5xx for the next N requests, a
// dropped connection, or a slow answer. Rules are checked in order for every request.

export interface FaultRule {
  /** Exact path, route template ("/api/v1/computers-inventory"), "prefix*", or a RegExp on the path. Default: every path. */
  path?: string | RegExp;
  /** Default: every method. */
  method?: string;
  /** Let this many matching requests through before the rule starts. Default 0. */
  skip?: number;
  /** How many matching requests the rule affects; then it is spent. Default: unlimited. */
  times?: number;
  /** Answer with this status instead of the real response (429, 500, 502, 503, 504…). */
  status?: number;
  /** Sent as Retry-After (seconds) with the status. */
  retryAfterSeconds?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Wait this long before answering (adds to latencyMs); combines with status/drop or stands alone. */
  delayMs?: number;
}

/** What the faults decided for one request. */
export interface FaultDecision {
  delayMs: number;
  status?: number;
  retryAfterSeconds?: number;
  drop: boolean;
}

interface LiveRule {
  rule: FaultRule;
  seen: number;
  used: number;
}

export class FaultSet {
  #rules: LiveRule[] = [];

  constructor(rules: readonly FaultRule[] = []) {
    for (const r of rules) this.add(r);
  }

  add(rule: FaultRule): void {
    if (rule.status === undefined && !rule.drop && rule.delayMs === undefined) {
      throw new Error('a fault rule needs status, drop or delayMs');
    }
    this.#rules.push({ rule, seen: 0, used: 0 });
  }

  clear(): void {
    this.#rules = [];
  }

  /** Rules that can still fire. */
  get active(): readonly FaultRule[] {
    return this.#rules.filter((r) => r.used < (r.rule.times ?? Infinity)).map((r) => r.rule);
  }

  /** Decides for one request and counts it against the matching rules. */
  decide(method: string, path: string, route: string | undefined): FaultDecision {
    const d: FaultDecision = { delayMs: 0, drop: false };
    let answered = false;
    for (const live of this.#rules) {
      const r = live.rule;
      if (live.used >= (r.times ?? Infinity)) continue;
      if (r.method !== undefined && r.method.toUpperCase() !== method) continue;
      if (!pathMatches(r.path, path, route)) continue;
      // A rule that would change the answer only applies while no earlier rule has already answered.
      const answers = r.status !== undefined || r.drop === true;
      if (answers && answered) continue;
      live.seen++;
      if (live.seen <= (r.skip ?? 0)) continue;
      live.used++;
      d.delayMs += r.delayMs ?? 0;
      if (r.drop) d.drop = true;
      else if (r.status !== undefined) {
        d.status = r.status;
        d.retryAfterSeconds = r.retryAfterSeconds;
      }
      answered ||= answers;
    }
    return d;
  }
}

export function pathMatches(pattern: string | RegExp | undefined, path: string, route: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path || pattern === route;
}
