// A realistic, deterministic fleet: N computers, M mobile devices and smart groups whose membership
// is a stable percentage of the managed devices. Fast enough for 100,000 devices (one pass, no sorting).

import { unitHash } from './generate.js';
import { MockJamfState } from './state.js';
import { DeviceKind, type MockComputer, type MockMobileDevice } from './types.js';

export interface SeedGroup<D> {
  name: string;
  description?: string;
  /** Static groups are listed by /api/v1/computer-groups but not by the smart-group endpoints. */
  smart?: boolean;
  /** Fraction (0..1) of the eligible devices that are members; chosen by a stable hash of the id. Default 1. */
  share?: number;
  /** Only managed devices are eligible (Jamf's usual criterion). Default true. */
  managedOnly?: boolean;
  /** Extra eligibility test. */
  where?: (device: D) => boolean;
}

export interface SeedOptions {
  seed?: number;
  /** Epoch ms the report dates are spread back from; default now. */
  referenceTime?: number;
  computers?: number;
  mobileDevices?: number;
  computerGroups?: readonly SeedGroup<MockComputer>[];
  mobileGroups?: readonly SeedGroup<MockMobileDevice>[];
  /** How many requests the traffic log keeps. */
  requestLogLimit?: number;
}

export const DEFAULT_COMPUTER_GROUPS: readonly SeedGroup<MockComputer>[] = [
  { name: 'All Managed Clients', description: 'Every managed Mac' },
  { name: 'Compliant Macs', description: 'Managed, encrypted and up to date', share: 0.85, where: (c) => c.fileVault2Enabled },
  { name: 'FileVault Enabled', where: (c) => c.fileVault2Enabled },
  { name: 'macOS 15', description: 'Macs on macOS Sequoia', where: (c) => c.osVersion.startsWith('15.') },
  { name: 'Quarantine', description: 'Macs with an open security incident', share: 0.01 },
  { name: 'Loaner Macs', description: 'Static list kept by the service desk', smart: false, share: 0.02 },
];

export const DEFAULT_MOBILE_GROUPS: readonly SeedGroup<MockMobileDevice>[] = [
  { name: 'All Managed Mobile Devices', description: 'Every managed iOS, iPadOS and tvOS device' },
  { name: 'Compliant Mobile Devices', description: 'Managed, supervised and on a current OS', share: 0.8, where: (m) => m.supervised },
  { name: 'Supervised iPhones', where: (m) => m.supervised && m.modelIdentifier.startsWith('iPhone') },
  { name: 'Shared iPads', smart: false, share: 0.05, where: (m) => m.modelIdentifier.startsWith('iPad') },
];

/** A new state holding a seeded fleet. Same options → same fleet (dates move with referenceTime). */
export function createSeededState(options: SeedOptions = {}): MockJamfState {
  const seed = options.seed ?? 1;
  const state = new MockJamfState({ seed, referenceTime: options.referenceTime }, options.requestLogLimit);
  seedFleet(state, seed, options);
  return state;
}

/** Adds devices and groups to an existing state. */
export function seedFleet(state: MockJamfState, seed: number, options: SeedOptions): void {
  const computers: MockComputer[] = [];
  for (let i = 0; i < (options.computers ?? 0); i++) computers.push(state.addComputer());
  const mobiles: MockMobileDevice[] = [];
  for (let i = 0; i < (options.mobileDevices ?? 0); i++) mobiles.push(state.addMobileDevice());
  addGroups(state, DeviceKind.computer, seed, computers, options.computerGroups ?? DEFAULT_COMPUTER_GROUPS);
  addGroups(state, DeviceKind.mobile, seed, mobiles, options.mobileGroups ?? DEFAULT_MOBILE_GROUPS);
}

function addGroups<D extends { id: number; managed: boolean }>(
  state: MockJamfState, kind: DeviceKind, seed: number, devices: readonly D[], specs: readonly SeedGroup<D>[],
): void {
  specs.forEach((spec, index) => {
    const share = spec.share ?? 1;
    const salt = (kind === DeviceKind.computer ? 0x1000 : 0x2000) + index;
    const members: number[] = [];
    for (const d of devices) {
      if ((spec.managedOnly ?? true) && !d.managed) continue;
      if (spec.where && !spec.where(d)) continue;
      if (share < 1 && unitHash(seed, salt, d.id) >= share) continue;
      members.push(d.id);
    }
    state.addGroup(kind, { name: spec.name, description: spec.description, smart: spec.smart, members });
  });
}
