import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttributeValue, type DataType, DATA_TYPES, RadiusDecodeError, RadiusEncodeError, decodeValue, encodeValue,
} from '../../src/radius/index.js';

// One round trip per dictionary data type: value → bytes → same value, and bytes → value → same bytes.

const hex = (h: string) => Buffer.from(h.replace(/ /g, ''), 'hex');

/** [type, value as we write it, its wire bytes, the value decoding gives back (when not the same)] */
const vectors: [DataType, AttributeValue, string, AttributeValue?][] = [
  ['string', 'bob', '626f62'],
  ['string', '', ''],
  ['string', 'Grüße ✓', '4772c3bc c39f6520 e29c93'],
  ['octets', hex('00ff7f80'), '00ff7f80'],
  ['octets', '0x00ff', '00ff', hex('00ff')],
  ['ipaddr', '192.168.1.16', 'c0a80110'],
  ['ipaddr', '0.0.0.0', '00000000'],
  ['ipaddr', '255.255.255.255', 'ffffffff'],
  ['ipv6addr', '2001:db8::1', '20010db8 00000000 00000000 00000001'],
  ['ipv6addr', '::', '00000000 00000000 00000000 00000000'],
  ['ipv6addr', 'fe80::1:2:3:4', 'fe800000 00000000 00010002 00030004'],
  // IPv4-mapped input is accepted; it comes back in hex groups (as the WHATWG URL serializer writes it).
  ['ipv6addr', '::ffff:192.0.2.1', '00000000 00000000 0000ffff c0000201', '::ffff:c000:201'],
  ['ipv6prefix', '2001:db8::/32', '0020 20010db8'],
  ['ipv6prefix', '::/0', '0000'],
  ['ipv6prefix', '2001:db8:0:1::/64', '0040 20010db8 00000001'],
  ['ipv6prefix', '2001:db8:a0::/44', '002c 20010db8 00a0'],
  ['ipv6prefix', '2001:db8::1/128', '0080 20010db8 00000000 00000000 00000001'],
  ['ifid', '0000:0000:0000:0001', '0000000000000001'],
  ['ifid', '0211:22ff:fe33:4455', '021122fffe334455'],
  ['integer', 0, '00000000'],
  ['integer', 0xffffffff, 'ffffffff'],
  ['integer', 3600, '00000e10'],
  ['date', 1_700_000_000, '6553f100'],
  ['integer64', 0n, '0000000000000000'],
  ['integer64', 0xffffffffffffffffn, 'ffffffffffffffff'],
  ['integer64', 5_000_000_000n, '000000012a05f200'],
  ['byte', 0, '00'],
  ['byte', 255, 'ff'],
  ['short', 0xbeef, 'beef'],
  ['signed', -1, 'ffffffff'],
  ['signed', -2147483648, '80000000'],
  ['signed', 2147483647, '7fffffff'],
  ['ether', '00:11:22:aa:bb:cc', '001122aabbcc'],
  ['ether', '00-11-22-AA-BB-CC', '001122aabbcc', '00:11:22:aa:bb:cc'],
];

describe('known encodings', () => {
  for (const [type, value, wire, back] of vectors) {
    it(`${type} ${String(Buffer.isBuffer(value) ? value.toString('hex') : value) || '(empty)'}`, () => {
      const bytes = encodeValue(type, value);
      expect(bytes.toString('hex')).toBe(wire.replace(/ /g, ''));
      expect(decodeValue(type, bytes)).toEqual(back ?? value);
      expect(encodeValue(type, decodeValue(type, bytes))).toEqual(bytes);
    });
  }

  it('covers every data type', () => {
    expect(new Set(vectors.map(([t]) => t))).toEqual(new Set(DATA_TYPES));
  });
});

/** Random wire bytes of one type, always valid for it. */
const validBytes: Record<DataType, fc.Arbitrary<Buffer>> = {
  // Strings round-trip byte for byte only when they are valid UTF-8.
  string: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => Buffer.from(s)).filter((b) => b.length <= 253),
  octets: fc.uint8Array({ maxLength: 253 }).map((a) => Buffer.from(a)),
  ipaddr: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from(a)),
  ipv6addr: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  ipv6prefix: fc.tuple(fc.integer({ min: 0, max: 128 }), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([bits, a]) => {
    // Shortest form with the bits past the prefix length zero (RFC 3162 §2.3).
    const prefix = Buffer.from(a.subarray(0, Math.ceil(bits / 8)));
    if (bits % 8) prefix[prefix.length - 1] &= 0xff << (8 - (bits % 8));
    return Buffer.concat([Buffer.from([0, bits]), prefix]);
  }),
  ifid: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a)),
  integer: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from(a)),
  date: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from(a)),
  signed: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from(a)),
  integer64: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a)),
  byte: fc.uint8Array({ minLength: 1, maxLength: 1 }).map((a) => Buffer.from(a)),
  short: fc.uint8Array({ minLength: 2, maxLength: 2 }).map((a) => Buffer.from(a)),
  ether: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((a) => Buffer.from(a)),
};

describe('random round trips: encode(decode(bytes)) == bytes and decode(encode(value)) == value', () => {
  for (const type of DATA_TYPES) {
    it(type, () => {
      fc.assert(
        fc.property(validBytes[type], (bytes) => {
          const value = decodeValue(type, bytes);
          expect(encodeValue(type, value)).toEqual(bytes);
          expect(decodeValue(type, encodeValue(type, value))).toEqual(value);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('numbers across their whole range', () => {
    const ranges: [DataType, number, number][] = [
      ['integer', 0, 0xffffffff], ['date', 0, 0xffffffff], ['signed', -0x80000000, 0x7fffffff], ['short', 0, 0xffff], ['byte', 0, 0xff],
    ];
    for (const [type, min, max] of ranges) {
      fc.assert(fc.property(fc.integer({ min, max }), (n) => decodeValue(type, encodeValue(type, n)) === n), { numRuns: 300 });
    }
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), (n) => decodeValue('integer64', encodeValue('integer64', n)) === n),
      { numRuns: 300 },
    );
  });
});

function decodeErrorOf(type: DataType, bytes: Buffer): unknown {
  try {
    decodeValue(type, bytes);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('wrong lengths are refused with ERR_RADIUS_BAD_VALUE', () => {
  const fixed: [DataType, number][] = [
    ['ipaddr', 4], ['ipv6addr', 16], ['ifid', 8], ['integer', 4], ['date', 4], ['signed', 4], ['integer64', 8],
    ['byte', 1], ['short', 2], ['ether', 6],
  ];
  for (const [type, size] of fixed) {
    it(`${type} (only ${size} octets)`, () => {
      for (let length = 0; length <= 20; length++) {
        if (length === size) continue;
        const err = decodeErrorOf(type, Buffer.alloc(length, 0x41));
        expect(err, `${type} of ${length} octets`).toBeInstanceOf(RadiusDecodeError);
        expect((err as RadiusDecodeError).code).toBe('ERR_RADIUS_BAD_VALUE');
      }
    });
  }

  it('ipv6prefix: too short, too long, prefix length over 128, prefix bytes missing', () => {
    for (const bad of ['', '00', '0080' + '00'.repeat(17), '0081' + '00'.repeat(16), '0040 20010db8 000000', '0009']) {
      const err = decodeErrorOf('ipv6prefix', hex(bad));
      expect(err, bad).toBeInstanceOf(RadiusDecodeError);
      expect((err as RadiusDecodeError).code).toBe('ERR_RADIUS_BAD_VALUE');
    }
  });
});

describe('ipv6prefix sends zeros past the prefix length (RFC 3162 §2.3)', () => {
  it('clears host bits inside the last prefix octet', () => {
    expect(encodeValue('ipv6prefix', '2001:db8:0:f::/60')).toEqual(hex('003c 20010db8 00000000'));
    expect(encodeValue('ipv6prefix', '2001:db8:ffff::/33')).toEqual(hex('0021 20010db8 80'));
  });
});

describe('values that cannot be encoded are refused with RadiusEncodeError', () => {
  const bad: [DataType, AttributeValue][] = [
    ['ipaddr', '1.2.3'], ['ipaddr', '256.0.0.1'], ['ipaddr', 'host.example'],
    ['ipv6addr', 'gggg::1'], ['ipv6addr', '1:2:3'], ['ipv6prefix', '2001:db8::/129'], ['ipv6prefix', 'x/64'],
    ['integer', -1], ['integer', 0x100000000], ['integer', 1.5], ['integer', 'abc'],
    ['signed', 0x80000000], ['short', 0x10000], ['byte', 256], ['integer64', -1n], ['integer64', 0x10000000000000000n],
    ['integer64', 'lots'], ['ether', '00:11:22:33:44'], ['ether', 'zz:11:22:33:44:55'], ['ifid', '0000:0000:0001'],
  ];
  for (const [type, value] of bad) {
    it(`${type} ${String(value)}`, () => {
      expect(() => encodeValue(type, value)).toThrow(RadiusEncodeError);
    });
  }
});

describe('IPv6 text is canonical (RFC 5952)', () => {
  const canonical = (text: string) => decodeValue('ipv6addr', encodeValue('ipv6addr', text));
  const cases: [string, string][] = [
    ['2001:0db8::0001', '2001:db8::1'], // §4.1 leading zeros
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'], // §4.2.1 shorten as much as possible
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2 not for one 16-bit 0 field
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3 the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3 the first of equal runs
    ['2001:DB8::AB', '2001:db8::ab'], // §4.3 lower case
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => expect(canonical(input)).toBe(expected));
  }

  it('matches the WHATWG URL serializer on random zero-heavy addresses', () => {
    // Groups are 0 half the time so that runs of every length and position come up.
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const bytes = Buffer.alloc(16);
        groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
        const ours = decodeValue('ipv6addr', bytes) as string;
        expect(`[${ours}]`).toBe(new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname);
        expect(encodeValue('ipv6addr', ours)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
