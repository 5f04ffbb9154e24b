// The MAC a MAB User-Name carries: the fast path for 12 hex digits must agree with normaliseMac everywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseMac } from '../../src/posture/mac.js';
import { macOfUserName } from '../../src/server/request-view.js';

describe('macOfUserName', () => {
  it('normalises bare hex digits in any case', () => {
    expect(macOfUserName('020000000001')).toBe('02:00:00:00:00:01');
    expect(macOfUserName('AABBCCddeeFF')).toBe('aa:bb:cc:dd:ee:ff');
  });

  it('is undefined for 12 characters that are not all hex digits', () => {
    for (const name of ['02000000000g', 'host/laptop1', '0200 0000 01', '02000000000\u0660', 'ａａbbccddeeff'.slice(0, 12)]) {
      expect(macOfUserName(name), name).toBeUndefined();
    }
  });

  it('gives normaliseMac\'s answer for any text, MAC-shaped or not', () => {
    const hex = fc.constantFrom(...'0123456789abcdefABCDEFgG:-. \u00e9');
    fc.assert(fc.property(fc.oneof(fc.string({ unit: hex, minLength: 10, maxLength: 18 }), fc.string({ unit: 'binary' })), (text) => {
      expect(macOfUserName(text)).toBe(normaliseMac(text));
    }), { numRuns: 2000 });
    for (const text of ['02-00-00-00-00-01', '0200.0000.0001', ' 020000000001', '02:00:00:00:00:01']) expect(macOfUserName(text)).toBe(normaliseMac(text));
  });
});
