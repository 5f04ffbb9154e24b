import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CryptoBinding,
  PeapTlvError,
  TLV_LIMITS,
  compoundMac,
  cryptoBindingTlv,
  decodePeapTlvs,
  encodePeapTlvs,
  findCryptoBinding,
  findResult,
  restoreInnerEapHeader,
  resultTlv,
  stripInnerEapHeader,
  unsupportedMandatoryTlvs,
  verifyCompoundMac,
} from '../../../src/eap/methods/peap-tlv.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

const binding: CryptoBinding = {
  version: 0,
  recvVersion: 0,
  subType: 0,
  nonce: Buffer.alloc(32, 0x11),
  compoundMac: Buffer.alloc(20, 0x22),
};

describe('Result TLV ([MS-PEAP] §2.2.8.1.2)', () => {
  it('success and failure on the wire: M bit, type 3, length 2', () => {
    expect(encodePeapTlvs([resultTlv('success')])).toEqual(hex('8003 0002 0001'));
    expect(encodePeapTlvs([resultTlv('failure')])).toEqual(hex('8003 0002 0002'));
  });

  it('reads the status back, with or without the M bit, ignoring the R bit', () => {
    expect(findResult(decodePeapTlvs(hex('8003 0002 0001')))).toBe('success');
    expect(findResult(decodePeapTlvs(hex('0003 0002 0002')))).toBe('failure');
    expect(findResult(decodePeapTlvs(hex('C003 0002 0001')))).toBe('success');
    expect(findResult(decodePeapTlvs(hex('000C 0000')))).toBeUndefined();
  });

  it.each([
    ['status 0', '8003 0002 0000'],
    ['status 3', '8003 0002 0003'],
    ['value of 3 bytes', '8003 0003 000100'],
    ['value of 1 byte', '8003 0001 01'],
  ])('a malformed Result TLV (%s) is a typed error', (_name, wire) => {
    const err = caught(() => findResult(decodePeapTlvs(hex(wire))));
    expect(err).toBeInstanceOf(PeapTlvError);
    expect(err).toMatchObject({ code: 'ERR_PEAP_TLV_BAD_RESULT' });
  });
});

describe('Cryptobinding TLV ([MS-PEAP] §2.2.8.1.1)', () => {
  it('layout: M clear, type 12, length 56, Reserved/Version/RecvVersion/SubType, Nonce, Compound_MAC', () => {
    const wire = encodePeapTlvs([cryptoBindingTlv({ ...binding, subType: 1 })]);
    expect(wire).toHaveLength(60);
    expect(wire.subarray(0, 8)).toEqual(hex('000C 0038 00 00 00 01'));
    expect(wire.subarray(8, 40)).toEqual(binding.nonce);
    expect(wire.subarray(40)).toEqual(binding.compoundMac);
  });

  it('round trips', () => {
    const tlvs = decodePeapTlvs(encodePeapTlvs([resultTlv('success'), cryptoBindingTlv(binding)]));
    expect(findCryptoBinding(tlvs)).toEqual(binding);
    expect(findResult(tlvs)).toBe('success');
  });

  it('is absent → undefined; wrong length → typed error', () => {
    expect(findCryptoBinding(decodePeapTlvs(hex('8003 0002 0001')))).toBeUndefined();
    const err = caught(() => findCryptoBinding(decodePeapTlvs(hex(`000C 0037 ${'00'.repeat(55)}`))));
    expect(err).toMatchObject({ code: 'ERR_PEAP_TLV_BAD_CRYPTO_BINDING' });
  });

  it('refuses to encode a short nonce or an out-of-range version', () => {
    expect(caught(() => cryptoBindingTlv({ ...binding, nonce: Buffer.alloc(31) }))).toBeInstanceOf(PeapTlvError);
    expect(caught(() => cryptoBindingTlv({ ...binding, version: 256 }))).toBeInstanceOf(PeapTlvError);
  });

  it('Compound_MAC = HMAC-SHA1(CMK, TLV with zeroed MAC ‖ 0x19) ([MS-PEAP] §3.1.5.5.1)', () => {
    const cmk = Buffer.alloc(20, 0x5a);
    // The 61 input bytes built by hand: header, 4 version bytes, nonce, 20 zero bytes, PEAP type 25.
    const input = Buffer.concat([hex('000C 0038 00000000'), binding.nonce, Buffer.alloc(20), hex('19')]);
    const expected = createHmac('sha1', cmk).update(input).digest();
    expect(compoundMac(cmk, binding)).toEqual(expected);
    // The MAC already in the TLV does not feed into its own computation.
    expect(compoundMac(cmk, { ...binding, compoundMac: Buffer.alloc(20, 0xff) })).toEqual(expected);
  });

  it('verifyCompoundMac accepts the right MAC and rejects a changed MAC, nonce or key', () => {
    const cmk = Buffer.alloc(20, 0x5a);
    const signed = { ...binding, subType: 1, compoundMac: compoundMac(cmk, { ...binding, subType: 1 }) };
    expect(verifyCompoundMac(cmk, signed)).toBe(true);
    const badMac = Buffer.from(signed.compoundMac);
    badMac[19] ^= 1;
    expect(verifyCompoundMac(cmk, { ...signed, compoundMac: badMac })).toBe(false);
    expect(verifyCompoundMac(cmk, { ...signed, nonce: Buffer.alloc(32, 0x12) })).toBe(false);
    expect(verifyCompoundMac(Buffer.alloc(20, 0x5b), signed)).toBe(false);
    expect(verifyCompoundMac(cmk, { ...signed, compoundMac: Buffer.alloc(19) })).toBe(false);
  });
});

describe('TLV list decoding', () => {
  it('keeps unknown TLVs and reports the mandatory ones as unsupported', () => {
    const tlvs = decodePeapTlvs(hex('8003 0002 0001  8007 0001 AA  0009 0000'));
    expect(tlvs).toEqual([
      { type: 3, mandatory: true, value: hex('0001') },
      { type: 7, mandatory: true, value: hex('AA') },
      { type: 9, mandatory: false, value: Buffer.alloc(0) },
    ]);
    expect(unsupportedMandatoryTlvs(tlvs)).toEqual([tlvs[1]]);
    expect(unsupportedMandatoryTlvs(tlvs, [3, 7])).toEqual([]);
  });

  it('decodes an empty list', () => {
    expect(decodePeapTlvs(Buffer.alloc(0))).toEqual([]);
  });

  const cases: [string, Buffer, string, number][] = [
    ['header cut short', hex('8003 00'), 'ERR_PEAP_TLV_TRUNCATED_HEADER', 0],
    ['value past the end', hex('8003 0004 0001'), 'ERR_PEAP_TLV_OVERFLOW', 0],
    ['second TLV cut short', hex('8003 0002 0001 80'), 'ERR_PEAP_TLV_TRUNCATED_HEADER', 6],
    ['input over the size limit', Buffer.alloc(TLV_LIMITS.maxInputBytes + 1), 'ERR_PEAP_TLV_INPUT_TOO_LARGE', 0],
    [
      'more TLVs than the limit',
      Buffer.concat(Array.from({ length: TLV_LIMITS.maxTlvs + 1 }, () => hex('0009 0000'))),
      'ERR_PEAP_TLV_TOO_MANY',
      TLV_LIMITS.maxTlvs * 4,
    ],
  ];
  for (const [name, input, code, offset] of cases) {
    it(`malformed: ${name}`, () => {
      const err = caught(() => decodePeapTlvs(input));
      expect(err).toBeInstanceOf(PeapTlvError);
      expect(err).toMatchObject({ code, offset });
    });
  }

  it('the error message has a fixed form', () => {
    expect((caught(() => decodePeapTlvs(hex('8003 0004 0001'))) as Error).message).toBe(
      'Cannot decode PEAP TLVs (TLV length runs past the end of the data) at offset 0',
    );
  });

  it('random bytes never raise anything but PeapTlvError, through decode and lookups (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (bytes) => {
        const err = caught(() => {
          const tlvs = decodePeapTlvs(bytes);
          findResult(tlvs);
          findCryptoBinding(tlvs);
        });
        expect(err === undefined || err instanceof PeapTlvError).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('TLV lists survive encode → decode (property)', () => {
    const tlv = fc.record({
      type: fc.integer({ min: 0, max: 0x3fff }),
      mandatory: fc.boolean(),
      value: fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
    });
    fc.assert(
      fc.property(fc.array(tlv, { maxLength: 10 }), (tlvs) => {
        expect(decodePeapTlvs(encodePeapTlvs(tlvs))).toEqual(tlvs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('PEAPv0 inner EAP header compression', () => {
  // EAP-Response/Identity "alice", Identifier 7.
  const identityResponse = hex('02 07 000A 01 616C696365');
  // EAP-Request/EAP-TLV carrying a success Result TLV, Identifier 9.
  const tlvRequest = hex('01 09 000B 21 8003 0002 0001');

  it('strips the 4-byte header from ordinary inner packets', () => {
    expect(stripInnerEapHeader(identityResponse)).toEqual(hex('01 616C696365'));
  });

  it('keeps the header on EAP-TLV (type 33) packets', () => {
    expect(stripInnerEapHeader(tlvRequest)).toEqual(tlvRequest);
  });

  it('restores the header from the outer packet’s code and identifier', () => {
    expect(restoreInnerEapHeader(hex('01 616C696365'), { code: 2, identifier: 7 })).toEqual(identityResponse);
  });

  it('leaves a complete EAP-TLV packet as it is', () => {
    const tlvResponse = hex('02 09 000B 21 8003 0002 0001');
    expect(restoreInnerEapHeader(tlvResponse, { code: 2, identifier: 9 })).toEqual(tlvResponse);
  });

  it('adds a header to a headerless EAP-TLV payload', () => {
    expect(restoreInnerEapHeader(hex('21 8003 0002 0001'), { code: 2, identifier: 9 })).toEqual(
      hex('02 09 000B 21 8003 0002 0001'),
    );
  });

  // A headerless payload whose Type equals the EAP Code (Identity request / Notification response)
  // could in theory look like a full EAP-TLV packet; real peers never send such payloads, so the
  // property leaves those two combinations out.
  it('strip then restore gives back the original packet (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 254 }).filter((t) => t !== 33),
        fc.uint8Array({ maxLength: 60 }),
        (code, identifier, type, data) => {
          fc.pre(type !== code);
          const packet = Buffer.alloc(5 + data.length);
          packet[0] = code;
          packet[1] = identifier;
          packet.writeUInt16BE(packet.length, 2);
          packet[4] = type;
          packet.set(data, 5);
          expect(restoreInnerEapHeader(stripInnerEapHeader(packet), { code, identifier })).toEqual(packet);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('too short or too long inner packets are typed errors', () => {
    expect(caught(() => stripInnerEapHeader(hex('03 01 0004')))).toMatchObject({
      code: 'ERR_PEAP_INNER_EAP_TOO_SHORT',
    });
    expect(caught(() => restoreInnerEapHeader(Buffer.alloc(0), { code: 2, identifier: 1 }))).toMatchObject({
      code: 'ERR_PEAP_INNER_EAP_TOO_SHORT',
    });
    expect(caught(() => restoreInnerEapHeader(Buffer.alloc(0xfffc), { code: 2, identifier: 1 }))).toMatchObject({
      code: 'ERR_PEAP_INNER_EAP_TOO_LONG',
    });
  });
});
