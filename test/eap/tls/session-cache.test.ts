import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TlsSessionCache } from '../../../src/eap/tls/session-cache.js';
import { makeTestPki } from '../../support/pki.js';
import { fullHandshake, type FullHandshake } from './resumption-harness.js';

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

describe('TlsSessionCache: sessions kept for fast resumption', () => {
  const pki = makeTestPki();
  let full: FullHandshake;
  beforeAll(async () => {
    full = await fullHandshake(pki);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a checked client certificate only with a readable TLS 1.2 session it holds', () => {
    const c = new TlsSessionCache(10, 60);
    expect(c.attachPeer(full.sessionId, full.peer)).toBe(false); // not stored
    c.set(full.sessionId, full.sessionDer);
    expect(c.resumable(full.sessionId)).toBeUndefined();
    expect(c.attachPeer(full.sessionId, full.peer)).toBe(true);
    expect(c.resumable(full.sessionId)).toMatchObject({ peer: full.peer, session: { sessionId: full.sessionId, extendedMasterSecret: true } });
    c.set(id(2), Buffer.from('not a session'));
    expect(c.attachPeer(id(2), full.peer)).toBe(false);
    // Stored under another ID than its own: refused.
    c.set(id(3), full.sessionDer);
    expect(c.attachPeer(id(3), full.peer)).toBe(false);
  });

  it('forgets a session on delete and at the end of its lifetime', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = new TlsSessionCache(10, 60);
    c.set(full.sessionId, full.sessionDer);
    c.attachPeer(full.sessionId, full.peer);
    vi.setSystemTime(Date.now() + 61_000);
    expect(c.resumable(full.sessionId)).toBeUndefined();
    c.set(full.sessionId, full.sessionDer);
    c.attachPeer(full.sessionId, full.peer);
    c.delete(full.sessionId);
    expect(c.resumable(full.sessionId)).toBeUndefined();
    expect(c.get(full.sessionId)).toBeUndefined();
  });
});
