import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  RadiusDecodeError, RadiusEncodeError, decodeAttributes, decodeVsa, decryptSalted, decryptUserPassword,
  encodeAttribute, encodePacket, encryptSalted, encryptUserPassword, loadDictionaries, randomSalt,
} from '../../src/radius/index.js';

// Attribute hiding: User-Password (RFC 2865 §5.2) and the salted scheme of Tunnel-Password (RFC 2868 §3.5) and
// MS-MPPE-Send/Recv-Key (RFC 2548 §2.4.2).

const dict = loadDictionaries([fileURLToPath(new URL('../../dictionaries', import.meta.url))]);
const secret = Buffer.from('s3cr3t-shared');
const requestAuthenticator = Buffer.from('0f403f9473978057bd83d5cb98f4227a', 'hex');
const hiding = { secret, requestAuthenticator };

const md5 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));

/** The RFC's chain written out block by block: c(1) = p(1) ⊕ MD5(S + iv), c(i) = p(i) ⊕ MD5(S + c(i-1)). */
function chainByHand(plain: Buffer, iv: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let previous = iv;
  for (let i = 0; i < plain.length; i += 16) {
    const c = xor(plain.subarray(i, i + 16), md5(secret, previous));
    blocks.push(c);
    previous = c;
  }
  return Buffer.concat(blocks);
}

/** Bytes without NULs, so nothing is taken for padding. */
const noNuls = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => 1 + ((i * 37 + n) % 255)));

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('User-Password (RFC 2865 §5.2)', () => {
  it('round-trips every length from 0 to 128, padded to a multiple of 16 (at least 16)', () => {
    for (let n = 0; n <= 128; n++) {
      const password = noNuls(n);
      const hidden = encryptUserPassword(password, secret, requestAuthenticator);
      expect(hidden.length, `length ${n}`).toBe(Math.max(16, Math.ceil(n / 16) * 16));
      expect(decryptUserPassword(hidden, secret, requestAuthenticator)).toEqual(password);
    }
  });

  it('equals the chain computed by hand from MD5 (three blocks)', () => {
    const password = Buffer.from('a 40-octet password for three blocks!!!!');
    const padded = Buffer.concat([password, Buffer.alloc(48 - password.length)]);
    expect(encryptUserPassword(password, secret, requestAuthenticator)).toEqual(chainByHand(padded, requestAuthenticator));
  });

  it('round-trips through the dictionary as the User-Password attribute', () => {
    const a = encodeAttribute(dict, 'User-Password', 'pässword ✓', { hiding });
    expect(a.type).toBe(2);
    expect(a.value.toString('utf8')).not.toContain('pässword');
    expect(decodeAttributes([a], dict, hiding)[0]).toMatchObject({ name: 'User-Password', value: 'pässword ✓' });
    // Without the secret the value stays hidden, as octets.
    expect(decodeAttributes([a], dict)[0].value).toEqual(a.value);
  });

  it('refuses more than 128 octets', () => {
    const err = errorOf(() => encryptUserPassword(noNuls(129), secret, requestAuthenticator));
    expect(err).toBeInstanceOf(RadiusEncodeError);
    expect((err as RadiusEncodeError).code).toBe('ERR_RADIUS_VALUE_TOO_LONG');
    expect(() => encodeAttribute(dict, 'User-Password', 'x'.repeat(129), { hiding })).toThrow(RadiusEncodeError);
  });

  it('refuses hidden values that are empty, not a multiple of 16 or over 128 octets', () => {
    for (const n of [0, 1, 15, 17, 127, 144, 160]) {
      const err = errorOf(() => decryptUserPassword(Buffer.alloc(n, 0x5a), secret, requestAuthenticator));
      expect(err, `length ${n}`).toBeInstanceOf(RadiusDecodeError);
      expect((err as RadiusDecodeError).code).toBe('ERR_RADIUS_BAD_VALUE');
    }
  });

  it('with the wrong secret gives other bytes, never an exception', () => {
    const password = Buffer.from('arctangent');
    const hidden = encryptUserPassword(password, secret, requestAuthenticator);
    for (let i = 0; i < 100; i++) {
      expect(decryptUserPassword(hidden, randomBytes(12), requestAuthenticator)).not.toEqual(password);
    }
    expect(decryptUserPassword(hidden, secret, randomBytes(16))).not.toEqual(password);
  });
});

describe('salted encryption (RFC 2868 §3.5, RFC 2548 §2.4.2)', () => {
  it('equals RFC 2548 §2.4.2 computed by hand for a fixed salt', () => {
    const salt = Buffer.from([0x81, 0x23]);
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => 0xa0 + i));
    // P = Key-Length | Key | zero padding to a multiple of 16; b(1) = MD5(S + R + A); c(i) = p(i) ⊕ b(i).
    const plain = Buffer.concat([Buffer.from([key.length]), key, Buffer.alloc(15)]);
    expect(plain.length).toBe(48);
    const expected = Buffer.concat([salt, chainByHand(plain, Buffer.concat([requestAuthenticator, salt]))]);
    expect(encryptSalted(key, secret, requestAuthenticator, salt)).toEqual(expected);
    expect(decryptSalted(expected, secret, requestAuthenticator)).toEqual(key);
  });

  it('an MS-MPPE-Recv-Key attribute decrypts by hand to the key', () => {
    const key = randomBytes(32);
    const vsa = decodeVsa(encodeAttribute(dict, 'MS-MPPE-Recv-Key', key, { hiding }).value);
    expect(vsa).toMatchObject({ vendorId: 311, attributes: [{ type: 17 }] });
    const value = vsa.attributes[0].value;
    const salt = value.subarray(0, 2);
    let previous: Buffer = Buffer.concat([requestAuthenticator, salt]);
    const plain: Buffer[] = [];
    for (let i = 2; i < value.length; i += 16) {
      const c = value.subarray(i, i + 16);
      plain.push(xor(c, md5(secret, previous)));
      previous = c;
    }
    const p = Buffer.concat(plain);
    expect(p[0]).toBe(32);
    expect(p.subarray(1, 33)).toEqual(key);
    expect(p.subarray(33).every((b) => b === 0)).toBe(true);
  });

  it('Tunnel-Password round-trips every length 0..239 with its tag; 240 does not fit', () => {
    for (let n = 0; n <= 239; n++) {
      const password = noNuls(n).toString('latin1').replace(/[^\x20-\x7e]/g, 'x');
      const tag = n % 32;
      const a = encodeAttribute(dict, 'Tunnel-Password', password, { tag, hiding });
      expect(a.type).toBe(69);
      expect(a.value.length, `length ${n}`).toBe(1 + 2 + Math.ceil((n + 1) / 16) * 16);
      expect(a.value[0]).toBe(tag);
      expect(a.value[1] & 0x80).toBe(0x80);
      expect(decodeAttributes([a], dict, hiding)[0]).toMatchObject({ name: 'Tunnel-Password', value: password, tag });
    }
    const err = errorOf(() => encodeAttribute(dict, 'Tunnel-Password', 'x'.repeat(240), { tag: 1, hiding }));
    expect(err).toBeInstanceOf(RadiusEncodeError);
    expect((err as RadiusEncodeError).code).toBe('ERR_RADIUS_VALUE_TOO_LONG');
  });

  it('MS-MPPE-Send-Key and -Recv-Key round-trip every length 0..239', () => {
    for (let n = 0; n <= 239; n++) {
      const key = randomBytes(n);
      for (const name of ['MS-MPPE-Send-Key', 'MS-MPPE-Recv-Key']) {
        const a = encodeAttribute(dict, name, key, { hiding });
        expect(a.type).toBe(26);
        expect(decodeAttributes([a], dict, hiding)[0]).toMatchObject({ name, vendorId: 311, value: key });
      }
    }
  });

  it('every salt has its high bit set', () => {
    for (let i = 0; i < 2000; i++) {
      expect(randomSalt()[0] & 0x80).toBe(0x80);
      expect(encryptSalted(Buffer.from('k'), secret, requestAuthenticator)[0] & 0x80).toBe(0x80);
    }
  });

  it('salts are unique across a packet full of salted attributes', () => {
    // RFC 2868 §3.5 / RFC 2548 §2.4.2: "The contents of each Salt field in a given Access-Accept packet MUST be unique."
    // The smallest salted attribute is a 21-octet Tunnel-Password, so 194 of them fill a 4096-octet packet.
    for (let packet = 0; packet < 20; packet++) {
      const attributes = Array.from({ length: 194 }, (_, i) =>
        i % 2
          ? encodeAttribute(dict, 'Tunnel-Password', `pw${i}`, { tag: 1 + (i % 31), hiding })
          : encodeAttribute(dict, 'Tunnel-Password', `pw${i}`, { hiding }));
      expect(encodePacket({ code: 2, identifier: 1, attributes }).length).toBeLessThanOrEqual(4096);
      expect(new Set(attributes.map((a) => a.value.subarray(1, 3).toString('hex'))).size).toBe(194);
    }
    const keys = ['MS-MPPE-Send-Key', 'MS-MPPE-Recv-Key'].map((name) => decodeVsa(encodeAttribute(dict, name, randomBytes(32), { hiding }).value));
    expect(keys[0].attributes[0].value.subarray(0, 2)).not.toEqual(keys[1].attributes[0].value.subarray(0, 2));
  });

  it('with the wrong secret or authenticator: other bytes or ERR_RADIUS_BAD_VALUE, never another exception', () => {
    const key = randomBytes(32);
    const hidden = encryptSalted(key, secret, requestAuthenticator);
    const outcomes = { refused: 0, garbled: 0 };
    for (let i = 0; i < 300; i++) {
      const wrong = i % 2 ? { s: randomBytes(10), ra: requestAuthenticator } : { s: secret, ra: randomBytes(16) };
      let plain: Buffer;
      try {
        plain = decryptSalted(hidden, wrong.s, wrong.ra);
      } catch (err) {
        expect(err).toBeInstanceOf(RadiusDecodeError);
        expect((err as RadiusDecodeError).code).toBe('ERR_RADIUS_BAD_VALUE');
        outcomes.refused++;
        continue;
      }
      expect(plain).not.toEqual(key);
      outcomes.garbled++;
    }
    // A random length octet mostly points past the 47 octets there are, but not always: both paths run.
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.garbled).toBeGreaterThan(0);
  });

  it('refuses salted values that are too short or not salt + n×16', () => {
    for (const n of [0, 2, 17, 19, 33]) {
      const err = errorOf(() => decryptSalted(Buffer.alloc(n, 0x80), secret, requestAuthenticator));
      expect(err, `length ${n}`).toBeInstanceOf(RadiusDecodeError);
      expect((err as RadiusDecodeError).code).toBe('ERR_RADIUS_BAD_VALUE');
    }
  });
});
