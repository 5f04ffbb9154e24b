import { afterEach, describe, expect, it, vi } from 'vitest';
import { TlsSessionCache } from '../../../src/eap/tls/session-cache.js';

const id = (n: number): Buffer => Buffer.from([n]);

describe('TlsSessionCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns what was stored under the session ID', () => {
    const c = new TlsSessionCache(10, 60);
    c.set(id(1), Buffer.from('a'));
    expect(c.get(id(1))).toEqual(Buffer.from('a'));
    expect(c.get(id(2))).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const c = new TlsSessionCache(2, 60);
    c.set(id(1), Buffer.from('a'));
    c.set(id(2), Buffer.from('b'));
    c.set(id(3), Buffer.from('c'));
    expect([c.size, c.get(id(1)), c.get(id(3))]).toEqual([2, undefined, Buffer.from('c')]);
  });

  it('forgets entries after the lifetime', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = new TlsSessionCache(10, 60);
    c.set(id(1), Buffer.from('a'));
    vi.setSystemTime(Date.now() + 61_000);
    expect(c.get(id(1))).toBeUndefined();
    expect(c.size).toBe(0);
  });
});
