// What the mock saw on the wire: a bounded request log plus counters that tests assert on
// ("exactly one membership lookup happened", "never more than 5 connections at once").

export interface RequestRecord {
  /** 1, 2, 3… in arrival order; keeps counting when the log drops old entries. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. "/api/v1/computers-inventory". */
  path: string;
  /** Raw query string without "?" ("" when none). */
  query: string;
  /** Matched route template, e.g. "/api/v3/computer-groups/smart-group-membership/{id}"; undefined for 404s. */
  route: string | undefined;
  status: number;
  /** Client id or username behind the bearer token, when one was valid. */
  principal: string | undefined;
  /** Epoch ms when the request arrived. */
  at: number;
  /** Set when an injected fault decided the answer (status or dropped connection). */
  fault: 'status' | 'drop' | undefined;
}

export interface RequestFilter {
  method?: string;
  /** Exact route template or path, or a pattern tested against the path. */
  path?: string | RegExp;
  route?: string;
  status?: number;
}

export class TrafficLog {
  #log: RequestRecord[] = [];
  #seq = 0;
  readonly #limit: number;
  openConnections = 0;
  maxConcurrentConnections = 0;
  inFlightRequests = 0;
  maxConcurrentRequests = 0;
  connectionsOpened = 0;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Records a finished (or dropped) request. */
  record(entry: Omit<RequestRecord, 'seq'>): RequestRecord {
    const full = { ...entry, seq: ++this.#seq };
    this.#log.push(full);
    // Drop the oldest half at once so a long benchmark costs O(1) amortised per request.
    if (this.#log.length > this.#limit) this.#log = this.#log.slice(this.#log.length - Math.floor(this.#limit / 2));
    return full;
  }

  /** Every request seen since the last reset (the oldest may have been dropped past the limit). */
  get requests(): readonly RequestRecord[] {
    return this.#log;
  }

  /** Total requests since the last reset, including any dropped from the log. */
  get total(): number {
    return this.#seq;
  }

  count(filter: RequestFilter = {}): number {
    return this.#log.filter((r) => matches(r, filter)).length;
  }

  connectionOpened(): void {
    this.connectionsOpened++;
    this.openConnections++;
    this.maxConcurrentConnections = Math.max(this.maxConcurrentConnections, this.openConnections);
  }

  connectionClosed(): void {
    this.openConnections--;
  }

  requestStarted(): void {
    this.inFlightRequests++;
    this.maxConcurrentRequests = Math.max(this.maxConcurrentRequests, this.inFlightRequests);
  }

  requestEnded(): void {
    this.inFlightRequests--;
  }

  /** Clears the log and the counters; high-water marks restart from what is open right now. */
  reset(): void {
    this.#log = [];
    this.#seq = 0;
    this.connectionsOpened = 0;
    this.maxConcurrentConnections = this.openConnections;
    this.maxConcurrentRequests = this.inFlightRequests;
  }
}

function matches(r: RequestRecord, f: RequestFilter): boolean {
  if (f.method !== undefined && r.method !== f.method.toUpperCase()) return false;
  if (f.status !== undefined && r.status !== f.status) return false;
  if (f.route !== undefined && r.route !== f.route) return false;
  if (f.path instanceof RegExp) return f.path.test(r.path);
  if (typeof f.path === 'string') return r.path === f.path || r.route === f.path;
  return true;
}
