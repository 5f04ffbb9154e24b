// Devices for the posture store tests: Jamf-style upper-case UDIDs, two MACs per Mac (Ethernet + Wi-Fi).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JamfDevice } from '../../src/jamf/device.js';
import type { PostureChange } from '../../src/posture/types.js';
import type { PostureStore } from '../../src/posture/store.js';

export const mac = (n: number) => `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
export const udid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`.toUpperCase();
export const serial = (n: number) => `C02X${String(n).padStart(6, '0')}`;

/** A fresh device object (the store may take it over as its record). */
export function device(n: number, compliant: boolean, extra: Partial<JamfDevice> = {}): JamfDevice {
  return {
    kind: 'computer', jamfId: String(n), udid: udid(n), macs: [mac(n), mac(n + 10_000)], serial: serial(n), name: `mac-${n}`,
    model: 'MacBook Pro', osVersion: '15.1', managed: true, lastInventory: '2026-11-20T10:00:00.000Z',
    compliantGroups: compliant ? ['Compliant Macs'] : [], ...extra,
  };
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'posture-')), 'p.db');
}

/** Every 'change' event from now on, as [udid or key, from, to, source]. */
export function recordEvents(store: PostureStore): { events: PostureChange[]; brief: () => string[][] } {
  const events: PostureChange[] = [];
  store.on('change', (e) => events.push(e));
  return { events, brief: () => events.map((e) => [e.udid ?? e.key, e.from, e.to, e.source]) };
}
