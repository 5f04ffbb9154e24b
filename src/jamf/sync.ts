import type { Logger } from '../log/logger.js';
import { internList, NO_GROUPS } from '../posture/intern.js';
import { listComputers, type ComputerSource } from './computers.js';
import { macList, type JamfDevice } from './device.js';
import type { JamfHttp } from './http.js';
import { listMobileDevices, type MobileSource } from './mobile-devices.js';
import {
  computerGroupMembers, mobileGroupMembers, resolveComputerGroup, resolveMobileGroup,
  type ComputerGroupMembers, type ResolvedGroup,
} from './smart-groups.js';

// Bulk sync: every computer / mobile device Jamf knows, each tagged with the configured smart groups it is in.
// An inventory failure fails the sync (throws); a group that cannot be resolved or read makes it partial.

export interface FleetGroup extends ResolvedGroup {
  /** Members found in this sync. */
  members: number;
}

export interface FleetFailure {
  /** 'computer group "Compliant Macs"'. */
  scope: string;
  message: string;
}

export interface FleetStats {
  computers: number;
  mobiles: number;
  compliantComputers: number;
  compliantMobiles: number;
  /** Group members that were not in the inventory list (enrolled during the sync). */
  membersWithoutInventory: number;
  source: { computers?: ComputerSource; mobiles?: MobileSource };
  requests: number;
  retries: number;
  peakConcurrency: number;
  durationMs: number;
  fetchedAt: string;
}

export interface FleetResult {
  computers: JamfDevice[];
  mobiles: JamfDevice[];
  groups: FleetGroup[];
  stats: FleetStats;
  /** Present when some groups could not be read: their members are not marked compliant. */
  partial?: { failures: FleetFailure[] };
}

type Members = { group: ResolvedGroup; ids: string[]; classicRows?: ComputerGroupMembers['classicRows']; devices?: JamfDevice[] };

async function readGroups(
  names: readonly string[],
  kind: 'computer' | 'mobile',
  read: (name: string) => Promise<Members | undefined>,
  failures: FleetFailure[],
): Promise<Members[]> {
  const label = kind === 'computer' ? 'smart computer group' : 'smart mobile device group';
  const out = await Promise.all(names.map(async (name) => {
    try {
      const m = await read(name);
      if (!m) failures.push({ scope: `${kind} group "${name}"`, message: `no ${label} named "${name}" in Jamf` });
      return m;
    } catch (err) {
      failures.push({ scope: `${kind} group "${name}"`, message: (err as Error).message });
      return undefined;
    }
  }));
  return out.filter((m): m is Members => m !== undefined);
}

/**
 * Marks members compliant; adds members missing from the inventory list when the membership row has data.
 * Works from each group's member ids rather than an index of the whole inventory: a sync holds 100,000
 * devices already, a Map over them would add several MB for one pass.
 */
function tag(devices: JamfDevice[], groups: Members[]): { devices: JamfDevice[]; missing: number } {
  const added: JamfDevice[] = [];
  let missing = 0;
  for (const g of groups) {
    const members = new Set(g.ids);
    const classic = g.classicRows && new Map(g.classicRows.map((r) => [r.id, r]));
    const mark = (d: JamfDevice) => {
      // The Classic inventory list has only the primary MAC; the group member row adds the alternate one.
      const row = classic?.get(d.jamfId);
      if (row) d.macs = macList(...d.macs, row.mac_address, row.alt_mac_address);
      // Group lists are pooled and frozen (one copy per combination across the fleet): replace, never push.
      if (!d.compliantGroups.includes(g.group.name)) d.compliantGroups = internList([...d.compliantGroups, g.group.name]);
    };
    for (const list of [devices, added]) {
      for (const d of list) if (members.delete(d.jamfId)) mark(d);
    }
    // Members the inventory list did not have (enrolled while we read): the membership row may describe them.
    const rows = members.size > 0 && g.devices ? new Map(g.devices.map((d) => [d.jamfId, d])) : undefined;
    for (const id of members) {
      const row = rows?.get(id);
      if (!row) {
        missing++;
        continue;
      }
      const d = { ...row, compliantGroups: NO_GROUPS };
      added.push(d);
      mark(d);
    }
  }
  return { devices: added.length ? [...devices, ...added] : devices, missing };
}

/** Inventory pages read so far (`portcullis jamf sync` prints it for large fleets). */
export interface FleetProgress {
  kind: 'computer' | 'mobile';
  read: number;
  total: number;
}

export interface FetchFleetOptions {
  onProgress?: (progress: FleetProgress) => void;
}

/** One full read of the Jamf fleet. Throws JamfError when the inventory cannot be read. */
export async function fetchFleet(http: JamfHttp, options: FetchFleetOptions = {}): Promise<FleetResult> {
  const progress = (kind: FleetProgress['kind']) => options.onProgress && ((read: number, total: number) => options.onProgress!({ kind, read, total }));
  const started = Date.now();
  const before = http.stats;
  const { computerGroups, mobileGroups } = http.config;
  const failures: FleetFailure[] = [];

  const computers = async () => {
    if (computerGroups.length === 0) return undefined;
    const [groups, inventory] = await Promise.all([
      readGroups(computerGroups, 'computer', async (name) => {
        const group = await resolveComputerGroup(http, name);
        return group && { group, ...(await computerGroupMembers(http, group.id)) };
      }, failures),
      listComputers(http, progress('computer')),
    ]);
    return { groups, source: inventory.source, ...tag(inventory.devices, groups) };
  };
  const mobiles = async () => {
    if (mobileGroups.length === 0) return undefined;
    // Inventory first: membership rows are whole device summaries, needed only for members the inventory
    // list lacks (enrolled while we read); turning every row into a device would copy most mobiles twice.
    const inventory = await listMobileDevices(http, progress('mobile'));
    const listed = new Set(inventory.devices.map((d) => d.jamfId));
    const groups = await readGroups(mobileGroups, 'mobile', async (name) => {
      const group = await resolveMobileGroup(http, name);
      return group && { group, ...(await mobileGroupMembers(http, group.id, (id) => !listed.has(id))) };
    }, failures);
    return { groups, source: inventory.source, ...tag(inventory.devices, groups) };
  };

  const [c, m] = await Promise.all([computers(), mobiles()]);
  const after = http.stats;
  const result: FleetResult = {
    computers: c?.devices ?? [],
    mobiles: m?.devices ?? [],
    groups: [...(c?.groups ?? []), ...(m?.groups ?? [])].map((g) => ({ ...g.group, members: g.ids.length })),
    stats: {
      computers: c?.devices.length ?? 0,
      mobiles: m?.devices.length ?? 0,
      compliantComputers: c?.devices.filter((d) => d.compliantGroups.length > 0).length ?? 0,
      compliantMobiles: m?.devices.filter((d) => d.compliantGroups.length > 0).length ?? 0,
      membersWithoutInventory: (c?.missing ?? 0) + (m?.missing ?? 0),
      source: { computers: c?.source, mobiles: m?.source },
      requests: after.requests - before.requests,
      retries: after.retries - before.retries,
      peakConcurrency: after.peakConcurrency,
      durationMs: Date.now() - started,
      fetchedAt: new Date(started).toISOString(),
    },
  };
  if (failures.length) result.partial = { failures };
  return result;
}

/** Computers then mobile devices, without copying two large arrays into a third. */
export function* fleetDevices(result: Pick<FleetResult, 'computers' | 'mobiles'>): Generator<JamfDevice> {
  yield* result.computers;
  yield* result.mobiles;
}

export interface SyncFailureRecord {
  at: string;
  message: string;
  /** true: the sync returned data but some groups failed. */
  partial: boolean;
}

export interface SyncOutcome {
  /** The result became the snapshot in force. */
  adopted: boolean;
  result?: FleetResult;
  error?: Error;
}

/**
 * Keeps the last good fleet snapshot. A failed or partial sync leaves the previous snapshot in force and is
 * recorded in `lastFailure`; a partial result is adopted only when there is no snapshot yet (its failed
 * groups simply mark nobody compliant).
 */
export class FleetSync {
  readonly #http: JamfHttp;
  readonly #logger: Logger;
  readonly #onSnapshot?: (snapshot: FleetResult) => void;
  #snapshot?: FleetResult;
  #lastFailure?: SyncFailureRecord;
  #running?: Promise<SyncOutcome>;
  #timer?: NodeJS.Timeout;

  constructor(http: JamfHttp, options: { logger: Logger; onSnapshot?: (snapshot: FleetResult) => void }) {
    this.#http = http;
    this.#logger = options.logger;
    this.#onSnapshot = options.onSnapshot;
  }

  get snapshot(): FleetResult | undefined {
    return this.#snapshot;
  }

  get lastFailure(): SyncFailureRecord | undefined {
    return this.#lastFailure;
  }

  /** Runs one sync (or joins the one running). Never throws. */
  syncOnce(): Promise<SyncOutcome> {
    this.#running ??= this.#sync().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Syncs now and then every poll interval. */
  start(): void {
    if (this.#timer) return;
    void this.syncOnce();
    this.#timer = setInterval(() => void this.syncOnce(), this.#http.config.pollIntervalSeconds * 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #sync(): Promise<SyncOutcome> {
    let result: FleetResult;
    try {
      result = await fetchFleet(this.#http);
    } catch (err) {
      const error = err as Error;
      this.#lastFailure = { at: new Date().toISOString(), message: error.message, partial: false };
      this.#logger.error({ err: error.message, keeping: this.#snapshot?.stats.fetchedAt ?? null }, 'Jamf sync failed; previous snapshot stays in force');
      return { adopted: false, error };
    }
    const { stats } = result;
    if (result.partial) {
      const message = result.partial.failures.map((f) => `${f.scope}: ${f.message}`).join('; ');
      this.#lastFailure = { at: stats.fetchedAt, message, partial: true };
      if (this.#snapshot) {
        this.#logger.warn({ failures: result.partial.failures, keeping: this.#snapshot.stats.fetchedAt }, 'Jamf sync was partial; previous snapshot stays in force');
        return { adopted: false, result };
      }
      this.#logger.warn({ failures: result.partial.failures }, 'Jamf sync was partial; using it because there is no earlier snapshot');
    }
    this.#snapshot = result;
    this.#logger.info({ computers: stats.computers, mobiles: stats.mobiles, compliantComputers: stats.compliantComputers, compliantMobiles: stats.compliantMobiles, requests: stats.requests, durationMs: stats.durationMs }, 'Jamf sync done');
    this.#onSnapshot?.(result);
    return { adopted: true, result };
  }
}
