import { EventEmitter } from 'node:events';
import type { JamfDevice, JamfDeviceKind } from '../jamf/device.js';
import { DeviceAnswer } from './answer.js';
import { DeviceIndex } from './device-index.js';
import { isNormalisedMac, normaliseMac } from './mac.js';
import type { PostureSnapshotStore, SyncMeta } from './persistence.js';
import { adoptAsRecord, toRecord } from './record.js';
import type { ChangeSource, DeviceRecord, PostureAnswer, PostureChange, PostureState } from './types.js';

const UNKNOWN: PostureAnswer = Object.freeze({ state: 'unknown' as const });
/** setTimeout's limit (~24.8 days); a longer stale limit re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface PostureStoreOptions {
  /** After this long without a successful sync, every record answers "stale". */
  staleAfterMs: number;
  now?: () => number;
  persistence?: PostureSnapshotStore;
}

/** Which identifiers a push signal (CAEP, webhook) names; the first one the store knows is used. */
export interface SignalRef {
  udid?: string;
  serial?: string;
  mac?: string;
}

/**
 * The device index the authentication path reads: MAC → device, UDID → device (plus serial and Jamf id for
 * webhooks and signals), in memory, persisted to SQLite so a restart answers from the last known posture at
 * once. Emits 'change' (PostureChange) exactly once per device whose answer really changed — including the
 * moment the whole store turns stale (timer) and the sync that makes it fresh again.
 *
 * A device's answer changed when its state did, or when something policy reads from its record did (model,
 * OS version, managed, MACs, groups …, see visiblyChanged): then `from` may equal `to`. Events describe what
 * subscribers have been told: a device's `from` is always the `to` of its previous event. So if a sync lands
 * before the stale timer fired, nobody was told "stale" and unchanged devices emit nothing.
 */
export class PostureStore extends EventEmitter<{ change: [PostureChange] }> {
  #index = new DeviceIndex();
  readonly #o: PostureStoreOptions;
  readonly #now: () => number;
  #meta: SyncMeta = {};
  /** The store answers "stale" once the clock passes this (−∞: never synced). */
  #staleAt = -Infinity;
  /** Subscribers have been told every device is stale (the timer fired, or it was stale at load). */
  #announcedStale = true;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: PostureStoreOptions) {
    super();
    this.#o = options;
    this.#now = options.now ?? (() => Date.now()); // looked up per call: fake timers replace Date.now
    const p = options.persistence;
    if (p) {
      this.#setMeta(p.loadMeta() ?? {});
      for (const record of p.iterate()) this.#index.add(this.#answerFor(record));
    }
    this.#announcedStale = this.isStale; // nobody is subscribed yet: a stale snapshot is simply stale
    this.#armStaleTimer();
  }

  get size(): number {
    return this.#index.size;
  }

  get meta(): Readonly<SyncMeta> {
    return this.#meta;
  }

  /** True when the last successful sync is older than the stale limit (or there never was one). */
  get isStale(): boolean {
    return this.#now() > this.#staleAt;
  }

  // ---- lookups (the authentication path: a Map hit, one clock read, no allocation while fresh) ----------

  /** Posture by MAC (any common format; the auth path passes the internal form, so that is tried first). */
  byMac(mac: string): PostureAnswer {
    let a = this.#index.byMac.get(mac);
    if (a === undefined) {
      const normalised = isNormalisedMac(mac) ? undefined : normaliseMac(mac);
      a = normalised === undefined ? undefined : this.#index.byMac.get(normalised);
      if (a === undefined) return UNKNOWN;
    }
    return this.#now() > this.#staleAt ? a.asStale() : a;
  }

  /** Posture by Jamf UDID (case-insensitive). */
  byUdid(udid: string): PostureAnswer {
    let a = this.#index.byUdid.get(udid);
    if (a === undefined) {
      const upper = udid.trim().toUpperCase();
      a = upper === udid ? undefined : this.#index.byUdid.get(upper);
      if (a === undefined) return UNKNOWN;
    }
    return this.#now() > this.#staleAt ? a.asStale() : a;
  }

  /** The record Jamf knows under this id (webhooks name devices by Jamf id). */
  byJamfId(kind: JamfDeviceKind, jamfId: string): DeviceRecord | undefined {
    return this.#index.byJamfId(kind, jamfId)?.device;
  }

  /** The record with this serial number (case-insensitive). */
  bySerial(serial: string): DeviceRecord | undefined {
    return (this.#index.bySerial.get(serial) ?? this.#index.bySerial.get(serial.trim().toUpperCase()))?.device;
  }

  /** Every record (CLI listing). */
  *records(): IterableIterator<DeviceRecord> {
    for (const a of this.#index.answers()) yield a.device;
  }

  /** A record by MAC, UDID, serial or store key (CLI `devices show`). */
  find(text: string): DeviceRecord | undefined {
    const mac = normaliseMac(text);
    const upper = text.trim().toUpperCase();
    const i = this.#index;
    return ((mac ? i.byMac.get(mac) : undefined) ?? i.byUdid.get(upper) ?? i.bySerial.get(upper) ?? i.byKey(text))?.device;
  }

  // ---- updates ---------------------------------------------------------------------------------------

  /**
   * Replaces the fleet with a complete sync result, persisted in one transaction first (a failed write
   * leaves the previous snapshot in force). Devices whose answer changed (including appearing, disappearing
   * and stale → fresh) emit one event each.
   *
   * The store takes the device objects over: each becomes its record (three fields added) rather than
   * being copied, so a 100,000-device sync does not hold two objects per device. Pass fresh objects (every
   * fetchFleet result is); objects that already are records are copied.
   */
  applySnapshot(devices: Iterable<JamfDevice>, durationMs: number): { changes: number } {
    const now = this.#now();
    const next = new DeviceIndex();
    for (const d of devices) next.add(this.#answerFor(adoptAsRecord(d, now)));
    const counts = { computers: 0, mobiles: 0, compliant: 0, nonCompliant: 0 };
    for (const { device: r } of next.answers()) {
      counts[r.kind === 'computer' ? 'computers' : 'mobiles']++;
      counts[r.state === 'compliant' ? 'compliant' : 'nonCompliant']++;
    }
    const meta: SyncMeta = { ...this.#meta, lastSuccessAt: now, lastAttemptAt: now, lastDurationMs: durationMs, lastError: undefined, counts };
    this.#o.persistence?.replaceAll(recordsOf(next), meta);
    return { changes: this.#replace(next, meta, 'poll') };
  }

  /**
   * Re-reads the persisted snapshot (`portcullis jamf sync` in another process wrote it) and emits the
   * differences. Only the sync status is taken over when the snapshot is the one already in memory.
   */
  reloadFromPersistence(): { reloaded: boolean; changes: number } {
    const p = this.#o.persistence;
    if (!p) return { reloaded: false, changes: 0 };
    const meta = p.loadMeta() ?? {};
    if (meta.lastSuccessAt === this.#meta.lastSuccessAt) {
      this.#setMeta(meta);
      return { reloaded: false, changes: 0 };
    }
    const next = new DeviceIndex();
    for (const record of p.iterate()) next.add(this.#answerFor(record));
    return { reloaded: true, changes: this.#replace(next, meta, 'poll') };
  }

  /** A failed or partial sync: the previous snapshot stays in force; the failure is recorded. */
  recordFailure(error: string, durationMs: number): void {
    this.#meta = { ...this.#meta, lastAttemptAt: this.#now(), lastDurationMs: durationMs, lastError: error };
    this.#o.persistence?.saveMeta(this.#meta);
  }

  /** One device learned out of band (lookup or webhook). */
  applyDevice(device: JamfDevice, source: ChangeSource): void {
    this.#put(this.#answerFor(toRecord(device, this.#now())), source);
  }

  /**
   * A push signal (CAEP) about a known device: sets its state until the next poll or lookup overwrites it.
   * 'changed' (one event) when the record's state changed — while the whole store is stale the answer stays
   * "stale" and the event says stale → stale with the new `lastKnown` in its device; 'not-found' when no
   * identifier in `ref` is known.
   */
  applySignal(ref: SignalRef, state: 'compliant' | 'non-compliant', source: ChangeSource): 'changed' | 'unchanged' | 'not-found' {
    const i = this.#index;
    const mac = ref.mac === undefined ? undefined : normaliseMac(ref.mac);
    const found = (ref.udid === undefined ? undefined : i.byUdid.get(ref.udid.trim().toUpperCase()))
      ?? (ref.serial === undefined ? undefined : i.bySerial.get(ref.serial.trim().toUpperCase()))
      ?? (mac === undefined ? undefined : i.byMac.get(mac));
    if (!found) return 'not-found';
    if (found.device.state === state) return 'unchanged';
    this.#put(this.#answerFor(toRecord(found.device, found.device.fetchedAt, state)), source);
    return 'changed';
  }

  /** Stops the stale timer. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ---- internals -------------------------------------------------------------------------------------

  #answerFor(record: DeviceRecord): DeviceAnswer {
    return new DeviceAnswer(record, this.#now);
  }

  #setMeta(meta: SyncMeta): void {
    this.#meta = meta;
    this.#staleAt = meta.lastSuccessAt === undefined ? -Infinity : meta.lastSuccessAt + this.#o.staleAfterMs;
  }

  /** What subscribers were last told about this device. */
  #told(a: DeviceAnswer | undefined): PostureState {
    return a === undefined ? 'unknown' : this.#announcedStale ? 'stale' : a.device.state;
  }

  /** One device in or replaced (persisted first), with its event. */
  #put(a: DeviceAnswer, source: ChangeSource): void {
    const p = this.#o.persistence;
    const prev = this.#index.previous(a);
    p?.upsert(a.device);
    const replaced = this.#index.add(a);
    for (const old of replaced) if (old.device.key !== a.device.key) p?.remove(old.device.key);
    this.#emit(this.#told(prev), this.#told(a), a.device, prev?.device, source, this.#now());
  }

  /** Swaps in a new index and sync status; emits one event per device whose answer changed. */
  #replace(next: DeviceIndex, meta: SyncMeta, source: ChangeSource): number {
    const old = this.#index;
    const wasStale = this.#announcedStale;
    const toldBefore = (a: DeviceAnswer) => (wasStale ? 'stale' : a.device.state);
    this.#index = next;
    this.#setMeta(meta);
    this.#announcedStale = this.isStale;
    this.#armStaleTimer();
    const at = this.#now();
    let changes = 0;
    for (const a of old.answers()) {
      if (next.previous(a) === undefined) changes += this.#emit(toldBefore(a), 'unknown', undefined, a.device, source, at);
    }
    for (const a of next.answers()) {
      const prev = old.previous(a);
      changes += this.#emit(prev ? toldBefore(prev) : 'unknown', this.#told(a), a.device, prev?.device, source, at);
    }
    return changes;
  }

  #emit(from: PostureState, to: PostureState, device: DeviceRecord | undefined, prev: DeviceRecord | undefined, source: ChangeSource, at: number): 0 | 1 {
    if (from === to && (device === undefined || prev === undefined || !visiblyChanged(prev, device))) return 0;
    if (this.listenerCount('change') === 0) return 1; // a first sync of 100,000 devices: no garbage events
    const d = (device ?? prev)!;
    this.emit('change', { key: d.key, udid: d.udid, macs: d.macs, from, to, source, device, at });
    return 1;
  }

  #armStaleTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#announcedStale || !Number.isFinite(this.#staleAt)) return;
    const delay = Math.min(Math.max(this.#staleAt - this.#now() + 1, 0), MAX_TIMER_MS);
    this.#timer = setTimeout(() => this.#onStaleTimer(), delay);
    this.#timer.unref();
  }

  /** The stale limit passed without a successful sync: every device's answer turns "stale" now. */
  #onStaleTimer(): void {
    this.#timer = undefined;
    if (!this.isStale) return this.#armStaleTimer(); // a long limit is reached in several timer steps
    this.#announcedStale = true;
    const at = this.#now();
    for (const a of this.#index.answers()) this.#emit(a.device.state, 'stale', a.device, a.device, 'staleness', at);
  }
}

/**
 * What policy can see of a record besides the answer's state: the record's own state (`lastKnown` while the
 * store is stale), managed, kind, model, OS version, UDID, MACs and compliant groups. A change of name,
 * serial, inventory date or fetch time is not a posture change.
 */
function visiblyChanged(a: DeviceRecord, b: DeviceRecord): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x === y || (x.length === y.length && x.every((v) => y.includes(v)));
  return a.state !== b.state || a.managed !== b.managed || a.kind !== b.kind || a.model !== b.model || a.osVersion !== b.osVersion
    || a.udid !== b.udid || !sameList(a.macs, b.macs) || !sameList(a.compliantGroups, b.compliantGroups);
}

function* recordsOf(index: DeviceIndex): Generator<DeviceRecord> {
  for (const a of index.answers()) yield a.device;
}
