import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AVP_LIMITS,
  AvpCode,
  type DiameterAvp,
  TtlsAvpError,
  avpEncodingLength,
  decodeAvps,
  encodeAvp,
  encodeAvps,
  findEapMessage,
  findUserName,
  findUserPassword,
  radiusAvp,
  unsupportedMandatoryAvps,
} from '../../../src/eap/methods/ttls-avp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('wire format (RFC 5281 §10.1)', () => {
  it('User-Name "bob": M bit, Length 11 without padding, one zero pad byte', () => {
    const bytes = encodeAvp(radiusAvp(AvpCode.UserName, 'bob'));
    expect(bytes).toEqual(hex('00000001 40 00000B 626F62 00'));
  });

  it('vendor AVP: V and M bits, Vendor-ID after the header, Length 16 needs no padding', () => {
    const avp: DiameterAvp = { code: 11, vendorId: 311, mandatory: true, data: hex('01020304') };
    expect(encodeAvp(avp)).toEqual(hex('0000000B C0 000010 00000137 01020304'));
  });

  it('non-mandatory, no vendor, empty data: flags 0, Length 8', () => {
    expect(encodeAvp({ code: 18, mandatory: false, data: Buffer.alloc(0) })).toEqual(hex('00000012 00 000008'));
  });

  it('decodes hand-built AVPs with padding between them', () => {
    const wire = hex('00000001 40 00000B 616C69 00  00000002 40 00000E 7365637265 74 0000');
    expect(decodeAvps(wire)).toEqual([
      { code: 1, mandatory: true, data: Buffer.from('ali') },
      { code: 2, mandatory: true, data: Buffer.from('secret') },
    ]);
  });

  it('accepts a last AVP without its padding (as hostapd does)', () => {
    expect(decodeAvps(hex('00000001 40 00000B 626F62'))).toEqual([
      { code: 1, mandatory: true, data: Buffer.from('bob') },
    ]);
  });

  it('ignores the reserved flag bits', () => {
    expect(decodeAvps(hex('00000001 7F 000009 41 000000'))).toEqual([
      { code: 1, mandatory: true, data: Buffer.from('A') },
    ]);
  });

  it('decodes from a view with a non-zero byteOffset', () => {
    const outer = Buffer.concat([hex('FFFF'), encodeAvp(radiusAvp(AvpCode.UserName, 'x'))]);
    expect(decodeAvps(outer.subarray(2))).toEqual([{ code: 1, mandatory: true, data: Buffer.from('x') }]);
  });
});

describe('round trips', () => {
  const samples: DiameterAvp[] = [
    radiusAvp(AvpCode.UserName, 'alice@example.org'),
    radiusAvp(AvpCode.UserPassword, Buffer.alloc(16)),
    { code: 79, mandatory: true, data: hex('0201000501') },
    { code: 26, vendorId: 0, mandatory: false, data: Buffer.from('v0') },
    { code: 0xffffffff, vendorId: 0xffffffff, mandatory: true, data: Buffer.alloc(0) },
  ];

  for (let len = 0; len <= 5; len++) {
    samples.push({ code: 100 + len, mandatory: len % 2 === 0, data: Buffer.alloc(len, 0xaa) });
  }

  it('decode(encode(avps)) gives the same AVPs, and lengths add up', () => {
    const wire = encodeAvps(samples);
    expect(wire.length % 4).toBe(0);
    expect(wire.length).toBe(samples.reduce((n, avp) => n + avpEncodingLength(avp), 0));
    expect(decodeAvps(wire)).toEqual(samples);
  });

  it('any list of AVPs survives encode → decode (property)', () => {
    const avp = fc.record(
      {
        code: fc.integer({ min: 0, max: 0xffffffff }),
        vendorId: fc.integer({ min: 0, max: 0xffffffff }),
        mandatory: fc.boolean(),
        data: fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
      },
      { requiredKeys: ['code', 'mandatory', 'data'] },
    );
    fc.assert(
      fc.property(fc.array(avp, { maxLength: 12 }), (avps) => {
        expect(decodeAvps(encodeAvps(avps))).toEqual(avps);
      }),
      { numRuns: 300 },
    );
  });
});

describe('malformed input gives TtlsAvpError', () => {
  const cases: [string, Buffer, string, number][] = [
    ['header cut short', hex('00000001 40 00'), 'ERR_TTLS_AVP_TRUNCATED_HEADER', 0],
    ['Length below the header size', hex('00000001 40 000007 00'), 'ERR_TTLS_AVP_BAD_LENGTH', 0],
    ['V bit but no room for a Vendor-ID', hex('00000001 80 00000A 0000 0000'), 'ERR_TTLS_AVP_BAD_LENGTH', 0],
    ['Length past the end', hex('00000001 40 000010 626F62'), 'ERR_TTLS_AVP_OVERFLOW', 0],
    ['second AVP cut short', hex('00000001 40 00000C 626F6262 000000'), 'ERR_TTLS_AVP_TRUNCATED_HEADER', 12],
    ['second AVP overflows', hex('00000001 40 000009 41 000000 00000002 40 00FFFF 00'), 'ERR_TTLS_AVP_OVERFLOW', 12],
    ['input over the size limit', Buffer.alloc(AVP_LIMITS.maxInputBytes + 1), 'ERR_TTLS_AVP_INPUT_TOO_LARGE', 0],
    [
      'more AVPs than the limit',
      Buffer.concat(Array.from({ length: AVP_LIMITS.maxAvps + 1 }, () => hex('00000012 00 000008'))),
      'ERR_TTLS_AVP_TOO_MANY',
      AVP_LIMITS.maxAvps * 8,
    ],
  ];

  for (const [name, input, code, offset] of cases) {
    it(name, () => {
      const err = caught(() => decodeAvps(input));
      expect(err).toBeInstanceOf(TtlsAvpError);
      expect(err).toMatchObject({ code, offset });
    });
  }

  it('the message names the problem and the offset, never the data', () => {
    const err = caught(() => decodeAvps(hex('00000002 40 000010 73656372')));
    expect((err as Error).message).toBe(
      'Cannot decode TTLS AVPs (AVP length runs past the end of the data) at offset 0',
    );
  });

  it('exactly maxAvps AVPs are fine', () => {
    const wire = Buffer.concat(Array.from({ length: AVP_LIMITS.maxAvps }, () => hex('00000012 00 000008')));
    expect(decodeAvps(wire)).toHaveLength(AVP_LIMITS.maxAvps);
  });

  it('random bytes never raise anything but TtlsAvpError (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const err = caught(() => decodeAvps(bytes));
        expect(err === undefined || err instanceof TtlsAvpError).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid AVP lists never raise anything but TtlsAvpError (property)', () => {
    const base = encodeAvps([
      radiusAvp(AvpCode.UserName, 'bob'),
      { code: 11, vendorId: 311, mandatory: true, data: Buffer.alloc(5) },
      radiusAvp(AvpCode.UserPassword, 'pw'),
    ]);
    fc.assert(
      fc.property(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bytes = Buffer.from(base);
        bytes[at] = byte;
        const err = caught(() => decodeAvps(bytes));
        expect(err === undefined || err instanceof TtlsAvpError).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('encode rejects what cannot be encoded', () => {
  it.each([
    ['negative code', { code: -1, mandatory: true, data: Buffer.alloc(0) }, 'ERR_TTLS_AVP_BAD_FIELD'],
    ['code above 2^32-1', { code: 2 ** 32, mandatory: true, data: Buffer.alloc(0) }, 'ERR_TTLS_AVP_BAD_FIELD'],
    ['fractional vendor', { code: 1, vendorId: 1.5, mandatory: true, data: Buffer.alloc(0) }, 'ERR_TTLS_AVP_BAD_FIELD'],
    ['data over 24-bit Length', { code: 1, mandatory: true, data: Buffer.alloc(0xffffff - 7) }, 'ERR_TTLS_AVP_TOO_LONG'],
  ])('%s', (_name, avp, code) => {
    const err = caught(() => encodeAvp(avp));
    expect(err).toBeInstanceOf(TtlsAvpError);
    expect(err).toMatchObject({ code });
  });
});

describe('inner PAP helpers', () => {
  it('User-Name and User-Password as a TTLS/PAP peer sends them (password NUL-padded to 16)', () => {
    const padded = Buffer.concat([Buffer.from('s3cret'), Buffer.alloc(10)]);
    const avps = decodeAvps(encodeAvps([radiusAvp(1, 'alice'), radiusAvp(2, padded)]));
    expect(findUserName(avps)).toBe('alice');
    expect(findUserPassword(avps)).toEqual(Buffer.from('s3cret'));
  });

  it('a password without padding, an empty one, and a missing one', () => {
    expect(findUserPassword([radiusAvp(2, 'exactly-sixteen!')])).toEqual(Buffer.from('exactly-sixteen!'));
    expect(findUserPassword([radiusAvp(2, Buffer.alloc(16))])).toEqual(Buffer.alloc(0));
    expect(findUserPassword([radiusAvp(1, 'alice')])).toBeUndefined();
    expect(findUserName([])).toBeUndefined();
  });

  it('does not mistake a vendor AVP with the same code for a RADIUS attribute', () => {
    const avps: DiameterAvp[] = [{ code: 1, vendorId: 311, mandatory: false, data: Buffer.from('vendor') }];
    expect(findUserName(avps)).toBeUndefined();
    expect(findUserName([{ code: 1, vendorId: 0, mandatory: true, data: Buffer.from('v0') }])).toBe('v0');
  });

  it('joins EAP-Message AVPs in order', () => {
    const avps = [radiusAvp(79, hex('0205000a')), radiusAvp(1, 'x'), radiusAvp(79, hex('01616263'))];
    expect(findEapMessage(avps)).toEqual(hex('0205000a01616263'));
    expect(findEapMessage([radiusAvp(1, 'x')])).toBeUndefined();
  });
});

describe('unsupported mandatory AVPs (RFC 5281: fail the negotiation)', () => {
  it('reports unknown M-bit AVPs, ignores unknown optional ones', () => {
    const msChapChallenge: DiameterAvp = { code: 11, vendorId: 311, mandatory: true, data: Buffer.alloc(16) };
    const optional: DiameterAvp = { code: 4242, mandatory: false, data: Buffer.alloc(1) };
    const avps = [radiusAvp(1, 'a'), radiusAvp(2, 'b'), radiusAvp(79, hex('02')), msChapChallenge, optional];
    expect(unsupportedMandatoryAvps(avps)).toEqual([msChapChallenge]);
  });

  it('takes the caller’s idea of what is known', () => {
    const avps = [radiusAvp(1, 'a'), radiusAvp(2, 'b')];
    expect(unsupportedMandatoryAvps(avps, (avp) => avp.code === 1)).toEqual([radiusAvp(2, 'b')]);
  });
});
