import { describe, expect, it } from 'vitest';
import { decodeEapTlsFrame } from '../../../src/eap/tls/framing.js';
import { EAP_TLS_FRAGMENT_OVERHEAD, OutgoingTlsMessage, fragmentPayloadSize } from '../../../src/eap/tls/fragmentation.js';

describe('fragmentPayloadSize', () => {
  it('uses the configured size without Framed-MTU', () => {
    expect(fragmentPayloadSize(1024)).toBe(1024);
  });
  it('never exceeds what Framed-MTU allows once EAP/EAP-TLS/EAPOL headers are added', () => {
    expect(fragmentPayloadSize(1024, 1004)).toBe(1004 - EAP_TLS_FRAGMENT_OVERHEAD);
    expect(fragmentPayloadSize(1024, 1004) + EAP_TLS_FRAGMENT_OVERHEAD).toBeLessThanOrEqual(1004);
  });
  it('keeps the configured size when Framed-MTU is larger', () => {
    expect(fragmentPayloadSize(1024, 1500)).toBe(1024);
  });
  it('ignores bogus Framed-MTU values', () => {
    expect(fragmentPayloadSize(1024, 40)).toBe(1024);
    expect(fragmentPayloadSize(1024, 1000.5)).toBe(1024);
  });
});

describe('OutgoingTlsMessage', () => {
  it('puts L on the first fragment, M on all but the last, and keeps the bytes', () => {
    const message = Buffer.from(Array.from({ length: 2500 }, (_, i) => i & 0xff));
    const out = new OutgoingTlsMessage(message, 1000);
    const frames = [];
    while (!out.done) frames.push(decodeEapTlsFrame(out.next()));
    expect(frames.map((f) => [f.lengthIncluded, f.moreFragments, f.data.length])).toEqual([
      [true, true, 1000],
      [false, true, 1000],
      [false, false, 500],
    ]);
    expect(frames[0]!.messageLength).toBe(2500);
    expect(Buffer.concat(frames.map((f) => f.data))).toEqual(message);
  });

  it('sends a message that fits in one fragment without L or M', () => {
    const out = new OutgoingTlsMessage(Buffer.alloc(1000, 1), 1000);
    const f = decodeEapTlsFrame(out.next());
    expect([f.lengthIncluded, f.moreFragments, f.data.length, out.done]).toEqual([false, false, 1000, true]);
  });

  it('carries the version bits of TTLS/PEAP on every fragment', () => {
    const out = new OutgoingTlsMessage(Buffer.alloc(30), 10, 1);
    while (!out.done) expect(decodeEapTlsFrame(out.next()).version).toBe(1);
  });
});
