import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EapDecodeError, EapErrorCode } from '../../../src/eap/errors.js';
import { decodeEapTlsFrame, encodeEapTlsFrame, isEapTlsAck } from '../../../src/eap/tls/framing.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('EAP-TLS frame (RFC 5216 §3.1)', () => {
  it('decodes a Start (S flag, no data)', () => {
    expect(decodeEapTlsFrame(hex('20'))).toEqual({ lengthIncluded: false, moreFragments: false, start: true, version: 0, data: Buffer.alloc(0) });
  });

  it('decodes L + M with the 4-octet TLS Message Length', () => {
    const f = decodeEapTlsFrame(hex('c0 00000abc 160301'));
    expect(f).toMatchObject({ lengthIncluded: true, moreFragments: true, start: false, messageLength: 0xabc });
    expect(f.data).toEqual(hex('160301'));
  });

  it('keeps the TTLS/PEAP version bits apart and ignores reserved bits', () => {
    expect(decodeEapTlsFrame(hex('21')).version).toBe(1);
    const reserved = decodeEapTlsFrame(hex('18 aa'));
    expect(reserved).toMatchObject({ start: false, moreFragments: false, lengthIncluded: false, version: 0 });
    expect(reserved.data).toEqual(hex('aa'));
  });

  it.each([
    ['no flags octet', ''],
    ['L set but the length is cut', '80 0000'],
  ])('rejects %s', (_n, input) => {
    try {
      decodeEapTlsFrame(hex(input));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EapDecodeError);
      expect((err as EapDecodeError).code).toBe(EapErrorCode.TlsFrameTruncated);
    }
  });

  it('encodes exactly the flags it is given', () => {
    expect(encodeEapTlsFrame({ start: true })).toEqual(hex('20'));
    expect(encodeEapTlsFrame({ start: true, version: 0 })).toEqual(hex('20'));
    expect(encodeEapTlsFrame({})).toEqual(hex('00'));
    expect(encodeEapTlsFrame({ moreFragments: true, messageLength: 3000, data: hex('1603') })).toEqual(hex('c0 00000bb8 1603'));
    expect(encodeEapTlsFrame({ data: hex('17') })).toEqual(hex('00 17'));
  });

  it('round-trips arbitrary frames', () => {
    fc.assert(
      fc.property(
        fc.record({
          start: fc.boolean(),
          moreFragments: fc.boolean(),
          messageLength: fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }),
          version: fc.integer({ min: 0, max: 7 }),
          data: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
        }),
        (input) => {
          const f = decodeEapTlsFrame(encodeEapTlsFrame(input));
          expect(f.start).toBe(input.start);
          expect(f.moreFragments).toBe(input.moreFragments);
          expect(f.messageLength).toBe(input.messageLength);
          expect(f.version).toBe(input.version);
          expect(f.data).toEqual(input.data);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('treats an empty frame without M or S as an ACK', () => {
    expect(isEapTlsAck(decodeEapTlsFrame(hex('00')))).toBe(true);
    expect(isEapTlsAck(decodeEapTlsFrame(hex('01')))).toBe(true); // version bits do not matter
    expect(isEapTlsAck(decodeEapTlsFrame(hex('40')))).toBe(false);
    expect(isEapTlsAck(decodeEapTlsFrame(hex('20')))).toBe(false);
    expect(isEapTlsAck(decodeEapTlsFrame(hex('00 16')))).toBe(false);
  });

  it('never throws anything but EapDecodeError (bounded fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
        try {
          decodeEapTlsFrame(Buffer.from(bytes));
        } catch (err) {
          if (!(err instanceof EapDecodeError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
