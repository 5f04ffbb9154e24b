import { describe, expect, it } from 'vitest';
import { RadiusDecodeError, decodePacket } from '../../src/radius/index.js';

function packet(hex: string, declaredLength?: number): Buffer {
  const body = Buffer.from(hex.replace(/ /g, ''), 'hex');
  const buf = Buffer.concat([Buffer.from([1, 9, 0, 0]), Buffer.alloc(16, 0xab), body]);
  buf.writeUInt16BE(declaredLength ?? buf.length, 2);
  return buf;
}

const cases: [string, Buffer, string][] = [
  ['shorter than the header', Buffer.alloc(19), 'ERR_RADIUS_TOO_SHORT'],
  ['Length below 20', packet('', 19), 'ERR_RADIUS_BAD_LENGTH'],
  ['Length above 4096', packet('', 5000), 'ERR_RADIUS_BAD_LENGTH'],
  ['Length beyond the datagram', packet('0106626f62', 40), 'ERR_RADIUS_BAD_LENGTH'],
  ['attribute length 0', packet('0100'), 'ERR_RADIUS_BAD_ATTRIBUTE_LENGTH'],
  ['attribute length 1', packet('0101'), 'ERR_RADIUS_BAD_ATTRIBUTE_LENGTH'],
  ['attribute runs past the end', packet('0110626f62'), 'ERR_RADIUS_TRUNCATED_ATTRIBUTE'],
  ['lone trailing octet', packet('0105626f6201'), 'ERR_RADIUS_TRUNCATED_ATTRIBUTE'],
  ['two Message-Authenticators', packet(`5012${'00'.repeat(16)}5012${'00'.repeat(16)}`), 'ERR_RADIUS_DUPLICATE_MESSAGE_AUTHENTICATOR'],
  ['short Message-Authenticator', packet(`5010${'00'.repeat(14)}`), 'ERR_RADIUS_BAD_MESSAGE_AUTHENTICATOR_LENGTH'],
];

describe('malformed packets give a typed error', () => {
  for (const [name, buf, code] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        decodePacket(buf);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RadiusDecodeError);
      expect((caught as RadiusDecodeError).code).toBe(code);
    });
  }

  it('unknown code', () => {
    const buf = packet('');
    buf[0] = 99;
    expect(() => decodePacket(buf)).toThrow(expect.objectContaining({ code: 'ERR_RADIUS_UNKNOWN_CODE' }));
  });

  it('ignores bytes past Length (RFC 2865 §3)', () => {
    const buf = Buffer.concat([packet('0106626f62'), Buffer.from('ffff', 'hex')]);
    buf.writeUInt16BE(26, 2);
    const p = decodePacket(buf);
    expect(p.raw.length).toBe(26);
    expect(p.attributes).toHaveLength(1);
  });
});
