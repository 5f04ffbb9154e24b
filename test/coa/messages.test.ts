import { createHash, createHmac } from 'node:crypto';
import radius from 'radius';
import { describe, expect, it } from 'vitest';
import { CoaRequestCode, ErrorCause, encodeCoaRequest, errorCauseText, verifyCoaReply } from '../../src/coa/index.js';
import { signedReply } from '../support/test-nas.js';

// Disconnect-/CoA-Request encoding and reply verification (RFC 5176 §2.3, §3.1, §3.5; RFC 3579 §3.2).

const SECRET = 'coa-unit-secret-0123';
const secret = Buffer.from(SECRET);
const TS = 1_700_000_000;
const text = (type: number, s: string) => ({ type, value: Buffer.from(s) });
const attrs = [
  { type: 4, value: Buffer.from([127, 0, 0, 1]) },
  text(44, '5F3A2B1C0D9E8F70'),
  text(31, '02-00-00-00-80-01'),
];

/** The request written out byte by byte from the RFCs, signed with node:crypto only. */
function handMade(code: number, id: number): Buffer {
  const body = Buffer.concat([
    Buffer.from([80, 18]), Buffer.alloc(16), // Message-Authenticator, zero while signing
    Buffer.from([4, 6, 127, 0, 0, 1]),
    Buffer.from([44, 18]), Buffer.from('5F3A2B1C0D9E8F70'),
    Buffer.from([31, 19]), Buffer.from('02-00-00-00-80-01'),
    Buffer.from([55, 6]), Buffer.from([0x65, 0x53, 0xf1, 0x00]), // Event-Timestamp 1700000000
  ]);
  const pkt = Buffer.concat([Buffer.from([code, id, 0, 0]), Buffer.alloc(16), body]);
  pkt.writeUInt16BE(pkt.length, 2);
  createHmac('md5', secret).update(pkt).digest().copy(pkt, 22); // MA: Authenticator field zero (RFC 5176 §3.1)
  createHash('md5').update(pkt).update(secret).digest().copy(pkt, 4); // Request Authenticator over the zeroed field
  return pkt;
}

describe('encodeCoaRequest', () => {
  it('matches a Disconnect-Request built by hand from RFC 5176 / RFC 3579: MA first, Event-Timestamp last, both authenticators', () => {
    const ours = encodeCoaRequest({ code: CoaRequestCode.Disconnect, identifier: 42, attributes: attrs, eventTimestamp: TS }, secret);
    expect(ours.toString('hex')).toBe(handMade(40, 42).toString('hex'));
  });

  it('signs a CoA-Request (43) the same way', () => {
    const ours = encodeCoaRequest({ code: CoaRequestCode.Coa, identifier: 7, attributes: attrs, eventTimestamp: TS }, secret);
    expect(ours.toString('hex')).toBe(handMade(43, 7).toString('hex'));
  });

  it('gives the same bytes as the npm radius package for the same attributes (oracle for the Request Authenticator)', () => {
    const ours = encodeCoaRequest({ code: CoaRequestCode.Disconnect, identifier: 9, attributes: attrs, eventTimestamp: TS }, secret);
    // The oracle signs a request whose Message-Authenticator it is handed as a plain attribute: MD5 over the zeroed field.
    const oracle = radius.encode({
      code: 'Disconnect-Request', identifier: 9, secret: SECRET,
      attributes: [['Message-Authenticator', ours.subarray(22, 38)], ['NAS-IP-Address', '127.0.0.1'], ['Acct-Session-Id', '5F3A2B1C0D9E8F70'],
        ['Calling-Station-Id', '02-00-00-00-80-01'], ['Event-Timestamp', new Date(TS * 1000)]],
    });
    expect(ours.toString('hex')).toBe(oracle.toString('hex'));
    const decoded = radius.decode_without_secret({ packet: ours });
    expect(decoded.code).toBe('Disconnect-Request');
    expect(decoded.attributes).toMatchObject({ 'Acct-Session-Id': '5F3A2B1C0D9E8F70', 'Calling-Station-Id': '02-00-00-00-80-01', 'NAS-IP-Address': '127.0.0.1' });
    expect((decoded.attributes['Event-Timestamp'] as Date).getTime()).toBe(TS * 1000);
  });

  it('drops a caller-supplied Message-Authenticator or Event-Timestamp instead of sending two', () => {
    const ours = encodeCoaRequest({ code: 40, identifier: 1, eventTimestamp: TS, attributes: [...attrs, { type: 80, value: Buffer.alloc(16, 1) }, { type: 55, value: Buffer.alloc(4) }] }, secret);
    expect(ours.toString('hex')).toBe(encodeCoaRequest({ code: 40, identifier: 1, eventTimestamp: TS, attributes: attrs }, secret).toString('hex'));
  });
});

describe('verifyCoaReply', () => {
  const request = encodeCoaRequest({ code: CoaRequestCode.Disconnect, identifier: 42, attributes: attrs, eventTimestamp: TS }, secret);
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

  it('accepts an ACK and a NAK signed like hostapd (MA over the Request Authenticator), with the Error-Cause', () => {
    expect(verifyCoaReply(signedReply(request, 41, [], secret), request, secret)).toEqual({ ok: true, reply: { kind: 'ack', code: 41, errorCause: undefined } });
    const nak = signedReply(request, 42, [{ type: 101, value: u32(503) }], secret);
    expect(verifyCoaReply(nak, request, secret)).toEqual({ ok: true, reply: { kind: 'nak', code: 42, errorCause: 503 } });
  });

  it('accepts replies from the npm radius package (oracle), with and without Message-Authenticator', () => {
    const req = radius.decode_without_secret({ packet: request });
    const nak = radius.encode_response({ packet: req, code: 'Disconnect-NAK', secret: SECRET, attributes: [['Error-Cause', 503]] });
    expect(nak.includes(Buffer.from([80, 18]))).toBe(true);
    expect(verifyCoaReply(nak, request, secret)).toMatchObject({ ok: true, reply: { kind: 'nak', errorCause: 503 } });
    // (The oracle's own verify_response cannot be used: it checks a request's MA with the authenticator filled in.)
    const plain = radius.encode_response({ packet: { ...req, attributes: {} }, code: 'Disconnect-ACK', secret: SECRET, attributes: [] });
    expect(plain.toString('hex')).toBe(signedReply(request, 41, [], secret, { withMa: false }).toString('hex'));
    expect(verifyCoaReply(plain, request, secret)).toMatchObject({ ok: true, reply: { kind: 'ack' } });
  });

  it('rejects forged or mismatched replies, saying why', () => {
    const good = signedReply(request, 41, [], secret);
    const badAuth = Buffer.from(good);
    badAuth[4] ^= 1;
    const badMa = signedReply(request, 41, [], secret);
    // Flip a bit of the MA and re-sign the Response Authenticator, so only the MA is wrong.
    badMa[22] ^= 1;
    badMa.fill(0, 4, 20);
    request.copy(badMa, 4, 4, 20);
    createHash('md5').update(badMa).update(secret).digest().copy(badMa, 4);
    const cases: [string, Buffer, RegExp][] = [
      ['wrong Response Authenticator', badAuth, /Response Authenticator/],
      ['wrong Message-Authenticator', badMa, /Message-Authenticator/],
      ['wrong Identifier', signedReply(request, 41, [], secret, { identifier: 43 }), /Identifier 43/],
      ['CoA-ACK to a Disconnect-Request', signedReply(request, 44, [], secret), /does not answer/],
      ['other secret', signedReply(request, 41, [], Buffer.from('not-the-secret')), /Response Authenticator/],
      ['a request sent back', request, /does not answer/],
      ['truncated', good.subarray(0, 30), /malformed/],
    ];
    for (const [, datagram, reason] of cases) {
      const check = verifyCoaReply(datagram, request, secret);
      expect(check.ok).toBe(false);
      expect(!check.ok && check.reason).toMatch(reason);
      expect(!check.ok && check.reason).not.toContain(SECRET);
    }
  });
});

describe('Error-Cause words (RFC 5176 §3.5)', () => {
  it('names every code 201..508', () => {
    const expected: Record<number, string> = {
      201: 'Residual Session Context Removed', 202: 'Invalid EAP Packet (Ignored)', 401: 'Unsupported Attribute', 402: 'Missing Attribute',
      403: 'NAS Identification Mismatch', 404: 'Invalid Request', 405: 'Unsupported Service', 406: 'Unsupported Extension',
      407: 'Invalid Attribute Value', 501: 'Administratively Prohibited', 502: 'Request Not Routable (Proxy)', 503: 'Session Context Not Found',
      504: 'Session Context Not Removable', 505: 'Other Proxy Processing Error', 506: 'Resources Unavailable', 507: 'Request Initiated',
      508: 'Multiple Session Selection Unsupported',
    };
    expect(Object.values(ErrorCause).sort()).toEqual(Object.keys(expected).map(Number).sort());
    for (const [code, words] of Object.entries(expected)) expect(errorCauseText(Number(code))).toBe(`${words} (${code})`);
  });

  it('says what class an unknown code is in', () => {
    expect(errorCauseText(599)).toBe('unknown Error-Cause 599 (non-fatal error)');
    expect(errorCauseText(450)).toBe('unknown Error-Cause 450 (fatal error)');
    expect(errorCauseText(7)).toBe('unknown Error-Cause 7 (unknown)');
  });
});
