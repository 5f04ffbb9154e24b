import { describe, expect, it } from 'vitest';
import type { EapTlsFrame } from '../../../src/eap/tls/framing.js';
import { DEFAULT_MAX_TLS_MESSAGE_LENGTH, TlsMessageReassembler } from '../../../src/eap/tls/reassembly.js';

function frame(data: Buffer, opts: { more?: boolean; length?: number } = {}): EapTlsFrame {
  const f: EapTlsFrame = { lengthIncluded: opts.length !== undefined, moreFragments: opts.more ?? false, start: false, version: 0, data };
  if (opts.length !== undefined) f.messageLength = opts.length;
  return f;
}

describe('TlsMessageReassembler', () => {
  it('passes an unfragmented message through, with or without L', () => {
    const r = new TlsMessageReassembler();
    expect(r.add(frame(Buffer.from('abc')))).toEqual({ kind: 'complete', message: Buffer.from('abc') });
    expect(r.add(frame(Buffer.from('abc'), { length: 3 }))).toEqual({ kind: 'complete', message: Buffer.from('abc') });
  });

  it('joins fragments in order', () => {
    const r = new TlsMessageReassembler();
    expect(r.add(frame(Buffer.from('ab'), { more: true, length: 6 }))).toEqual({ kind: 'more' });
    expect(r.inProgress).toBe(true);
    expect(r.add(frame(Buffer.from('cd'), { more: true }))).toEqual({ kind: 'more' });
    expect(r.add(frame(Buffer.from('ef')))).toEqual({ kind: 'complete', message: Buffer.from('abcdef') });
    expect(r.inProgress).toBe(false);
  });

  it('copies fragment data (the RADIUS buffer may be reused)', () => {
    const r = new TlsMessageReassembler();
    const buf = Buffer.from('xy');
    r.add(frame(buf, { more: true, length: 3 }));
    buf.fill(0);
    const done = r.add(frame(Buffer.from('z')));
    expect(done).toEqual({ kind: 'complete', message: Buffer.from('xyz') });
  });

  it.each([
    ['an announced length over the 64 KiB cap', [frame(Buffer.from('a'), { more: true, length: DEFAULT_MAX_TLS_MESSAGE_LENGTH + 1 })], /exceeds the 65536-octet limit/],
    ['a first fragment with M but no L', [frame(Buffer.from('a'), { more: true })], /no TLS Message Length/],
    ['more data than announced', [frame(Buffer.from('abc'), { more: true, length: 4 }), frame(Buffer.from('de'))], /more than the announced 4/],
    ['less data than announced', [frame(Buffer.from('ab'), { more: true, length: 5 }), frame(Buffer.from('c'))], /ended after 3 of 5/],
    ['a changed length', [frame(Buffer.from('ab'), { more: true, length: 5 }), frame(Buffer.from('c'), { more: true, length: 6 })], /changed/],
    ['an empty middle fragment', [frame(Buffer.from('ab'), { more: true, length: 5 }), frame(Buffer.alloc(0), { more: true })], /empty fragment/],
  ])('fails on %s', (_name, frames, reason) => {
    const r = new TlsMessageReassembler();
    let last: ReturnType<TlsMessageReassembler['add']> | undefined;
    for (const f of frames) last = r.add(f);
    expect(last?.kind).toBe('error');
    expect(last && 'reason' in last ? last.reason : '').toMatch(reason);
    expect(r.inProgress).toBe(false);
  });

  it('caps the reassembled length even when no L is repeated', () => {
    const r = new TlsMessageReassembler(1000);
    expect(r.add(frame(Buffer.alloc(600), { more: true, length: 1000 }))).toEqual({ kind: 'more' });
    const res = r.add(frame(Buffer.alloc(600), { more: true }));
    expect(res).toMatchObject({ kind: 'error', reason: expect.stringMatching(/1000-octet limit/) });
  });
});
