// A running server picking up a snapshot `portcullis jamf sync` (another process, another store) wrote into
// the same database, and the snapshot table itself.
import { describe, expect, it } from 'vitest';
import { parseJamfSection } from '../../src/jamf/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { PostureSnapshotStore } from '../../src/posture/persistence.js';
import { PostureService } from '../../src/posture/service.js';
import { PostureStore } from '../../src/posture/store.js';
import { openDatabase } from '../../src/store/db.js';
import { device, recordEvents, tempDbPath, udid } from './fixtures.js';

const HOUR = 3_600_000;

describe('reloading the persisted snapshot', () => {
  it('emits the differences once, and only takes the sync status over when the snapshot is the same', () => {
    const path = tempDbPath();
    const serverDb = openDatabase(path);
    const server = new PostureStore({ staleAfterMs: HOUR, persistence: new PostureSnapshotStore(serverDb) });
    server.applySnapshot([device(1, true), device(2, true), device(3, false)], 1);
    const cliDb = openDatabase(path);
    const cli = new PostureStore({ staleAfterMs: HOUR, persistence: new PostureSnapshotStore(cliDb) });
    cli.applySnapshot([device(1, true), device(2, false), device(4, true)], 1);

    const { brief } = recordEvents(server);
    expect(server.reloadFromPersistence()).toEqual({ reloaded: true, changes: 3 });
    expect(brief()).toEqual([
      [udid(2), 'compliant', 'non-compliant', 'poll'],
      [udid(4), 'unknown', 'compliant', 'poll'],
      [udid(3), 'non-compliant', 'unknown', 'poll'],
    ]);
    expect(server.byUdid(udid(4)).state).toBe('compliant');
    expect(server.meta.counts).toEqual({ computers: 3, mobiles: 0, compliant: 2, nonCompliant: 1 });

    cli.recordFailure('Jamf down', 7);
    expect(server.reloadFromPersistence()).toEqual({ reloaded: false, changes: 0 });
    expect(server.meta.lastError).toBe('Jamf down');
    expect(brief()).toHaveLength(3);
    for (const s of [server, cli]) s.close();
    serverDb.close();
    cliDb.close();
  });

  it('PostureService.reloadFromStore does the same for the server', async () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    process.env.PORTCULLIS_UNUSED_SECRET = 'unused';
    const jamf = parseJamfSection({ url: 'https://jamf.invalid', client_id: 'x', client_secret: { env: 'PORTCULLIS_UNUSED_SECRET' }, computer_groups: ['Compliant Macs'] }, '/').config;
    const service = new PostureService(jamf, { staleAfterSeconds: 3600, lookup: { perSecond: 1, negativeTtlSeconds: 60, maxQueue: 10 } }, db, silentLogger());
    service.store.applySnapshot([device(1, true)], 1);
    const cliDb = openDatabase(path);
    const cli = new PostureStore({ staleAfterMs: HOUR, persistence: new PostureSnapshotStore(cliDb) });
    cli.applySnapshot([device(1, false)], 1);
    const { brief } = recordEvents(service.store);
    expect(await service.reloadFromStore()).toEqual({ reloaded: true, changes: 1 });
    expect(brief()).toEqual([[udid(1), 'compliant', 'non-compliant', 'poll']]);
    expect(service.postureFor({ udid: udid(1) })?.state).toBe('non-compliant');
    service.close();
    cli.close();
    db.close();
    cliDb.close();
  });
});

describe('the snapshot table', () => {
  it('writes and reads back more rows than one insert batch holds, and leaves the page cache setting as it was', () => {
    const db = openDatabase(tempDbPath());
    const snapshot = new PostureSnapshotStore(db);
    const before = db.pragma('cache_size', { simple: true });
    const store = new PostureStore({ staleAfterMs: HOUR, persistence: snapshot });
    const fleet = Array.from({ length: 253 }, (_, i) => device(i + 1, i % 3 !== 0));
    store.applySnapshot(fleet, 1);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
    const back = snapshot.loadAll();
    expect(back).toHaveLength(253);
    // Device n is compliant unless (n - 1) is a multiple of 3: 43 is not.
    expect(back.find((r) => r.jamfId === '43')).toEqual({ ...device(43, false), key: udid(43), state: 'non-compliant', fetchedAt: store.byJamfId('computer', '43')!.fetchedAt });
    expect(back.filter((r) => r.state === 'compliant')).toHaveLength(168);
    store.close();
    db.close();
  });
});

describe('a snapshot that cannot be saved', () => {
  it('is still in force in memory, with its events; the error reaches the caller and the disk keeps the previous one', () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    class FullDisk extends PostureSnapshotStore {
      failing = false;
      override replaceAll(...args: Parameters<PostureSnapshotStore['replaceAll']>): void {
        if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
        super.replaceAll(...args);
      }
    }
    const disk = new FullDisk(db);
    const store = new PostureStore({ staleAfterMs: HOUR, persistence: disk });
    store.applySnapshot([device(1, true)], 1);
    const { brief } = recordEvents(store);
    disk.failing = true;
    expect(() => store.applySnapshot([device(1, false)], 1)).toThrow(/disk is full/);
    expect(store.byUdid(udid(1)).state).toBe('non-compliant');
    expect(brief()).toEqual([[udid(1), 'compliant', 'non-compliant', 'poll']]);
    expect(new PostureSnapshotStore(db).loadAll().map((r) => r.state)).toEqual(['compliant']);
    store.close();
    db.close();
  });
});

describe('taking device objects over as records', () => {
  it('keeps the objects it is given (no copy) and copies objects that already are records', () => {
    const store = new PostureStore({ staleAfterMs: HOUR });
    const fleet = [device(1, true), device(2, true)];
    store.applySnapshot(fleet, 1);
    expect(store.byJamfId('computer', '1')).toBe(fleet[0]);
    const { brief } = recordEvents(store);
    // The same objects again (now records): copied, so the store still sees what changed.
    fleet[1].compliantGroups = [];
    store.applySnapshot(fleet, 1);
    expect(brief()).toEqual([[udid(2), 'compliant', 'non-compliant', 'poll']]);
    expect(store.byJamfId('computer', '1')).not.toBe(fleet[0]);
    store.close();
  });
});
