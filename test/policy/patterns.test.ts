// The three pattern languages of the policy: text (exact / glob / regex), networks, MACs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatternError, compileMacPatterns, compileNetworks, compilePattern, compilePatterns } from '../../src/policy/patterns.js';
import { normaliseMac } from '../../src/posture/mac.js';

describe('text patterns', () => {
  it('exact text ignores case and nothing else', () => {
    const m = compilePattern('Corp-WiFi');
    expect(m('corp-wifi')).toBe(true);
    expect(m('CORP-WIFI')).toBe(true);
    expect(m('Corp-WiFi ')).toBe(false);
    expect(m('Corp-WiFi-5G')).toBe(false);
  });

  it('exact text whose lower case is longer (Turkish dotted I) still matches itself', () => {
    expect(compilePattern('İstanbul-Corp')('İstanbul-Corp')).toBe(true);
    expect(compilePattern('İstanbul-Corp')('İSTANBUL-CORP')).toBe(true);
  });

  it('* is the only wildcard; regex metacharacters in a glob are literal', () => {
    expect(compilePattern('*')('')).toBe(true);
    expect(compilePattern('host/*')('host/laptop')).toBe(true);
    expect(compilePattern('host/*')('user/laptop')).toBe(false);
    expect(compilePattern('*.corp.example')('a.b.corp.example')).toBe(true);
    expect(compilePattern('*.corp.example')('xcorpxexample')).toBe(false);
    expect(compilePattern('a+b(c)*')('a+b(c)d')).toBe(true);
    expect(compilePattern('a+b(c)*')('aab(c)d')).toBe(false);
    expect(compilePattern('[x]*')('[x]1')).toBe(true);
    expect(compilePattern('[x]*')('x1')).toBe(false);
  });

  it('a glob is anchored at both ends', () => {
    expect(compilePattern('ap-*')('my-ap-1')).toBe(false);
    expect(compilePattern('*-1')('ap-1x')).toBe(false);
  });

  it('/regex/flags is a regular expression (unanchored unless written so)', () => {
    expect(compilePattern('/^ap-\\d+$/')('ap-12')).toBe(true);
    expect(compilePattern('/^ap-\\d+$/')('ap-x')).toBe(false);
    expect(compilePattern('/guest/')('corp-guest-2')).toBe(true);
    expect(compilePattern('/GUEST/i')('corp-guest-2')).toBe(true);
    expect(compilePattern('/GUEST/')('corp-guest-2')).toBe(false);
  });

  it('a bad regular expression is a PatternError naming the pattern', () => {
    expect(() => compilePattern('/ap-(\\d+/')).toThrow(PatternError);
    expect(() => compilePattern('/ap-(\\d+/')).toThrow(/^invalid regular expression \/ap-\(\\d\+\/: /);
    // g and y would make each test depend on the previous one; anything else is a typo, not literal text.
    expect(() => compilePattern('/guest/g')).toThrow('invalid regular expression /guest/g: only the flags i, m, s and u are allowed');
    expect(() => compilePattern('/guest/x')).toThrow(PatternError);
  });

  it('a list matches when any pattern does', () => {
    const m = compilePatterns(['Corp', 'Guest*', '/^iot-\\d+$/']);
    expect(['corp', 'Guest-2', 'iot-7'].map(m)).toEqual([true, true, true]);
    expect(['Corp2', 'xGuest', 'iot-x'].map(m)).toEqual([false, false, false]);
  });

  it('property: any text matches itself exactly and as a "prefix*" glob', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('*') && !/^\/.+\/[a-z]*$/.test(s)), (s) => {
      expect(compilePattern(s)(s)).toBe(true);
      expect(compilePattern(`${s}*`)(`${s}tail`)).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('networks', () => {
  it('IPv4 and IPv6 addresses and CIDRs; the other family never matches', () => {
    const inNets = compileNetworks(['10.0.0.0/8', '192.0.2.1', '2001:db8::/32', '::1']);
    expect(inNets('10.255.0.1')).toBe(true);
    expect(inNets('11.0.0.1')).toBe(false);
    expect(inNets('192.0.2.1')).toBe(true);
    expect(inNets('192.0.2.2')).toBe(false);
    expect(inNets('2001:db8:ffff::1')).toBe(true);
    expect(inNets('2001:db9::1')).toBe(false);
    expect(inNets('::1')).toBe(true);
    expect(inNets('not-an-ip')).toBe(false);
  });

  it('a prefix length of 0 matches the whole family', () => {
    expect(compileNetworks(['0.0.0.0/0'])('203.0.113.9')).toBe(true);
    expect(compileNetworks(['0.0.0.0/0'])('2001:db8::1')).toBe(false);
  });

  it('refuses what is not an address or CIDR, with the entry in the message', () => {
    expect(() => compileNetworks(['ap-1.corp.example'])).toThrow('"ap-1.corp.example" is not an IP address or CIDR');
    expect(() => compileNetworks(['10.0.0.0/33'])).toThrow('"10.0.0.0/33" has an invalid prefix length');
    expect(() => compileNetworks(['2001:db8::/129'])).toThrow('"2001:db8::/129" has an invalid prefix length');
    expect(() => compileNetworks(['10.0.0.0/'])).toThrow('"10.0.0.0/" has an invalid prefix length');
    expect(() => compileNetworks(['10.0.0.0/8x'])).toThrow('"10.0.0.0/8x" has an invalid prefix length');
    expect(() => compileNetworks(['10.0.0.0/8/9'])).toThrow(PatternError);
    expect(() => compileNetworks(['10.0.0.256'])).toThrow(PatternError);
  });
});

describe('MAC patterns', () => {
  const compile = (entries: string[]) => compileMacPatterns(entries, normaliseMac);

  it('full MACs in colon, dash, Cisco-dot and bare form', () => {
    const m = compile(['00:1B:63:AA:BB:CC', '00-50-56-c0-00-01', '3c22.fb00.0001', '020000000001']);
    for (const mac of ['00:1b:63:aa:bb:cc', '00:50:56:c0:00:01', '3c:22:fb:00:00:01', '02:00:00:00:00:01']) expect(m(mac), mac).toBe(true);
    expect(m('00:1b:63:aa:bb:cd')).toBe(false);
  });

  it('OUI (and longer) prefixes in any separator style, with or without a trailing *', () => {
    for (const p of ['00:1b:63', '00-1B-63', '001b63', '00:1b:63:*', '001B63*', '00-1b-63-*']) {
      const m = compile([p]);
      expect(m('00:1b:63:00:00:01'), p).toBe(true);
      expect(m('00:1b:64:00:00:01'), p).toBe(false);
      expect(m('10:00:1b:63:00:01'), p).toBe(false); // a prefix, not a substring
    }
    expect(compile(['00:1b:63:aa'])('00:1b:63:aa:00:01')).toBe(true);
    expect(compile(['00:1b:63:aa'])('00:1b:63:ab:00:01')).toBe(false);
  });

  it('refuses anything else with an example of what works', () => {
    const hint = 'is not a MAC address or an OUI prefix (e.g. "00:1b:63" or "00:1b:63:*")';
    for (const bad of ['00:1b:6', 'printer', '00:1b:63:aa:bb:cc:dd', '*', 'zz:zz:zz', '00:1b:63:aa:bb:c*']) {
      expect(() => compile([bad]), bad).toThrow(`"${bad}" ${hint}`);
    }
  });
});
