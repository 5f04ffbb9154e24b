import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EapCode,
  EapType,
  decodeEapPacket,
  eapPacketLength,
  encodeEapPacket,
  type EapPacket,
} from '../../src/eap/codec.js';
import { EapDecodeError, EapError, EapErrorCode } from '../../src/eap/errors.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('decodeEapPacket', () => {
  it('reads an EAP-Response/Identity (RFC 3748 §4.1 layout)', () => {
    // 02 = Response, id 0x2a, length 0x000c (12), type 1, "host/ab"
    const p = decodeEapPacket(hex('02 2a 000c 01 686f73742f6162'));
    expect(p).toEqual({ code: EapCode.Response, identifier: 0x2a, type: EapType.Identity, data: Buffer.from('host/ab') });
  });

  it('reads Success and Failure (Length 4, no data)', () => {
    expect(decodeEapPacket(hex('03 07 0004'))).toEqual({ code: EapCode.Success, identifier: 7 });
    expect(decodeEapPacket(hex('04 08 0004'))).toEqual({ code: EapCode.Failure, identifier: 8 });
  });

  it('ignores octets past the Length field (link-layer padding)', () => {
    const p = decodeEapPacket(hex('02 01 0006 0d 00 ffffffff'));
    expect(p).toEqual({ code: EapCode.Response, identifier: 1, type: EapType.Tls, data: hex('00') });
  });

  it.each([
    ['empty', '', EapErrorCode.Truncated],
    ['3 octets', '02 01 00', EapErrorCode.Truncated],
    ['Length below the header', '02 01 0003 01', EapErrorCode.BadLength],
    ['Length past the buffer', '02 01 0009 01 41', EapErrorCode.BadLength],
    ['unknown Code 5', '05 01 0005 01', EapErrorCode.UnknownCode],
    ['Code 0', '00 01 0004', EapErrorCode.UnknownCode],
    ['Response without Type', '02 01 0004', EapErrorCode.MissingType],
    ['Request without Type', '01 01 0004', EapErrorCode.MissingType],
    ['Success with data', '03 01 0005 00', EapErrorCode.BadLength],
  ])('rejects %s with %s', (_name, input, code) => {
    let thrown: unknown;
    try {
      decodeEapPacket(hex(input));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EapDecodeError);
    expect((thrown as EapDecodeError).code).toBe(code);
  });

  it('never throws anything but EapDecodeError (bounded fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeEapPacket(Buffer.from(bytes));
        } catch (err) {
          if (!(err instanceof EapDecodeError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('encodeEapPacket', () => {
  const samples: EapPacket[] = [
    { code: EapCode.Request, identifier: 0, type: EapType.Identity, data: Buffer.alloc(0) },
    { code: EapCode.Request, identifier: 255, type: EapType.Tls, data: hex('20') },
    { code: EapCode.Response, identifier: 9, type: EapType.Nak, data: hex('15 19') },
    { code: EapCode.Success, identifier: 3 },
    { code: EapCode.Failure, identifier: 4 },
  ];

  it.each(samples.map((p) => [p]))('round-trips %o', (packet) => {
    const bytes = encodeEapPacket(packet);
    expect(bytes.length).toBe(eapPacketLength(packet));
    expect(bytes.readUInt16BE(2)).toBe(bytes.length);
    expect(decodeEapPacket(bytes)).toEqual(packet);
    expect(encodeEapPacket(decodeEapPacket(bytes))).toEqual(bytes);
  });

  it('writes the exact bytes of an EAP-Request/EAP-TLS Start', () => {
    expect(encodeEapPacket({ code: EapCode.Request, identifier: 0x11, type: EapType.Tls, data: hex('20') })).toEqual(hex('01 11 0006 0d 20'));
  });

  it('refuses a packet over 65535 octets', () => {
    const packet: EapPacket = { code: EapCode.Request, identifier: 1, type: EapType.Tls, data: Buffer.alloc(65531) };
    expect(() => encodeEapPacket(packet)).toThrowError(EapError);
    try {
      encodeEapPacket(packet);
    } catch (err) {
      expect((err as EapError).code).toBe(EapErrorCode.TooLong);
    }
  });
});
