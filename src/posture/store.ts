import { EventEmitter } from 'node:events';
import type { JamfDevice } from '../jamf/device.js';
import { normaliseMac } from './mac.js';
import type { PostureSnapshotStore, SyncMeta } from './persistence.js';
import { type ChangeSource, type DeviceRecord, type PostureAnswer, type PostureChange, type PostureState, recordKey, toRecord } from './types.js';

const UNKNOWN: PostureAnswer = Object.freeze({ state: 'unknown' as const });

export interface PostureStoreOptions {
  /** After this long without a successful sync, every record answers "stale". */
  staleAfterMs: number;
  now?: () => number;
  persistence?: PostureSnapshotStore;
}

/**
 * The device index the authentication path reads: MAC → device and UDID → device, in memory (a Map hit per
 * lookup), persisted to SQLite so a restart answers from the last known posture at once. Emits 'change'
 * (PostureChange) exactly once per device whose state really changed.
 */
export class PostureStore extends EventEmitter<{ change: [PostureChange] }> {
  readonly #byKey = new Map<string, DeviceRecord>();
  readonly #byMac = new Map<string, DeviceRecord>();
  readonly #byUdid = new Map<string, DeviceRecord>();
  readonly #o: PostureStoreOptions;
  readonly #now: () => number;
  #meta: SyncMeta;

  constructor(options: PostureStoreOptions) {
    super();
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#meta = options.persistence?.loadMeta() ?? {};
    for (const r of options.persistence?.loadAll() ?? []) this.#index(r);
  }

  get size(): number {
    return this.#byKey.size;
  }

  get meta(): Readonly<SyncMeta> {
    return this.#meta;
  }

  /** True when the last successful sync is older than the stale limit (or there never was one). */
  get isStale(): boolean {
    return this.#staleAt(this.#now());
  }

  #staleAt(now: number): boolean {
    const last = this.#meta.lastSuccessAt;
    return last === undefined || now - last > this.#o.staleAfterMs;
  }

  #answer(record: DeviceRecord | undefined): PostureAnswer {
    if (!record) return UNKNOWN;
    const now = this.#now(); // one clock read per lookup: this is on every authentication
    const ageSeconds = now > record.fetchedAt ? Math.round((now - record.fetchedAt) / 1000) : 0;
    if (this.#staleAt(now)) return { state: 'stale', lastKnown: record.state, device: record, ageSeconds };
    return { state: record.state, device: record, ageSeconds };
  }

  /** Posture by MAC (any common format). */
  byMac(mac: string): PostureAnswer {
    return this.#answer(this.#byMac.get(mac) ?? this.#byMac.get(normaliseMac(mac) ?? ''));
  }

  /** Posture by Jamf UDID (case-insensitive). */
  byUdid(udid: string): PostureAnswer {
    return this.#answer(this.#byUdid.get(udid) ?? this.#byUdid.get(udid.toUpperCase()));
  }

  /** Every record (CLI listing). */
  records(): IterableIterator<DeviceRecord> {
    return this.#byKey.values();
  }

  find(text: string): DeviceRecord | undefined {
    const mac = normaliseMac(text);
    return (mac ? this.#byMac.get(mac) : undefined) ?? this.#byUdid.get(text.toUpperCase()) ?? this.#byKey.get(text);
  }

  #index(r: DeviceRecord): void {
    this.#byKey.set(r.key, r);
    for (const mac of r.macs) this.#byMac.set(mac, r);
    if (r.udid) this.#byUdid.set(r.udid, r);
  }

  #unindex(r: DeviceRecord): void {
    this.#byKey.delete(r.key);
    for (const mac of r.macs) if (this.#byMac.get(mac) === r) this.#byMac.delete(mac);
    if (r.udid && this.#byUdid.get(r.udid) === r) this.#byUdid.delete(r.udid);
  }

  #emitIfChanged(key: string, before: PostureState, after: DeviceRecord | undefined, prev: DeviceRecord | undefined, source: ChangeSource): void {
    const to: PostureState = after ? after.state : 'unknown';
    if (before === to) return;
    const d = after ?? prev;
    this.emit('change', { key, udid: d?.udid, macs: d?.macs ?? [], from: before, to, source, device: after, at: this.#now() });
  }

  /**
   * Replaces the fleet with a complete sync result. Devices that changed state (including appearing or
   * disappearing) emit one event each; the snapshot is persisted in one transaction.
   */
  applySnapshot(devices: readonly JamfDevice[], durationMs: number): { changes: number } {
    const now = this.#now();
    const wasStale = this.isStale;
    const next = new Map<string, DeviceRecord>();
    for (const d of devices) next.set(recordKey(d), toRecord(d, now));
    let changes = 0;
    const count = (e: PostureChange) => void (changes++, e);
    this.on('change', count);
    try {
      for (const [key, prev] of this.#byKey) {
        if (!next.has(key)) {
          this.#unindex(prev);
          this.#emitIfChanged(key, wasStale ? 'stale' : prev.state, undefined, prev, 'poll');
        }
      }
      for (const [key, rec] of next) {
        const prev = this.#byKey.get(key);
        if (prev) this.#unindex(prev);
        this.#index(rec);
        const before: PostureState = prev ? (wasStale ? 'stale' : prev.state) : 'unknown';
        this.#emitIfChanged(key, before, rec, prev, 'poll');
      }
    } finally {
      this.off('change', count);
    }
    let compliant = 0;
    for (const r of next.values()) if (r.state === 'compliant') compliant++;
    this.#meta = {
      ...this.#meta, lastSuccessAt: now, lastAttemptAt: now, lastDurationMs: durationMs, lastError: undefined,
      counts: {
        computers: devices.filter((d) => d.kind === 'computer').length, mobiles: devices.filter((d) => d.kind === 'mobile').length,
        compliant, nonCompliant: next.size - compliant,
      },
    };
    this.#o.persistence?.replaceAll(next.values(), this.#meta);
    return { changes };
  }

  /** A failed or partial sync: the previous snapshot stays in force; the failure is recorded. */
  recordFailure(error: string, durationMs: number): void {
    this.#meta = { ...this.#meta, lastAttemptAt: this.#now(), lastDurationMs: durationMs, lastError: error };
    this.#o.persistence?.saveMeta(this.#meta);
  }

  /** One device learned out of band (lookup or webhook); undefined = Jamf does not know `key`. */
  applyDevice(device: JamfDevice, source: ChangeSource): void {
    const rec = toRecord(device, this.#now());
    const prev = this.#byKey.get(rec.key);
    const before: PostureState = prev ? (this.isStale ? 'stale' : prev.state) : 'unknown';
    if (prev) this.#unindex(prev);
    this.#index(rec);
    this.#o.persistence?.upsert(rec);
    this.#emitIfChanged(rec.key, before, rec, prev, source);
  }
}
