import type { Logger } from 'pino';
import type { NasClientConfig } from '../config/load.js';
import type { CompiledPolicy } from '../policy/policy.js';
import { postureFromStore } from '../policy/posture-view.js';
import type { Decision, PolicyRequest } from '../policy/types.js';
import type { PostureStore } from '../posture/store.js';
import type { PostureChange } from '../posture/types.js';
import { decodeAttributes } from '../radius/codec/attributes.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import type { Authorization } from '../server/access.js';
import type { Db } from '../store/db.js';
import type { SessionRow, SessionStore } from '../store/sessions.js';
import type { CoaClient } from './client.js';
import { coaRecord, coaSessionFromRow } from './session-row.js';
import type { CoaActionResult, CoaAttribute } from './types.js';

// Posture change (or a policy reload) → the policy outcome of the device's live sessions → Disconnect / CoA
// (RFC 5176).
// Each accepted authentication is remembered with what it presented (the policy request) and what it got
// (the decision's signature). When a device's posture changes, its live sessions are re-evaluated; only a
// session whose outcome really differs is acted on, and once per outcome: a second event for the same
// change, or a change that leaves the outcome as it is, sends nothing.

export interface ReauthorizerDeps {
  db: Db;
  sessions: SessionStore;
  coa: CoaClient;
  policy: () => CompiledPolicy;
  posture: () => PostureStore | undefined;
  clients: () => readonly NasClientConfig[];
  dictionary: () => Dictionary;
  /** Writes buffered auth log rows (so restarts and lookups see the latest accepts). */
  flushAuthLog: () => void;
  log: Logger;
}

interface Authorized {
  nas: string;
  mac?: string;
  user?: string;
  request: PolicyRequest;
  /** The decision signature the NAS is enforcing now (from the accept, or from our last CoA). */
  signature: string;
  rule: string;
  time: number;
}

/** Sessions whose NAS sent no Interim-Update for this many intervals are considered gone. */
const STALE_INTERIMS = 2.5;
/** Remembered authorizations without an open session are forgotten after this long. */
const FORGET_AFTER_MS = 24 * 3600_000;

export interface ReauthorizeOutcome {
  device: string;
  nas: string;
  acctSessionId?: string;
  from: string;
  to: string;
  result: CoaActionResult;
}

export class SessionReauthorizer {
  readonly #deps: ReauthorizerDeps;
  /** "nas|mac" (or "nas|user:name") → the authorization in force. */
  readonly #authorized = new Map<string, Authorized>();
  readonly #byMac = new Map<string, Set<string>>();
  readonly #byUdid = new Map<string, Set<string>>();
  readonly #pending = new Map<string, PostureChange>();
  #scheduled = false;
  #running: Promise<void> = Promise.resolve();
  readonly #sweep: NodeJS.Timeout;
  /** Results of acted-on sessions, for tests and benchmarks (bounded). */
  readonly recent: ReauthorizeOutcome[] = [];

  constructor(deps: ReauthorizerDeps) {
    this.#deps = deps;
    this.#loadFromStore();
    this.#sweep = setInterval(() => this.#forget(), 600_000);
    this.#sweep.unref();
  }

  /** An Access-Accept was sent (called by the access handler). */
  onAuthorized(a: Authorization): void {
    const mac = a.request.mac;
    const user = a.request.user;
    if (!mac && !user) return;
    this.#remember({ nas: a.request.nas.name, mac, user, request: a.request, signature: a.decision.signature, rule: a.decision.rule, time: a.time });
  }

  /** A device's posture changed (poll, lookup, webhook, signal): re-evaluate its live sessions soon. */
  onPostureChange(change: PostureChange): void {
    this.#pending.set(change.key, change);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Changes arrive in bursts (a sync emits them one by one): handle them together, after the burst.
    setImmediate(() => {
      this.#scheduled = false;
      const batch = [...this.#pending.values()];
      this.#pending.clear();
      this.#running = this.#running.then(() => this.#handle(batch)).catch((err) => this.#deps.log.error({ err }, 'CoA re-evaluation failed'));
    });
  }

  /** Resolves when every change received so far has been acted on (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#scheduled || this.#pending.size) await new Promise((r) => setImmediate(r));
    await this.#running;
  }

  close(): void {
    clearInterval(this.#sweep);
  }

  #key(nas: string, mac: string | undefined, user: string | undefined): string {
    return mac ? `${nas}|${mac}` : `${nas}|user:${user}`;
  }

  #remember(a: Authorized): void {
    const key = this.#key(a.nas, a.mac, a.user);
    const old = this.#authorized.get(key);
    if (old?.request.udid && old.request.udid !== a.request.udid) this.#byUdid.get(old.request.udid)?.delete(key);
    this.#authorized.set(key, a);
    if (a.mac) index(this.#byMac, a.mac, key);
    if (a.request.udid) index(this.#byUdid, a.request.udid, key);
  }

  /** After a restart: the authorizations of the sessions still open, from the auth log. */
  #loadFromStore(): void {
    const { db, sessions } = this.#deps;
    const latest = db.prepare(`SELECT time, details FROM auth_log
      WHERE nas_name = ? AND mac = ? AND result = 'accept' AND details IS NOT NULL ORDER BY id DESC LIMIT 1`);
    for (const row of sessions.list({ status: 'open', limit: 1_000_000 })) {
      if (!row.mac) continue;
      const hit = latest.get(row.nas_name, row.mac) as { time: number; details: string } | undefined;
      if (!hit) continue;
      try {
        const d = JSON.parse(hit.details) as { request?: PolicyRequest; policy?: { rule: string; signature?: string } };
        if (!d.request || !d.policy?.signature) continue;
        this.#remember({ nas: row.nas_name, mac: row.mac, user: d.request.user, request: d.request, signature: d.policy.signature, rule: d.policy.rule, time: hit.time });
      } catch {
        // an unreadable row: that session is simply not re-evaluated
      }
    }
  }

  #forget(): void {
    const before = Date.now() - FORGET_AFTER_MS;
    for (const [key, a] of this.#authorized) {
      if (a.time >= before || this.#openSessions(a).length) continue;
      this.#authorized.delete(key);
      if (a.mac) this.#byMac.get(a.mac)?.delete(key);
      if (a.request.udid) this.#byUdid.get(a.request.udid)?.delete(key);
    }
  }

  /** Open accounting sessions of this authorization that still show signs of life. */
  #openSessions(a: Authorized): SessionRow[] {
    if (!a.mac) return [];
    const now = Date.now() / 1000;
    return this.#deps.sessions.list({ nas: a.nas, mac: a.mac, status: 'open', limit: 16 })
      .filter((s) => s.nas_name === a.nas && (s.interim_interval === null || now - s.updated_at <= STALE_INTERIMS * s.interim_interval));
  }

  async #handle(changes: PostureChange[]): Promise<void> {
    const keys = new Set<string>();
    for (const c of changes) {
      for (const mac of c.macs) for (const k of this.#byMac.get(mac) ?? []) keys.add(k);
      if (c.udid) for (const k of this.#byUdid.get(c.udid) ?? []) keys.add(k);
    }
    await this.#reevaluate(keys, true, (a, decision) => {
      const why = changes.find((c) => c.macs.includes(a.mac ?? '') || (c.udid && c.udid === a.request.udid));
      const what = !why ? 'posture changed' : why.from === why.to ? `Jamf facts changed, posture ${why.to} (${why.source})` : `posture ${why.from} → ${why.to} (${why.source})`;
      return `${what}: rule "${a.rule}" → "${decision.rule}"`;
    });
  }

  /**
   * The policy was reloaded. Every live session whose outcome differs under the new policy is counted and, with
   * `act`, re-authorized now (paced like any CoA); without it the sessions keep what they have until they
   * authenticate again. Queued behind posture work, so the two never interleave.
   */
  onPolicyChange(act: boolean, fromVersion: string, toVersion: string): Promise<{ changed: number; devices: string[] }> {
    const run = this.#running.then(() => this.#reevaluate(new Set(this.#authorized.keys()), act,
      (a, decision) => `policy ${fromVersion} → ${toVersion}: rule "${a.rule}" → "${decision.rule}"`));
    this.#running = run.then(() => undefined, (err) => this.#deps.log.error({ err }, 'CoA re-evaluation after the policy change failed'));
    return run;
  }

  /** Live sessions of these authorizations whose outcome changed: acted on once (with `act`), and listed. */
  async #reevaluate(keys: Set<string>, act: boolean, reasonFor: (a: Authorized, decision: Decision) => string): Promise<{ changed: number; devices: string[] }> {
    const devices: string[] = [];
    if (keys.size === 0) return { changed: 0, devices };
    this.#deps.flushAuthLog();
    const policy = this.#deps.policy();
    const store = this.#deps.posture();
    const work: Promise<void>[] = [];
    for (const key of keys) {
      const a = this.#authorized.get(key);
      if (!a) continue;
      const decision = policy.peek({ request: a.request, posture: postureFromStore(store, a.request) });
      if (decision.signature === a.signature) continue; // the outcome is what the NAS enforces already
      const nas = this.#deps.clients().find((c) => c.name === a.nas);
      const sessions = this.#openSessions(a);
      if (!nas || sessions.length === 0) continue; // not online (or the NAS is no longer configured)
      devices.push(a.request.udid ?? a.mac ?? a.user ?? '?');
      if (!act) continue;
      const reason = reasonFor(a, decision);
      const previous = a.rule;
      // Acted on once: a repeated event finds the new signature and sends nothing.
      a.signature = decision.signature;
      a.rule = decision.rule;
      for (const session of sessions) work.push(this.#act(nas, session, a, decision, reason, previous));
    }
    await Promise.all(work);
    return { changed: devices.length, devices };
  }

  /**
   * Ends every live session of a device now, whatever the policy says (CAEP session-revoked): Disconnect-Request.
   * Resolves with the results once the NASes answered.
   */
  async revoke(device: { macs: readonly string[]; udid?: string }, reason: string): Promise<ReauthorizeOutcome[]> {
    const keys = new Set<string>();
    for (const mac of device.macs) for (const k of this.#byMac.get(mac) ?? []) keys.add(k);
    if (device.udid) for (const k of this.#byUdid.get(device.udid) ?? []) keys.add(k);
    const before = this.recent.length;
    const work: Promise<void>[] = [];
    for (const key of keys) {
      const a = this.#authorized.get(key)!;
      const nas = this.#deps.clients().find((c) => c.name === a.nas);
      if (!nas) continue;
      for (const session of this.#openSessions(a)) work.push(this.#act(nas, session, a, 'disconnect', reason, a.rule));
    }
    await Promise.all(work);
    return this.recent.slice(before);
  }

  async #act(nas: NasClientConfig, session: SessionRow, a: Authorized, decision: Decision | 'disconnect', reason: string, previous: string): Promise<void> {
    const target = coaSessionFromRow(session);
    const result = decision === 'disconnect' || decision.action === 'block'
      ? await this.#deps.coa.disconnect(nas, target)
      : await this.#deps.coa.changeAuthorization(nas, target, this.#named(decision));
    const record = coaRecord(result);
    try {
      this.#deps.sessions.recordCoa(session.id, record);
      this.#deps.db.prepare(`INSERT INTO coa_log (time, device, mac, nas_name, acct_session_id, reason, action, result, error_cause, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(record.at, a.request.udid ?? a.mac ?? a.user ?? '?', a.mac ?? null, nas.name,
        session.acct_session_id || null, reason, result.action, result.kind, result.errorCause ?? null, record.detail ?? null);
    } catch (err) {
      this.#deps.log.error({ err }, 'cannot record the CoA result');
    }
    this.#deps.log.info({ device: a.request.udid ?? a.mac, nas: nas.name, session: session.acct_session_id, reason, result: result.kind, errorCause: result.errorCauseText },
      `policy outcome changed: ${result.action} → ${result.kind.toUpperCase()}`);
    this.recent.push({ device: a.request.udid ?? a.mac ?? '?', nas: nas.name, acctSessionId: session.acct_session_id, from: previous, to: decision === 'disconnect' ? 'revoked' : decision.rule, result });
    if (this.recent.length > 1000) this.recent.splice(0, this.recent.length - 1000);
  }

  /** The decision's attributes by dictionary name, for an attribute CoA. */
  #named(decision: Decision): CoaAttribute[] {
    return decodeAttributes(decision.attributes, this.#deps.dictionary()).map((n) => ({ name: n.name, value: n.value, ...(n.tag ? { tag: n.tag } : {}) }));
  }
}

function index(map: Map<string, Set<string>>, id: string, key: string): void {
  let set = map.get(id);
  if (!set) map.set(id, (set = new Set()));
  set.add(key);
}
