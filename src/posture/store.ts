import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JamfDevice, JamfDeviceKind } from '../jamf/device.js';
import { DeviceAnswer } from './answer.js';
import { DeviceIndex } from './device-index.js';
import { isNormalisedMac, normaliseMac } from './mac.js';
import type { PostureSnapshotStore, SyncMeta } from './persistence.js';
import { adoptAsRecord, toRecord, visiblyChanged } from './record.js';
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
  /** Update passes so far: answers carry the pass that made them (see #update). */
  #pass = 0;

  constructor(options: PostureStoreOptions) {
    super();
    this.#o = options;
    this.#now = options.now ?? (() => Date.now()); // looked up per call: fake timers replace Date.now
    const p = options.persistence;
    if (p) {
      this.#setMeta(p.loadMeta() ?? {});
      for (const record of p.iterate()) this.#index.add(this.#answerFor(record)); // nobody listens yet
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
    return (this.#index.bySerial(serial) ?? this.#index.bySerial(serial.trim().toUpperCase()))?.device;
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
    return ((mac ? i.byMac.get(mac) : undefined) ?? i.byUdid.get(upper) ?? i.bySerial(upper) ?? i.byKey(text))?.device;
  }

  // ---- updates ---------------------------------------------------------------------------------------

  /**
   * Replaces the fleet with a complete sync result. Devices whose answer changed (including appearing,
   * disappearing and stale → fresh) emit one event each, once the whole fleet is in place; then the snapshot
   * is persisted in one transaction (if that write fails the fleet is still in force here, and the error
   * reaches the caller).
   *
   * The index is updated in place: a re-sync overwrites Map entries rather than building a second index
   * next to the first. The store takes the device objects over: each becomes its record (three fields
   * added) rather than being copied, so a 100,000-device sync does not hold two objects per device. Pass
   * fresh objects (every fetchFleet result is); objects that already are records are copied.
   */
  applySnapshot(devices: Iterable<JamfDevice>, durationMs: number): { changes: number } {
    const now = this.#now();
    const records = mapIterable(devices, (d) => adoptAsRecord(d, now));
    const meta: SyncMeta = { ...this.#meta, snapshotId: randomUUID(), lastSuccessAt: now, lastAttemptAt: now, lastDurationMs: durationMs, lastError: undefined };
    const changes = this.#update(records, meta, 'poll');
    this.#o.persistence?.replaceAll(this.records(), this.#meta);
    return { changes };
  }

  /**
   * Re-reads the persisted snapshot (`portcullis jamf sync` in another process wrote it) and emits the
   * differences. Only the sync status is taken over when the snapshot is the one already in memory.
   */
  reloadFromPersistence(): { reloaded: boolean; changes: number } {
    const p = this.#o.persistence;
    if (!p) return { reloaded: false, changes: 0 };
    const meta = p.loadMeta() ?? {};
    if (meta.snapshotId === this.#meta.snapshotId && meta.lastSuccessAt === this.#meta.lastSuccessAt) {
      this.#setMeta(meta);
      return { reloaded: false, changes: 0 };
    }
    // Read out first: listeners may use this database connection, which a running query keeps busy.
    return { reloaded: true, changes: this.#update([...p.iterate()], meta, 'poll') };
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
      ?? (ref.serial === undefined ? undefined : i.bySerial(ref.serial.trim().toUpperCase()))
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
    return new DeviceAnswer(record, this.#now, this.#pass);
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
    const at = this.#now();
    const events: PostureChange[] = [];
    this.#change(events, this.#told(prev), this.#told(a), a.device, prev?.device, source, at);
    for (const old of replaced) if (old !== prev) this.#change(events, this.#told(old), 'unknown', undefined, old.device, source, at);
    this.#publish(events);
  }

  /**
   * A complete fleet in place of the one indexed, with a new sync status; returns how many devices' answers
   * changed and emits their events after the last device is in. Answers made in this pass are told apart
   * from the previous ones by their pass number: what is left of the previous ones afterwards is gone.
   */
  #update(records: Iterable<DeviceRecord>, meta: SyncMeta, source: ChangeSource): number {
    const wasStale = this.#announcedStale;
    this.#setMeta(meta);
    this.#announcedStale = this.isStale;
    this.#armStaleTimer();
    const pass = ++this.#pass;
    // What subscribers were told about an answer: before this pass for the previous ones, after it for new.
    const told = (a: DeviceAnswer): PostureState => ((a.pass === pass ? this.#announcedStale : wasStale) ? 'stale' : a.device.state);
    const at = this.#now();
    const events: PostureChange[] = [];
    let changes = 0;
    const index = this.#index;
    for (const record of records) {
      const a = this.#answerFor(record);
      const prev = index.previous(a);
      const replaced = index.add(a);
      changes += this.#change(events, prev ? told(prev) : 'unknown', told(a), record, prev?.device, source, at);
      for (const old of replaced) if (old !== prev) changes += this.#change(events, told(old), 'unknown', undefined, old.device, source, at);
    }
    const counts = { computers: 0, mobiles: 0, compliant: 0, nonCompliant: 0 };
    for (const a of index.answers()) {
      if (a.pass !== pass) {
        index.remove(a); // not in this snapshot: Jamf no longer has it
        changes += this.#change(events, told(a), 'unknown', undefined, a.device, source, at);
        continue;
      }
      counts[a.device.kind === 'computer' ? 'computers' : 'mobiles']++;
      counts[a.device.state === 'compliant' ? 'compliant' : 'nonCompliant']++;
    }
    this.#meta = { ...this.#meta, counts };
    this.#publish(events);
    return changes;
  }

  /** Counts one change (and queues its event when someone listens); 0 when nothing changed. */
  #change(events: PostureChange[], from: PostureState, to: PostureState, device: DeviceRecord | undefined, prev: DeviceRecord | undefined, source: ChangeSource, at: number): 0 | 1 {
    if (from === to && (device === undefined || prev === undefined || !visiblyChanged(prev, device))) return 0;
    if (this.listenerCount('change') === 0) return 1; // a first sync of 100,000 devices: no garbage events
    const d = (device ?? prev)!;
    events.push({ key: d.key, udid: d.udid, macs: d.macs, from, to, source, device, at });
    return 1;
  }

  #publish(events: PostureChange[]): void {
    for (const e of events) this.emit('change', e);
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
    const events: PostureChange[] = [];
    for (const a of this.#index.answers()) this.#change(events, a.device.state, 'stale', a.device, a.device, 'staleness', at);
    this.#publish(events);
  }
}

function* mapIterable<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
