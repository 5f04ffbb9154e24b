// MAC addresses in the forms NAS and Jamf send them, to the one internal form.
import { describe, expect, it } from 'vitest';
import { isNormalisedMac, normaliseMac } from '../../src/posture/mac.js';

describe('normaliseMac', () => {
  it('reads RFC 3580, colon, Cisco dotted and bare forms, in any case', () => {
    for (const text of ['AA-BB-CC-0D-EE-FF', 'aa:bb:cc:0d:ee:ff', 'AA:BB:CC:0D:EE:FF', 'aabb.cc0d.eeff', 'AABBCC0DEEFF', ' aa-bb-cc-0d-ee-ff ']) {
      expect(normaliseMac(text), text).toBe('aa:bb:cc:0d:ee:ff');
    }
  });

  it('refuses what is not a MAC, including mixed separators', () => {
    for (const text of ['', 'aa:bb:cc:dd:ee', 'aa-bb:cc-dd:ee-ff', 'gg:bb:cc:dd:ee:ff', 'aabbccddeeff00', 'aa.bb.cc.dd.ee.ff']) {
      expect(normaliseMac(text), text).toBeUndefined();
    }
  });

  it('knows the internal form without allocating a new string for it', () => {
    const mac = 'aa:bb:cc:0d:ee:ff';
    expect(isNormalisedMac(mac)).toBe(true);
    expect(normaliseMac(mac)).toBe(mac);
    expect(isNormalisedMac('AA:BB:CC:0D:EE:FF')).toBe(false);
  });
});
