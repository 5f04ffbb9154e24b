// The mock's fleet: computers, mobile devices, groups and webhooks, plus the traffic log. Tests change
// it while the server runs (move a device out of a group, change a MAC) and the next request sees it.
// Every change bumps `version`, which invalidates the server's cached sorted/filtered views.

import { generateComputer, generateMobileDevice, type GenerateOptions } from './generate.js';
import { TrafficLog } from './traffic.js';
import {
  DeviceKind, type FleetChange, type MockComputer, type MockGroup, type MockMobileDevice, type MockWebhook,
} from './types.js';

export type GroupRef = number | string;

export interface NewGroup {
  name: string;
  description?: string;
  smart?: boolean;
  siteId?: number;
  id?: number;
  members?: Iterable<number>;
}

export class MockJamfState {
  readonly #computers = new Map<number, MockComputer>();
  readonly #mobiles = new Map<number, MockMobileDevice>();
  readonly #groups: Record<DeviceKind, Map<number, MockGroup>> = { computer: new Map(), mobile: new Map() };
  readonly #webhooks = new Map<number, MockWebhook>();
  readonly #listeners = new Set<(change: FleetChange) => void>();
  readonly #gen: GenerateOptions;
  #nextId = { computer: 1, mobile: 1, computerGroup: 1, mobileGroup: 1, webhook: 1 };
  /** Bumped on every change; cached query results are keyed on it. */
  version = 0;
  readonly traffic: TrafficLog;

  constructor(gen: Partial<GenerateOptions> = {}, requestLogLimit?: number) {
    this.#gen = { seed: gen.seed ?? 1, referenceTime: gen.referenceTime ?? Date.now() };
    this.traffic = new TrafficLog(requestLogLimit);
  }

  get computers(): ReadonlyMap<number, MockComputer> {
    return this.#computers;
  }

  get mobileDevices(): ReadonlyMap<number, MockMobileDevice> {
    return this.#mobiles;
  }

  groups(kind: DeviceKind): ReadonlyMap<number, MockGroup> {
    return this.#groups[kind];
  }

  get webhooks(): ReadonlyMap<number, MockWebhook> {
    return this.#webhooks;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (change: FleetChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // --- devices -------------------------------------------------------------------------------

  /** Adds a computer; fields not given come from the deterministic generator for its id. */
  addComputer(fields: Partial<MockComputer> = {}): MockComputer {
    const id = fields.id ?? this.#nextId.computer;
    if (this.#computers.has(id)) throw new Error(`computer ${id} already exists`);
    const computer = Object.assign(generateComputer(id, this.#gen), fields, { id });
    this.#computers.set(id, computer);
    this.#nextId.computer = Math.max(this.#nextId.computer, id + 1);
    this.#changed({ type: 'device-added', kind: DeviceKind.computer, id });
    return computer;
  }

  addMobileDevice(fields: Partial<MockMobileDevice> = {}): MockMobileDevice {
    const id = fields.id ?? this.#nextId.mobile;
    if (this.#mobiles.has(id)) throw new Error(`mobile device ${id} already exists`);
    const device = Object.assign(generateMobileDevice(id, this.#gen), fields, { id });
    this.#mobiles.set(id, device);
    this.#nextId.mobile = Math.max(this.#nextId.mobile, id + 1);
    this.#changed({ type: 'device-added', kind: DeviceKind.mobile, id });
    return device;
  }

  /** Changes fields of a computer in place (e.g. a new MAC after a logic-board swap). */
  updateComputer(id: number, patch: Partial<Omit<MockComputer, 'id'>>): MockComputer {
    const c = this.#computers.get(id);
    if (!c) throw new Error(`no computer ${id}`);
    Object.assign(c, patch, { id });
    this.#changed({ type: 'device-updated', kind: DeviceKind.computer, id });
    return c;
  }

  updateMobileDevice(id: number, patch: Partial<Omit<MockMobileDevice, 'id'>>): MockMobileDevice {
    const m = this.#mobiles.get(id);
    if (!m) throw new Error(`no mobile device ${id}`);
    Object.assign(m, patch, { id });
    this.#changed({ type: 'device-updated', kind: DeviceKind.mobile, id });
    return m;
  }

  /** Deletes a device and takes it out of every group. */
  removeDevice(kind: DeviceKind, id: number): boolean {
    const map = kind === DeviceKind.computer ? this.#computers : this.#mobiles;
    if (!map.delete(id)) return false;
    for (const g of this.#groups[kind].values()) {
      if (g.members.delete(id)) this.#changed({ type: 'membership', kind, groupId: g.id, added: [], removed: [id] });
    }
    this.#changed({ type: 'device-removed', kind, id });
    return true;
  }

  // --- groups --------------------------------------------------------------------------------

  addGroup(kind: DeviceKind, spec: NewGroup): MockGroup {
    const counter = kind === DeviceKind.computer ? 'computerGroup' : 'mobileGroup';
    const id = spec.id ?? this.#nextId[counter];
    if (this.#groups[kind].has(id)) throw new Error(`${kind} group ${id} already exists`);
    const group: MockGroup = {
      id, kind, name: spec.name, description: spec.description ?? '', smart: spec.smart ?? true,
      siteId: spec.siteId ?? -1, members: new Set(spec.members ?? []),
    };
    this.#groups[kind].set(id, group);
    this.#nextId[counter] = Math.max(this.#nextId[counter], id + 1);
    this.#changed({ type: 'group-added', kind, groupId: id });
    return group;
  }

  removeGroup(kind: DeviceKind, ref: GroupRef): boolean {
    const g = this.group(kind, ref);
    if (!g) return false;
    this.#groups[kind].delete(g.id);
    this.#changed({ type: 'group-removed', kind, groupId: g.id });
    return true;
  }

  /** A group by id or by exact name. */
  group(kind: DeviceKind, ref: GroupRef): MockGroup | undefined {
    if (typeof ref === 'number') return this.#groups[kind].get(ref);
    for (const g of this.#groups[kind].values()) if (g.name === ref) return g;
    return undefined;
  }

  /** Puts devices into a group; returns the ids that were not members before. */
  addToGroup(kind: DeviceKind, ref: GroupRef, ids: number | readonly number[]): number[] {
    const g = this.#mustGroup(kind, ref);
    const added = (typeof ids === 'number' ? [ids] : ids).filter((id) => !g.members.has(id));
    for (const id of added) g.members.add(id);
    if (added.length > 0) this.#changed({ type: 'membership', kind, groupId: g.id, added, removed: [] });
    return added;
  }

  /** Takes devices out of a group; returns the ids that were members. */
  removeFromGroup(kind: DeviceKind, ref: GroupRef, ids: number | readonly number[]): number[] {
    const g = this.#mustGroup(kind, ref);
    const removed = (typeof ids === 'number' ? [ids] : ids).filter((id) => g.members.has(id));
    for (const id of removed) g.members.delete(id);
    if (removed.length > 0) this.#changed({ type: 'membership', kind, groupId: g.id, added: [], removed });
    return removed;
  }

  /** Moves one device from one group to another (e.g. "Compliant" → "Quarantine"). */
  moveDevice(kind: DeviceKind, id: number, from: GroupRef, to: GroupRef): void {
    this.removeFromGroup(kind, from, id);
    this.addToGroup(kind, to, id);
  }

  /** Groups a device belongs to, in id order. */
  groupsOf(kind: DeviceKind, id: number): MockGroup[] {
    return [...this.#groups[kind].values()].filter((g) => g.members.has(id));
  }

  // --- webhooks ------------------------------------------------------------------------------

  addWebhook(fields: Partial<MockWebhook> & { name: string }): MockWebhook {
    const id = fields.id && fields.id > 0 ? fields.id : this.#nextId.webhook;
    const hook: MockWebhook = {
      enabled: true, url: '', contentType: 'application/json', event: '', connectionTimeout: 5, readTimeout: 2,
      authenticationType: 'NONE', username: '', password: '', header: '', smartGroupId: -1, ...fields, id,
    };
    this.#webhooks.set(id, hook);
    this.#nextId.webhook = Math.max(this.#nextId.webhook, id + 1);
    this.#changed({ type: 'webhook-added', id });
    return hook;
  }

  removeWebhook(id: number): boolean {
    if (!this.#webhooks.delete(id)) return false;
    this.#changed({ type: 'webhook-removed', id });
    return true;
  }

  // --- internals -----------------------------------------------------------------------------

  #mustGroup(kind: DeviceKind, ref: GroupRef): MockGroup {
    const g = this.group(kind, ref);
    if (!g) throw new Error(`no ${kind} group ${JSON.stringify(ref)}`);
    return g;
  }

  #changed(change: FleetChange): void {
    this.version++;
    for (const l of this.#listeners) l(change);
  }
}
