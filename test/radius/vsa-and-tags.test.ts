import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type NamedAttribute, RadiusDecodeError, RadiusEncodeError, decodeAttributes, decodePacket, decodeVsa, encodeAttribute,
  encodePacket, encodeVsa, formatValue, loadDictionaries,
} from '../../src/radius/index.js';

// Vendor-Specific (RFC 2865 §5.26) and RFC 2868 tags, as a NAS sends them and as we send them.

const dict = loadDictionaries([fileURLToPath(new URL('../../dictionaries', import.meta.url))]);
const hex = (h: string) => Buffer.from(h.replace(/ /g, ''), 'hex');
const decodeOne = (type: number, value: Buffer): NamedAttribute => decodeAttributes([{ type, value }], dict)[0];

function decodeErrorOf(fn: () => unknown): RadiusDecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RadiusDecodeError) return err;
    throw err;
  }
  throw new Error('expected a RadiusDecodeError');
}

describe('Vendor-Specific', () => {
  it('decodes every sub-attribute of one VSA (Aruba role, VLAN and AP group)', () => {
    // Vendor-Id 14823 | 1 len "guest" | 2 len 00000064 | 10 len "lobby"
    const value = hex('000039e7 0107 6775657374 0206 00000064 0a07 6c6f626279');
    const all = decodeAttributes([{ type: 26, value }], dict);
    expect(all.map((a) => [a.name, a.vendorId, a.type, a.value])).toEqual([
      ['Aruba-User-Role', 14823, 1, 'guest'],
      ['Aruba-User-Vlan', 14823, 2, 100],
      ['Aruba-AP-Group', 14823, 10, 'lobby'],
    ]);
  });

  it('decodes several VSAs of several vendors in one packet, in order', () => {
    const attributes = [
      encodeAttribute(dict, 'Cisco-AVPair', 'url-redirect-acl=REDIRECT'),
      encodeAttribute(dict, 'Cisco-AVPair', 'subscriber:command=reauthenticate'),
      encodeAttribute(dict, 'MS-Primary-DNS-Server', '192.0.2.53'),
      { type: 1, value: Buffer.from('alice') },
    ];
    const p = decodePacket(encodePacket({ code: 2, identifier: 1, attributes }));
    expect(decodeAttributes(p.attributes, dict).map((a) => `${a.name}=${formatValue(a)}`)).toEqual([
      'Cisco-AVPair=url-redirect-acl=REDIRECT',
      'Cisco-AVPair=subscriber:command=reauthenticate',
      'MS-Primary-DNS-Server=192.0.2.53',
      'User-Name=alice',
    ]);
  });

  it('encodes a vendor attribute as Vendor-Id, Vendor-Type, Vendor-Length, value', () => {
    const a = encodeAttribute(dict, 'Cisco-AVPair', 'a=b');
    expect(a).toEqual({ type: 26, value: hex('00000009 0105 613d62') });
    expect(decodeVsa(a.value)).toEqual({ vendorId: 9, attributes: [{ type: 1, value: Buffer.from('a=b') }] });
  });

  it('keeps an unknown vendor as octets named Vendor-N-Attr-M', () => {
    const value = encodeVsa(99999, 7, hex('deadbeef'));
    const [a] = decodeAttributes([{ type: 26, value }], dict);
    expect(a).toMatchObject({ name: 'Vendor-99999-Attr-7', vendorId: 99999, type: 7, value: hex('deadbeef') });
    expect(a.def).toBeUndefined();
    expect(formatValue(a)).toBe('0xdeadbeef');
  });

  it('keeps an unknown attribute of a known vendor, and an unknown standard attribute, as octets', () => {
    expect(decodeOne(26, encodeVsa(14823, 200, hex('01')))).toMatchObject({ name: 'Vendor-14823-Attr-200', value: hex('01') });
    expect(decodeOne(250, hex('0102'))).toMatchObject({ name: 'Attr-250', vendorId: 0, type: 250, value: hex('0102') });
  });

  it('a VSA with a Vendor-Id and no sub-attributes yields nothing', () => {
    expect(decodeAttributes([{ type: 26, value: hex('00000009') }], dict)).toEqual([]);
  });

  it('refuses malformed VSAs with ERR_RADIUS_BAD_VSA', () => {
    const bad = ['', '000009', '00000009 01', '00000009 0101', '00000009 0109 6162', '00000009 0103 61 02'];
    for (const h of bad) {
      expect(decodeErrorOf(() => decodeVsa(hex(h))).code, h).toBe('ERR_RADIUS_BAD_VSA');
      expect(decodeErrorOf(() => decodeAttributes([{ type: 26, value: hex(h) }], dict)).code, h).toBe('ERR_RADIUS_BAD_VSA');
    }
  });

  it('refuses a vendor value that does not fit in one VSA (253 - 6 octets)', () => {
    expect(encodeAttribute(dict, 'Cisco-AVPair', 'x'.repeat(247)).value.length).toBe(253);
    expect(() => encodeAttribute(dict, 'Cisco-AVPair', 'x'.repeat(248))).toThrow(expect.objectContaining({ code: 'ERR_RADIUS_VALUE_TOO_LONG' }));
  });
});

describe('RFC 2868 tags', () => {
  it('tagged integer: Tunnel-Type tag 1 = VLAN is tag octet + 3-octet value (§3.1)', () => {
    const a = encodeAttribute(dict, 'Tunnel-Type', 'VLAN', { tag: 1 });
    expect(a).toEqual({ type: 64, value: hex('0100000d') });
    const back = decodeOne(64, a.value);
    expect(back).toMatchObject({ name: 'Tunnel-Type', tag: 1, value: 13 });
    expect(formatValue(back)).toBe('VLAN');
    expect(encodeAttribute(dict, 'Tunnel-Medium-Type', 'IEEE-802', { tag: 1 }).value).toEqual(hex('01000006'));
  });

  it('tagged integer without a tag: the tag octet is 0 and still there', () => {
    expect(encodeAttribute(dict, 'Tunnel-Type', 13).value).toEqual(hex('0000000d'));
    expect(decodeOne(64, hex('0000000d'))).toMatchObject({ tag: 0, value: 13 });
  });

  it('tagged integer: a value that needs more than 3 octets is refused, not cut', () => {
    expect(encodeAttribute(dict, 'Tunnel-Preference', 0xffffff, { tag: 2 }).value).toEqual(hex('02ffffff'));
    expect(() => encodeAttribute(dict, 'Tunnel-Preference', 0x1000000, { tag: 2 })).toThrow(RadiusEncodeError);
  });

  it('tagged integer of the wrong length is refused', () => {
    for (const h of ['', '01', '010000', '0100000d00']) {
      expect(decodeErrorOf(() => decodeOne(64, hex(h))).code, h).toBe('ERR_RADIUS_BAD_VALUE');
    }
  });

  it('tagged string with a tag: Tunnel-Private-Group-Id tag 1 "100" (§3.6)', () => {
    const a = encodeAttribute(dict, 'Tunnel-Private-Group-Id', '100', { tag: 1 });
    expect(a).toEqual({ type: 81, value: hex('01 313030') });
    expect(decodeOne(81, a.value)).toMatchObject({ name: 'Tunnel-Private-Group-Id', tag: 1, value: '100' });
    expect(decodeOne(81, hex('1f 313030'))).toMatchObject({ tag: 31, value: '100' });
  });

  it('tagged string without a tag: a first octet above 0x1F is data (§3.6)', () => {
    const a = encodeAttribute(dict, 'Tunnel-Private-Group-Id', '100');
    expect(a.value).toEqual(hex('313030'));
    const back = decodeOne(81, a.value);
    expect(back.value).toBe('100');
    expect(back.tag).toBeUndefined();
  });

  it('tagged string: a 0x00 first octet is an (unused) tag', () => {
    expect(decodeOne(81, hex('00 313030'))).toMatchObject({ tag: 0, value: '100' });
  });

  it('tagged string without a tag whose text starts with a control character keeps it (a 0 tag goes in front)', () => {
    for (const text of ['\x01abc', '\x1fx', '\x00']) {
      const a = encodeAttribute(dict, 'Tunnel-Client-Endpoint', text);
      expect(decodeOne(66, a.value)).toMatchObject({ value: text });
    }
  });

  it('empty tagged string stays empty', () => {
    expect(encodeAttribute(dict, 'Tunnel-Private-Group-Id', '').value.length).toBe(0);
    expect(decodeOne(81, Buffer.alloc(0))).toMatchObject({ value: '' });
  });

  it('refuses tags outside 0..31', () => {
    for (const tag of [-1, 32, 255]) {
      expect(() => encodeAttribute(dict, 'Tunnel-Type', 'VLAN', { tag })).toThrow(expect.objectContaining({ code: 'ERR_RADIUS_BAD_TAG' }));
      expect(() => encodeAttribute(dict, 'Tunnel-Private-Group-Id', '10', { tag })).toThrow(expect.objectContaining({ code: 'ERR_RADIUS_BAD_TAG' }));
    }
  });

  it('the usual VLAN assignment decodes from a whole Access-Accept', () => {
    const attributes = [
      encodeAttribute(dict, 'Tunnel-Type', 'VLAN', { tag: 1 }),
      encodeAttribute(dict, 'Tunnel-Medium-Type', 'IEEE-802', { tag: 1 }),
      encodeAttribute(dict, 'Tunnel-Private-Group-Id', '42', { tag: 1 }),
    ];
    const p = decodePacket(encodePacket({ code: 2, identifier: 9, attributes }));
    expect(decodeAttributes(p.attributes, dict).map((a) => `${a.name}:${a.tag} = ${formatValue(a)}`)).toEqual([
      'Tunnel-Type:1 = VLAN', 'Tunnel-Medium-Type:1 = IEEE-802', 'Tunnel-Private-Group-Id:1 = 42',
    ]);
  });
});

describe('formatValue and VALUE names', () => {
  const show = (name: string, value: number | string) => formatValue(decodeAttributes([encodeAttribute(dict, name, value)], dict)[0]);

  it('names enumerated values', () => {
    expect(show('Service-Type', 10)).toBe('Call-Check');
    expect(show('Acct-Status-Type', 3)).toBe('Interim-Update');
    expect(show('NAS-Port-Type', 19)).toBe('Wireless-802.11');
    expect(show('Error-Cause', 503)).toBe('Session-Context-Not-Found');
    expect(show('MS-MPPE-Encryption-Policy', 2)).toBe('Encryption-Required');
  });

  it('prints a number without a name as a number, addresses as text, octets as hex', () => {
    expect(show('Service-Type', 99)).toBe('99');
    expect(show('Session-Timeout', 3600)).toBe('3600');
    expect(show('NAS-IP-Address', '10.1.2.3')).toBe('10.1.2.3');
    expect(show('Class', '0x00ff')).toBe('0x00ff');
  });

  it('encodes by VALUE name, in any case, and refuses an unknown name', () => {
    expect(encodeAttribute(dict, 'Service-Type', 'call-check').value).toEqual(hex('0000000a'));
    expect(encodeAttribute(dict, 'Service-Type', '10').value).toEqual(hex('0000000a'));
    expect(() => encodeAttribute(dict, 'Service-Type', 'Call-Chek')).toThrow(expect.objectContaining({ code: 'ERR_RADIUS_UNKNOWN_VALUE' }));
    expect(() => encodeAttribute(dict, 'No-Such-Attribute', 'x')).toThrow(expect.objectContaining({ code: 'ERR_RADIUS_UNKNOWN_ATTRIBUTE' }));
  });
});
