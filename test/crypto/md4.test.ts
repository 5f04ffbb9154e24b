import { describe, expect, it } from 'vitest';
import { Md4NotReadyError, initMd4, isMd4Ready, md4 } from '../../src/crypto/md4.js';

// RFC 1320 appendix A.5 test suite (also checked against `openssl dgst -md4 -provider legacy`).
const RFC1320_SUITE: [string, string][] = [
  ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
  ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
  ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
  ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
  [
    '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
    'e33b4ddc9c38f2199c3e7b164fcc0536',
  ],
];

describe('md4', () => {
  // Runs first: this file's module instance has not been initialised yet.
  it('refuses to hash before initMd4() has finished', () => {
    expect(isMd4Ready()).toBe(false);
    expect(() => md4(Buffer.from('abc'))).toThrow(Md4NotReadyError);
  });

  it('initialises once, however often it is awaited', async () => {
    const first = initMd4();
    expect(initMd4()).toBe(first);
    await first;
    await initMd4();
    expect(isMd4Ready()).toBe(true);
  });

  for (const [input, digest] of RFC1320_SUITE) {
    it(`RFC 1320 A.5: MD4("${input.length > 20 ? `${input.slice(0, 20)}…` : input}")`, () => {
      expect(md4(Buffer.from(input, 'ascii')).toString('hex')).toBe(digest);
    });
  }

  it('hashes a view into a larger buffer by its own bytes only', () => {
    const big = Buffer.from('xxabcxx', 'ascii');
    expect(md4(big.subarray(2, 5)).toString('hex')).toBe('a448017aaf21d8525fc10ae87aa6729d');
  });

  it('returns an independent Buffer each time', () => {
    const a = md4(Buffer.from('a'));
    const b = md4(Buffer.from('abc'));
    expect(a.toString('hex')).toBe('bde52cb31de33e46245e05fbdbd6fb24');
    expect(b.toString('hex')).toBe('a448017aaf21d8525fc10ae87aa6729d');
  });
});
