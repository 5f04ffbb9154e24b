// Which device a SET subject names (RFC 9493 formats; the CAEP spec's complex device + tenant shape), and the
// bounded replay cache and work queue the receiver relies on.
import { describe, expect, it } from 'vitest';
import { ReplayCache } from '../../src/push/replay-cache.js';
import { classifyIdentifier, deviceFromSubject } from '../../src/push/ssf/subjects.js';
import { WorkQueue } from '../../src/push/work-queue.js';

const UDID = '246F2E58-14C0-5684-AB92-6BCAF5D73838';

describe('SET subjects → device', () => {
  it('classifies an identifier by its shape', () => {
    expect(classifyIdentifier(UDID.toLowerCase())).toEqual({ udid: UDID });
    expect(classifyIdentifier('00008030-001234567890001e')).toEqual({ udid: '00008030-001234567890001E' });
    expect(classifyIdentifier('0dad565fb40b010a9e490440188063a378721069')).toEqual({ udid: '0DAD565FB40B010A9E490440188063A378721069' });
    expect(classifyIdentifier('82:45:58:44:DC:01')).toEqual({ mac: '82:45:58:44:dc:01' });
    expect(classifyIdentifier('82-45-58-44-dc-01')).toEqual({ mac: '82:45:58:44:dc:01' });
    expect(classifyIdentifier('8245.5844.dc01')).toEqual({ mac: '82:45:58:44:dc:01' });
    // Twelve bare hex digits could be a serial (C02D12345678): taken as a serial, never guessed as a MAC.
    expect(classifyIdentifier('c02d12345678')).toEqual({ serial: 'C02D12345678' });
    expect(classifyIdentifier('C02G1234HASH')).toEqual({ serial: 'C02G1234HASH' });
    expect(classifyIdentifier('someone@example.com')).toEqual({});
  });

  it('reads simple, complex, alias and legacy subjects', () => {
    expect(deviceFromSubject({ format: 'opaque', id: UDID })).toEqual({ udid: UDID });
    expect(deviceFromSubject({ format: 'iss_sub', iss: 'https://jamf.example', sub: 'C02G1234HASH' })).toEqual({ serial: 'C02G1234HASH' });
    expect(deviceFromSubject({ subject_type: 'iss-sub', iss: 'https://jamf.example', sub: UDID })).toEqual({ udid: UDID });
    expect(deviceFromSubject({ format: 'uri', uri: `urn:jamf:udid:${UDID}` })).toEqual({ udid: UDID });
    expect(deviceFromSubject({ format: 'uri', uri: 'urn:example:mac:aa-bb-cc-dd-ee-ff' })).toEqual({ mac: 'aa:bb:cc:dd:ee:ff' });
    expect(deviceFromSubject({
      format: 'complex',
      user: { format: 'email', email: 'user@example.com' },
      device: { format: 'iss_sub', iss: 'https://idp.example.com/', sub: UDID },
      tenant: { format: 'opaque', id: 'acme' },
    })).toEqual({ udid: UDID });
    expect(deviceFromSubject({ format: 'complex', device: { udid: UDID, serial_number: 'C02G1234HASH', mac_address: 'AA:BB:CC:DD:EE:FF' } }))
      .toEqual({ udid: UDID, serial: 'C02G1234HASH', mac: 'aa:bb:cc:dd:ee:ff' });
    expect(deviceFromSubject({ format: 'aliases', identifiers: [{ format: 'email', email: 'a@b.c' }, { format: 'opaque', id: 'C02G1234HASH' }] }))
      .toEqual({ serial: 'C02G1234HASH' });
  });

  it('names no device for people, sessions and junk', () => {
    expect(deviceFromSubject({ format: 'email', email: 'user@example.com' })).toEqual({});
    expect(deviceFromSubject({ format: 'complex', user: { format: 'opaque', id: UDID }, session: { format: 'opaque', id: 'C02G1234HASH' } })).toEqual({});
    expect(deviceFromSubject('C02G1234HASH')).toEqual({});
    expect(deviceFromSubject(undefined)).toEqual({});
    let deep: Record<string, unknown> = { format: 'opaque', id: UDID };
    for (let i = 0; i < 20; i++) deep = { format: 'complex', device: deep };
    expect(deviceFromSubject(deep)).toEqual({});
  });
});

describe('ReplayCache', () => {
  it('remembers keys until they expire and stays within its capacity', () => {
    let now = 1000;
    const c = new ReplayCache({ capacity: 3, now: () => now });
    expect(c.claim('a', 2000)).toBe(true);
    expect(c.claim('a', 2000)).toBe(false);
    now = 2001;
    expect(c.claim('a', 3000)).toBe(true);
    for (const k of ['b', 'c', 'd', 'e']) c.claim(k, 10_000);
    expect(c.size).toBe(3);
    expect(c.has('e')).toBe(true);
    expect(c.has('a')).toBe(false); // the oldest went first
  });
});

describe('WorkQueue', () => {
  it('refuses a batch that does not fit, coalesces waiting keys and runs at most `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    const ran: string[] = [];
    const q = new WorkQueue({ capacity: 4, concurrency: 2, onError: () => {} });
    const job = (key: string) => ({
      key,
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        ran.push(key);
        running--;
      },
    });
    expect(q.tryAdd([job('a'), job('b'), job('c'), job('c')])).toBe(true);
    expect(q.tryAdd([job('c')])).toBe(true); // still waiting: coalesced, takes no room
    expect(q.tryAdd([job('d'), job('e')])).toBe(false);
    expect(q.size).toBe(3);
    await q.idle();
    expect(ran.sort()).toEqual(['a', 'b', 'c']);
    expect(peak).toBe(2);
  });

  it('keeps going after a job fails', async () => {
    const errors: string[] = [];
    const q = new WorkQueue({ capacity: 10, concurrency: 1, onError: (key) => errors.push(key) });
    let done = false;
    q.tryAdd([{ key: 'x', run: () => Promise.reject(new Error('boom')) }, { key: 'y', run: async () => { done = true; } }]);
    await q.idle();
    expect(errors).toEqual(['x']);
    expect(done).toBe(true);
  });
});
