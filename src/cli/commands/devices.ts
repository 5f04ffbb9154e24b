import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../../config/load.js';
import { PostureSnapshotStore } from '../../posture/persistence.js';
import { PostureStore } from '../../posture/store.js';
import type { DeviceRecord } from '../../posture/types.js';
import { openDatabase } from '../../store/db.js';
import { formatTable, isoMillis } from '../table.js';

// `portcullis devices list|show`: the Jamf snapshot the server persisted (or `jamf sync` wrote), read-only.

export const DEVICE_STATES = ['compliant', 'non-compliant', 'stale'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export interface SnapshotView {
  config: Config;
  store: PostureStore;
  snapshot: PostureSnapshotStore;
  close(): void;
}

/** Opens the persisted snapshot read-only; the store answers exactly as the server would after a restart. */
export function openSnapshot(configFile: string): SnapshotView {
  const config = loadConfig(configFile);
  if (!existsSync(config.store.path)) {
    throw new Error(`no database at ${config.store.path} yet: run "portcullis jamf sync -c ${configFile}" or start the server once`);
  }
  const db = openDatabase(config.store.path, { readonly: true });
  try {
    const snapshot = new PostureSnapshotStore(db);
    const store = new PostureStore({ staleAfterMs: config.posture.staleAfterSeconds * 1000, persistence: snapshot });
    return {
      config, store, snapshot, close: () => {
        store.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** What the server answers for this record now: stale when the last successful sync is too old. */
export function stateOf(store: PostureStore, r: DeviceRecord): DeviceState {
  return store.isStale ? 'stale' : r.state;
}

const byKindAndId = (a: DeviceRecord, b: DeviceRecord) =>
  a.kind.localeCompare(b.kind) || Number(a.jamfId) - Number(b.jamfId) || a.jamfId.localeCompare(b.jamfId);

function parseState(text: string | undefined): DeviceState | undefined {
  if (text === undefined) return undefined;
  if (!(DEVICE_STATES as readonly string[]).includes(text)) throw new Error(`--state must be one of ${DEVICE_STATES.join(', ')} (got "${text}")`);
  return text as DeviceState;
}

const asJson = (store: PostureStore, r: DeviceRecord) => ({ ...r, posture: stateOf(store, r) });

export function devicesList(configFile: string, o: { state?: string; json?: boolean }): void {
  const wanted = parseState(o.state);
  const view = openSnapshot(configFile);
  try {
    const rows = [...view.store.records()].filter((r) => !wanted || stateOf(view.store, r) === wanted).sort(byKindAndId);
    if (o.json) {
      process.stdout.write(`${JSON.stringify(rows.map((r) => asJson(view.store, r)), null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      process.stdout.write(view.store.size === 0 ? 'no devices: the snapshot is empty (run portcullis jamf sync)\n' : `no ${wanted} devices\n`);
      return;
    }
    process.stdout.write(`${formatTable(
      ['KIND', 'JAMF-ID', 'NAME', 'SERIAL', 'MACS', 'UDID', 'STATE', 'GROUPS'],
      rows.map((r) => [r.kind, r.jamfId, r.name, r.serial, r.macs.join(','), r.udid, stateOf(view.store, r), r.compliantGroups.join(',')]),
    )}\n`);
  } finally {
    view.close();
  }
}

export function devicesShow(configFile: string, id: string, o: { json?: boolean }): void {
  const view = openSnapshot(configFile);
  try {
    const r = view.store.find(id.trim());
    if (!r) {
      const last = view.store.meta.lastSuccessAt;
      throw new Error(`no device with MAC or UDID "${id}" in the snapshot (${view.store.size} devices, last sync ${last ? isoMillis(last) : 'never'})`);
    }
    if (o.json) {
      process.stdout.write(`${JSON.stringify(asJson(view.store, r), null, 2)}\n`);
      return;
    }
    const state = stateOf(view.store, r);
    const fields: [string, string | undefined][] = [
      ['state', state === 'stale' ? `stale (last known ${r.state}: no successful Jamf sync for too long)` : state],
      ['kind', r.kind],
      ['jamf id', r.jamfId],
      ['name', r.name],
      ['udid', r.udid],
      ['provisioning udid', r.provisioningUdid],
      ['serial', r.serial],
      ['macs', r.macs.join(', ')],
      ['model', r.model],
      ['os version', r.osVersion],
      ['managed', r.managed ? 'yes' : 'no'],
      ['compliant groups', r.compliantGroups.length ? r.compliantGroups.join(', ') : 'none of the configured groups'],
      ['last inventory', r.lastInventory],
      ['fetched', isoMillis(r.fetchedAt)],
    ];
    const width = Math.max(...fields.map(([k]) => k.length));
    process.stdout.write(`${fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v || '-'}`).join('\n')}\n`);
  } finally {
    view.close();
  }
}
