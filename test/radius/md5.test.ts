import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacMd5Key, Md5Input, hmacMd5, md5 } from '../../src/radius/codec/md5.js';

const hex = (b: Buffer) => b.toString('hex');

describe('MD5 (RFC 1321 appendix A.5 test suite)', () => {
  const suite: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  it.each(suite)('MD5(%j)', (text, digest) => {
    expect(hex(md5(Buffer.from(text, 'latin1')))).toBe(digest);
  });
});

describe('HMAC-MD5 (RFC 2202 §2 test cases)', () => {
  const cases: [string, Buffer, Buffer, string][] = [
    ['1', Buffer.alloc(16, 0x0b), Buffer.from('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
    ['2', Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
    ['3', Buffer.alloc(16, 0xaa), Buffer.alloc(50, 0xdd), '56be34521d144c88dbb8c733f0e8b3f6'],
    ['6 (key longer than a block)', Buffer.alloc(80, 0xaa), Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'), '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd'],
  ];
  it.each(cases)('test case %s', (_name, key, data, digest) => {
    expect(hex(hmacMd5(key, data))).toBe(digest);
  });
});

describe('MD5 and HMAC-MD5 agree with node:crypto', () => {
  it('for every message length across the padding boundaries (0..300 bytes)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = Buffer.alloc(n, n & 0xff);
      for (let i = 0; i < n; i++) data[i] = (i * 31 + n) & 0xff;
      expect(hex(md5(data)), `length ${n}`).toBe(createHash('md5').update(data).digest('hex'));
    }
  });

  it('for random messages, keys and piecewise input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.uint8Array({ maxLength: 150 }), fc.nat(5000), (data, key, cut) => {
        const at = Math.min(cut, data.length);
        const input = new Md5Input(16); // small on purpose: the buffer must grow
        const out = Buffer.alloc(20);
        input.push(data, 0, at).push(data, at).md5Into(out, 2);
        expect(hex(out.subarray(2, 18))).toBe(createHash('md5').update(data).digest('hex'));
        input.reset().push(data, 0, at).pushZeros(3).push(data, at).hmacInto(new HmacMd5Key(key), out, 4);
        const zeros = Buffer.concat([data.subarray(0, at), Buffer.alloc(3), data.subarray(at)]);
        expect(hex(out.subarray(4, 20))).toBe(createHmac('md5', key).update(zeros).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('a consumed input starts empty again', () => {
    const input = new Md5Input();
    const a = Buffer.alloc(16);
    const b = Buffer.alloc(16);
    input.push(Buffer.from('first message')).md5Into(a, 0);
    input.push(Buffer.from('abc')).md5Into(b, 0);
    expect(hex(b)).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});
