import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { SessionStore, type AccountingEvent } from '../../src/store/sessions.js';

const START = 1;
const STOP = 2;
const INTERIM = 3;

function store() {
  const db = openDatabase(':memory:');
  return { db, sessions: new SessionStore(db) };
}

const event = (statusType: number, eventTime: number, extra: Partial<AccountingEvent> = {}): AccountingEvent => ({
  nasName: 'ap-1', nasIp: '10.0.0.1', nasIdentifier: 'ap-01', statusType, acctSessionId: 'S1',
  userName: 'alice', callingStationId: 'AA-BB-CC-00-00-01', mac: 'aa:bb:cc:00:00:01', eventTime, ...extra,
});

describe('SessionStore Interim-Update', () => {
  it('refreshes an open session: counters, time, framed IP; started_at stays', () => {
    const { sessions } = store();
    expect(sessions.apply(event(START, 1000))).toBe(1);
    expect(sessions.apply(event(INTERIM, 1600, { sessionTime: 600, inputOctets: 10, outputOctets: 20, inputPackets: 1, outputPackets: 2, framedIp: '10.1.0.5', interimInterval: 600 }))).toBe(1);
    const [row] = sessions.list();
    expect(row).toMatchObject({ status: 'open', started_at: 1000, updated_at: 1600, session_time: 600, input_octets: 10, output_octets: 20,
      input_packets: 1, output_packets: 2, framed_ip: '10.1.0.5', interim_interval: 600, mac: 'aa:bb:cc:00:00:01', user_name: 'alice' });
  });

  it('never moves counters or updated_at backwards (a late, reordered Interim)', () => {
    const { sessions } = store();
    sessions.apply(event(START, 1000));
    sessions.apply(event(INTERIM, 2200, { inputOctets: 500, outputOctets: 900 }));
    sessions.apply(event(INTERIM, 1600, { inputOctets: 100, outputOctets: 200 }));
    expect(sessions.list()[0]).toMatchObject({ updated_at: 2200, input_octets: 500, output_octets: 900 });
  });

  it('keeps what an Interim leaves out (no MAC, no user)', () => {
    const { sessions } = store();
    sessions.apply(event(START, 1000));
    sessions.apply(event(INTERIM, 1600, { mac: undefined, callingStationId: undefined, userName: undefined }));
    expect(sessions.list()[0]).toMatchObject({ mac: 'aa:bb:cc:00:00:01', calling_station_id: 'AA-BB-CC-00-00-01', user_name: 'alice', updated_at: 1600 });
    expect(sessions.list({ mac: 'aa:bb:cc:00:00:01' })).toHaveLength(1);
  });

  it('takes a MAC the Start did not have, or a new one, and finds the session by it', () => {
    const { sessions } = store();
    sessions.apply(event(START, 1000, { mac: undefined, callingStationId: undefined }));
    expect(sessions.apply(event(INTERIM, 1600))).toBe(1);
    expect(sessions.list({ mac: 'aa:bb:cc:00:00:01' })).toHaveLength(1);
    expect(sessions.apply(event(INTERIM, 2200, { mac: 'aa:bb:cc:00:00:02', callingStationId: 'AA-BB-CC-00-00-02' }))).toBe(1);
    expect(sessions.list({ mac: 'aa:bb:cc:00:00:01' })).toHaveLength(0);
    expect(sessions.list({ mac: 'aa:bb:cc:00:00:02' })[0]).toMatchObject({ updated_at: 2200, calling_station_id: 'AA-BB-CC-00-00-02' });
  });

  it('opens a session it never saw start (the Start was lost), dated back by Acct-Session-Time', () => {
    const { sessions } = store();
    expect(sessions.apply(event(INTERIM, 5000, { sessionTime: 1200, inputOctets: 7 }))).toBe(1);
    expect(sessions.list()[0]).toMatchObject({ status: 'open', started_at: 3800, updated_at: 5000, input_octets: 7 });
  });

  it('does not touch or reopen a closed session', () => {
    const { sessions } = store();
    sessions.apply(event(START, 1000));
    sessions.apply(event(STOP, 3000, { sessionTime: 2000, inputOctets: 50, terminateCause: 'User-Request' }));
    expect(sessions.apply(event(INTERIM, 2500, { inputOctets: 999 }))).toBe(0);
    expect(sessions.list({ status: 'closed' })[0]).toMatchObject({ status: 'closed', stopped_at: 3000, updated_at: 3000, input_octets: 50, terminate_cause: 'User-Request' });
  });

  it('keeps sessions of different NAS identities apart', () => {
    const { sessions } = store();
    sessions.apply(event(START, 1000));
    sessions.apply(event(INTERIM, 1600, { nasIdentifier: 'ap-02', inputOctets: 5 }));
    const rows = sessions.list();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.nas_identifier === 'ap-01')).toMatchObject({ input_octets: 0, updated_at: 1000 });
    expect(rows.find((r) => r.nas_identifier === 'ap-02')).toMatchObject({ input_octets: 5, status: 'open' });
  });
});
