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

const packet = (id: number, authByte: number) => {
  const p = Buffer.alloc(20);
  p[0] = 1;
  p[1] = id;
  p.fill(authByte, 4, 20);
  return p;
};

describe('DuplicateCache (RFC 5080)', () => {
  it('new → in-flight → answered with the cached bytes; expires after the window', () => {
    let now = 0;
    const cache = new DuplicateCache(30_000, () => now);
    const key = DuplicateCache.key('10.0.0.1', 5000, packet(7, 1));
    expect(cache.check(key).kind).toBe('new');
    expect(cache.check(key).kind).toBe('in-flight');
    cache.complete(key, Buffer.from('reply'));
    now = 29_000;
    expect(cache.check(key)).toEqual({ kind: 'answered', reply: Buffer.from('reply') });
    now = 60_000;
    expect(cache.check(key).kind).toBe('new');
  });

  it('forgets a request whose processing failed so the retransmission is processed', () => {
    const cache = new DuplicateCache(30_000);
    const key = DuplicateCache.key('10.0.0.1', 5000, packet(1, 1));
    cache.check(key);
    cache.forget(key);
    expect(cache.check(key).kind).toBe('new');
  });

  it('a new authenticator on the same Identifier is a new request that replaces the old one', () => {
    const cache = new DuplicateCache(30_000);
    const first = DuplicateCache.key('10.0.0.1', 5000, packet(9, 1));
    const second = DuplicateCache.key('10.0.0.1', 5000, packet(9, 2));
    cache.check(first);
    cache.complete(first, Buffer.from('a'));
    expect(cache.check(second).kind).toBe('new');
    expect(cache.check(first).kind).toBe('new');
  });

  it('keeps one entry per source, port, code and Identifier: memory is bounded at any request rate', () => {
    const cache = new DuplicateCache(30_000);
    for (let i = 0; i < 10_000; i++) {
      const key = DuplicateCache.key('10.0.0.1', 5000 + ((i >> 8) % 4), packet(i % 256, i >> 8));
      cache.check(key);
      cache.complete(key, Buffer.alloc(20));
    }
    expect(cache.size).toBe(4 * 256);
  });

  it('tells requests apart by source address, port and code, not only by Identifier and authenticator', () => {
    const cache = new DuplicateCache(30_000);
    const statusServer = packet(1, 1);
    statusServer[0] = 12;
    const keys = [
      DuplicateCache.key('10.0.0.1', 1, packet(1, 1)),
      DuplicateCache.key('10.0.0.1', 2, packet(1, 1)),
      DuplicateCache.key('10.0.0.1', 65_535, packet(1, 1)),
      DuplicateCache.key('10.0.0.2', 1, packet(1, 1)),
      DuplicateCache.key('10.0.0.1', 1, statusServer),
    ];
    for (const key of keys) expect(cache.check(key).kind).toBe('new');
    for (const key of keys) expect(cache.check(key).kind).toBe('in-flight');
    expect(cache.size).toBe(keys.length);
  });

  it('a retransmission differing in any authenticator byte is a new request', () => {
    const cache = new DuplicateCache(30_000);
    const original = packet(5, 0x11);
    const key = DuplicateCache.key('10.0.0.1', 5000, original);
    cache.check(key);
    cache.complete(key, Buffer.from('reply'));
    for (let i = 4; i < 20; i++) {
      const changed = Buffer.from(original);
      changed[i] ^= 0x80;
      // Each changed request replaces the slot's entry, so the original comes back as new too.
      expect(cache.check(DuplicateCache.key('10.0.0.1', 5000, changed)).kind, `byte ${i}`).toBe('new');
      expect(cache.check(key).kind).toBe('new');
      cache.complete(key, Buffer.from('reply'));
      expect(cache.check(key)).toEqual({ kind: 'answered', reply: Buffer.from('reply') });
    }
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
