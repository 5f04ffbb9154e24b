import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/log/secret.js';
import type { NasClientConfig } from '../../../src/config/load.js';
import { ClientTable } from '../../../src/radius/server/clients.js';
import { RateLimitedLog } from '../../../src/radius/server/counters.js';
import { DuplicateCache } from '../../../src/radius/server/dedupe.js';

const client = (name: string, ...nets: string[]): NasClientConfig => ({
  name,
  networks: nets.map((n) => {
    const [address, bits] = n.split('/');
    const family = address.includes(':') ? 6 : 4;
    return { address, prefix: bits ? Number(bits) : family === 4 ? 32 : 128, family };
  }),
  secret: new Secret('s', 'inline'), coaSecret: new Secret('s', 'inline'), vendor: 'generic', labels: [], coaPort: 3799,
  requireMessageAuthenticator: true,
});

describe('ClientTable', () => {
  const table = new ClientTable([client('campus', '10.0.0.0/8'), client('building', '10.1.0.0/16'), client('ap', '10.1.2.3'), client('v6', '2001:db8::/32')]);
  it('picks the exact address, then the most specific CIDR', () => {
    expect(table.find('10.1.2.3')?.name).toBe('ap');
    expect(table.find('10.1.9.9')?.name).toBe('building');
    expect(table.find('10.200.0.1')?.name).toBe('campus');
    expect(table.find('2001:db8:1::5')?.name).toBe('v6');
    expect(table.find('192.168.1.1')).toBeUndefined();
  });
  it('matches IPv4-mapped IPv6 sources from a dual-stack socket', () => {
    expect(table.find('::ffff:10.1.2.3')?.name).toBe('ap');
  });
});

describe('DuplicateCache (RFC 5080)', () => {
  it('new → in-flight → answered with the cached bytes; expires after the window', () => {
    let now = 0;
    const cache = new DuplicateCache(30_000, () => now);
    const key = 'k';
    expect(cache.check(key).kind).toBe('new');
    expect(cache.check(key).kind).toBe('in-flight');
    cache.complete(key, Buffer.from('reply'));
    now = 29_000;
    expect(cache.check(key)).toEqual({ kind: 'answered', reply: Buffer.from('reply') });
    now = 45_000;
    expect(cache.check(key).kind).toBe('answered'); // between one and two windows: still remembered
    now = 120_000;
    expect(cache.check(key).kind).toBe('new');
  });
  it('forgets a request whose processing failed so the retransmission is processed', () => {
    const cache = new DuplicateCache(30_000);
    cache.check('x');
    cache.forget('x');
    expect(cache.check('x').kind).toBe('new');
  });
  it('keys on source, port, code, identifier and authenticator', () => {
    const p = Buffer.alloc(20);
    const q = Buffer.from(p);
    q[10] = 1;
    expect(DuplicateCache.key('1.2.3.4', 1, p)).not.toBe(DuplicateCache.key('1.2.3.4', 1, q));
    expect(DuplicateCache.key('1.2.3.4', 1, p)).not.toBe(DuplicateCache.key('1.2.3.4', 2, p));
  });
});

describe('RateLimitedLog', () => {
  it('admits one line per key per minute and reports how many were suppressed', () => {
    let now = 0;
    const log = new RateLimitedLog(60_000, () => now);
    expect(log.admit('a')).toBe(0);
    expect(log.admit('a')).toBe(-1);
    expect(log.admit('a')).toBe(-1);
    expect(log.admit('b')).toBe(0);
    now = 61_000;
    expect(log.admit('a')).toBe(2);
  });
});
