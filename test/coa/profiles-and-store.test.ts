import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES, coaRecord, coaSessionFromRow, type CoaActionResult } from '../../src/coa/index.js';
import { identificationAttributes } from '../../src/coa/request-attributes.js';
import { VENDOR_PROFILES } from '../../src/config/schema.js';
import { encodeAttribute } from '../../src/radius/index.js';
import { openDatabase } from '../../src/store/db.js';
import { SessionStore } from '../../src/store/sessions.js';
import { dict, session } from './helpers.js';

describe('vendor profiles', () => {
  it('exist for every vendor the config accepts, and every attribute they send is in the dictionaries', () => {
    expect(Object.keys(PROFILES).sort()).toEqual([...VENDOR_PROFILES].sort());
    for (const p of Object.values(PROFILES)) {
      if (p.reauthenticate.kind === 'coa') for (const a of p.reauthenticate.attributes) expect(() => encodeAttribute(dict, a.name, a.value)).not.toThrow();
    }
  });

  it('hostapd gets only attributes its DAS accepts (anything else is NAK 401)', () => {
    // hostapd 2.10 radius_das.c: User-Name, NAS-IP-Address, Calling-Station-Id, NAS-Identifier, Acct-Session-Id,
    // Acct-Multi-Session-Id, Event-Timestamp, Message-Authenticator, Chargeable-User-Identity, NAS-IPv6-Address.
    const accepted = new Set([1, 4, 31, 32, 44, 50, 55, 80, 89, 95]);
    const full = { ...session, multiSessionId: 'M1', nasPortId: 'eth0', framedIp: '10.0.0.9' };
    for (const a of identificationAttributes(PROFILES.hostapd, full)) expect(accepted.has(a.type)).toBe(true);
    expect(PROFILES.hostapd).toMatchObject({ reauthenticate: { kind: 'disconnect' }, attributeCoa: false });
  });

  it('Cisco and Meraki reauthenticate with Cisco-AVPair subscriber:command=reauthenticate', () => {
    for (const p of [PROFILES.cisco, PROFILES.meraki]) {
      expect(p.reauthenticate).toEqual({ kind: 'coa', attributes: [{ name: 'Cisco-AVPair', value: 'subscriber:command=reauthenticate' }] });
    }
  });
});

describe('last CoA result on the session', () => {
  const result: CoaActionResult = {
    kind: 'ack', attempts: 1, ms: 3, action: 'reauthenticate', sent: 'disconnect', target: '10.0.0.1:3799',
    steps: [
      { message: 'coa-reauthenticate', outcome: { kind: 'nak', attempts: 1, ms: 1, errorCause: 401, errorCauseText: 'Unsupported Attribute (401)' } },
      { message: 'disconnect', outcome: { kind: 'ack', attempts: 1, ms: 2 } },
    ],
  };

  it('is recorded per session with time, action, outcome and every step; the row still addresses the NAS', () => {
    const db = openDatabase(':memory:');
    const store = new SessionStore(db);
    store.apply({ nasName: 'ap-1', nasIp: '10.0.0.1', nasIdentifier: 'ap-01', statusType: 1, acctSessionId: 'S1', callingStationId: 'AA-BB-CC-00-00-01', mac: 'aa:bb:cc:00:00:01', userName: 'alice', eventTime: 1000 });
    const [row] = store.list();
    expect(store.recordCoa(row.id, coaRecord(result, 1_700_000_000_000))).toBe(1);
    expect(store.list()[0]).toMatchObject({
      coa_at: 1_700_000_000_000, coa_action: 'reauthenticate', coa_result: 'ack', coa_error_cause: null,
      coa_detail: 'coa-reauthenticate: NAK Unsupported Attribute (401); disconnect: ACK',
    });
    expect(coaSessionFromRow(store.list()[0])).toEqual({
      nasIp: '10.0.0.1', nasIdentifier: 'ap-01', acctSessionId: 'S1', callingStationId: 'AA-BB-CC-00-00-01', mac: 'aa:bb:cc:00:00:01',
      userName: 'alice', multiSessionId: undefined, nasPortId: undefined, framedIp: undefined,
    });
    expect(store.recordCoa(999, coaRecord(result))).toBe(0);
  });

  it('a store not yet upgraded (read by an older-running server\'s CLI) lists sessions with no last CoA', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'portcullis-coa-store-')), 'p.db');
    const db = openDatabase(path);
    new SessionStore(db).apply({ nasName: 'sw', nasIp: '10.0.0.2', nasIdentifier: '', statusType: 1, acctSessionId: 'OLD', eventTime: 1 });
    db.exec('DROP TABLE session_coa');
    db.close();
    const readonly = openDatabase(path, { readonly: true });
    expect(new SessionStore(readonly).list()[0]).toMatchObject({ acct_session_id: 'OLD', coa_at: null, coa_result: null });
    readonly.close();
  });
});

describe('stale accounting sessions', () => {
  it('closes an open session after 2.5 interim intervals without an update, and leaves live and interval-less ones open', async () => {
    const { openDatabase } = await import('../../src/store/db.js');
    const { SessionStore } = await import('../../src/store/sessions.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'portcullis-expire-')), 'db.sqlite'), { synchronous: 'normal' });
    const store = new SessionStore(db);
    const base = { nasName: 'sw', nasIp: '10.0.0.1', nasIdentifier: 'sw', statusType: 1 };
    db.transaction(() => {
      store.apply({ ...base, acctSessionId: 'stale', eventTime: 1000, interimInterval: 60 });
      store.apply({ ...base, acctSessionId: 'live', eventTime: 1100, interimInterval: 60 });
      store.apply({ ...base, acctSessionId: 'no-interval', eventTime: 1000 });
    })();
    expect(store.expireStale(1000 + 150)).toBe(0); // exactly 2.5 intervals: not yet
    expect(store.expireStale(1000 + 151)).toBe(1);
    const rows = store.list({ limit: 10 });
    expect(rows.find((r) => r.acct_session_id === 'stale')).toMatchObject({ status: 'closed', stopped_at: 1000, terminate_cause: 'Expired (no Interim-Update for 2.5 intervals)' });
    expect(rows.filter((r) => r.status === 'open').map((r) => r.acct_session_id).sort()).toEqual(['live', 'no-interval']);
    db.close();
  });
});
