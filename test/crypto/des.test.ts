import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desEncrypt, expandDesKey } from '../../src/crypto/des.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

/** Drops the parity bit of each byte of an 8-byte DES key: the 7-byte form RFC 2759 passes around. */
function compressKey(key8: Buffer): Buffer {
  let bits = 0n;
  for (const byte of key8) bits = (bits << 7n) | BigInt(byte >> 1);
  return Buffer.from(bits.toString(16).padStart(14, '0'), 'hex');
}

function popcount(n: number): number {
  let ones = 0;
  for (let b = n; b !== 0; b >>= 1) ones += b & 1;
  return ones;
}

describe('expandDesKey', () => {
  // RFC 2759 §9.3 "Examples of DES Key Generation" (password "MyPw").
  it.each([
    ['FC 15 6A F7 ED CD 6C', 'FD 0B 5B 5E 7F 6E 34 D9'],
    ['0E DD E3 33 7D 42 7F', '0E 6E 79 67 37 EA 08 FE'],
    ['4E AC 00 00 00 00 00', '4F 57 01 01 01 01 01 01'],
  ])('RFC 2759 §9.3: %s → %s', (raw, corrected) => {
    expect(expandDesKey(hex(raw))).toEqual(hex(corrected));
  });

  it('gives every byte odd parity and loses no key bit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 7, maxLength: 7 }), (raw) => {
        const key8 = expandDesKey(raw);
        expect([...key8].every((b) => popcount(b) % 2 === 1)).toBe(true);
        expect(compressKey(key8)).toEqual(Buffer.from(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects keys that are not 7 bytes', () => {
    expect(() => expandDesKey(Buffer.alloc(8))).toThrow(RangeError);
  });
});

describe('desEncrypt (single DES via des-ede3-ecb with K‖K‖K)', () => {
  // Classic single-DES known answers, keys given in their 8-byte form.
  it.each([
    ['01 23 45 67 89 AB CD EF', '4E 6F 77 20 69 73 20 74', '3F A4 0E 8A 98 4D 48 15'],
    ['7C A1 10 45 4A 1A 6E 57', '01 A1 D6 D0 39 77 67 42', '69 0F 5B 0D 9A 26 93 9B'],
    ['01 31 D9 61 9D C1 37 6E', '5C D5 4C A8 3D EF 57 DA', '7A 38 9D 10 35 4B D2 71'],
  ])('key %s, clear %s → %s', (key8, clear, cypher) => {
    expect(desEncrypt(hex(clear), compressKey(hex(key8)))).toEqual(hex(cypher));
  });

  it('rejects blocks that are not 8 bytes', () => {
    expect(() => desEncrypt(Buffer.alloc(7), Buffer.alloc(7))).toThrow(RangeError);
  });
});
