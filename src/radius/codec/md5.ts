// MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for RADIUS authenticators, written for the hot path: the message
// is assembled in one reusable buffer and padded in place, HMAC keys keep their ipad/opad states, and no
// call allocates. node:crypto builds a native hash object per call (2-3 µs each); a RADIUS packet is 1-4
// MD5 blocks, which take well under a microsecond here. Checked against node:crypto in the tests.

const BLOCK = 64;
// Blocks are read as 32-bit words straight from our own (aligned) buffers; MD5 words are little-endian.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const INITIAL = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);

/** Compresses the block of 16 little-endian words at `m[w]` into state `s` (RFC 1321 §3.4, rounds unrolled). */
function compress(s: Int32Array, m: Int32Array, w: number): void {
  const x0 = m[w + 0];
  const x1 = m[w + 1];
  const x2 = m[w + 2];
  const x3 = m[w + 3];
  const x4 = m[w + 4];
  const x5 = m[w + 5];
  const x6 = m[w + 6];
  const x7 = m[w + 7];
  const x8 = m[w + 8];
  const x9 = m[w + 9];
  const x10 = m[w + 10];
  const x11 = m[w + 11];
  const x12 = m[w + 12];
  const x13 = m[w + 13];
  const x14 = m[w + 14];
  const x15 = m[w + 15];
  let a = s[0], b = s[1], c = s[2], d = s[3], t: number;
  t = (a + ((b & c) | (~b & d)) + x0 + 0xd76aa478) | 0; a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x1 + 0xe8c7b756) | 0; d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x2 + 0x242070db) | 0; c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x3 + 0xc1bdceee) | 0; b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & c) | (~b & d)) + x4 + 0xf57c0faf) | 0; a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x5 + 0x4787c62a) | 0; d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x6 + 0xa8304613) | 0; c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x7 + 0xfd469501) | 0; b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & c) | (~b & d)) + x8 + 0x698098d8) | 0; a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x9 + 0x8b44f7af) | 0; d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x10 + 0xffff5bb1) | 0; c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x11 + 0x895cd7be) | 0; b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & c) | (~b & d)) + x12 + 0x6b901122) | 0; a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x13 + 0xfd987193) | 0; d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x14 + 0xa679438e) | 0; c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x15 + 0x49b40821) | 0; b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x1 + 0xf61e2562) | 0; a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x6 + 0xc040b340) | 0; d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x11 + 0x265e5a51) | 0; c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x0 + 0xe9b6c7aa) | 0; b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x5 + 0xd62f105d) | 0; a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x10 + 0x02441453) | 0; d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x15 + 0xd8a1e681) | 0; c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x4 + 0xe7d3fbc8) | 0; b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x9 + 0x21e1cde6) | 0; a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x14 + 0xc33707d6) | 0; d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x3 + 0xf4d50d87) | 0; c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x8 + 0x455a14ed) | 0; b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x13 + 0xa9e3e905) | 0; a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x2 + 0xfcefa3f8) | 0; d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x7 + 0x676f02d9) | 0; c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x12 + 0x8d2a4c8a) | 0; b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + (b ^ c ^ d) + x5 + 0xfffa3942) | 0; a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x8 + 0x8771f681) | 0; d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x11 + 0x6d9d6122) | 0; c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x14 + 0xfde5380c) | 0; b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (b ^ c ^ d) + x1 + 0xa4beea44) | 0; a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x4 + 0x4bdecfa9) | 0; d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x7 + 0xf6bb4b60) | 0; c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x10 + 0xbebfbc70) | 0; b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (b ^ c ^ d) + x13 + 0x289b7ec6) | 0; a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x0 + 0xeaa127fa) | 0; d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x3 + 0xd4ef3085) | 0; c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x6 + 0x04881d05) | 0; b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (b ^ c ^ d) + x9 + 0xd9d4d039) | 0; a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x12 + 0xe6db99e5) | 0; d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x15 + 0x1fa27cf8) | 0; c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x2 + 0xc4ac5665) | 0; b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (c ^ (b | ~d)) + x0 + 0xf4292244) | 0; a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x7 + 0x432aff97) | 0; d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x14 + 0xab9423a7) | 0; c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x5 + 0xfc93a039) | 0; b = (c + ((t << 21) | (t >>> 11))) | 0;
  t = (a + (c ^ (b | ~d)) + x12 + 0x655b59c3) | 0; a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x3 + 0x8f0ccc92) | 0; d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x10 + 0xffeff47d) | 0; c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x1 + 0x85845dd1) | 0; b = (c + ((t << 21) | (t >>> 11))) | 0;
  t = (a + (c ^ (b | ~d)) + x8 + 0x6fa87e4f) | 0; a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x15 + 0xfe2ce6e0) | 0; d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x6 + 0xa3014314) | 0; c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x13 + 0x4e0811a1) | 0; b = (c + ((t << 21) | (t >>> 11))) | 0;
  t = (a + (c ^ (b | ~d)) + x4 + 0xf7537e82) | 0; a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x11 + 0xbd3af235) | 0; d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x2 + 0x2ad7d2bb) | 0; c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x9 + 0xeb86d391) | 0; b = (c + ((t << 21) | (t >>> 11))) | 0;

  s[0] = (s[0] + a) | 0;
  s[1] = (s[1] + b) | 0;
  s[2] = (s[2] + c) | 0;
  s[3] = (s[3] + d) | 0;
}

/** Compresses bytes[0..length) (a multiple of 64, `words` views the same memory) into s. */
function compressAll(s: Int32Array, bytes: Uint8Array, words: Int32Array, length: number): void {
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < length; i += 4) words[i >> 2] = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
  }
  for (let w = 0; w < length >> 2; w += 16) compress(s, words, w);
}

function writeState(s: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 4; i++) {
    const v = s[i];
    out[offset + 4 * i] = v;
    out[offset + 4 * i + 1] = v >>> 8;
    out[offset + 4 * i + 2] = v >>> 16;
    out[offset + 4 * i + 3] = v >>> 24;
  }
}

/** HMAC-MD5 key material: the states after the ipad and opad blocks, computed once per key. */
export class HmacMd5Key {
  readonly inner = new Int32Array(4);
  readonly outer = new Int32Array(4);

  constructor(key: Uint8Array) {
    const k = new Uint8Array(BLOCK);
    if (key.length > BLOCK) new Md5Input().push(key).md5Into(k, 0);
    else k.set(key);
    const pad = new Uint8Array(BLOCK);
    const words = new Int32Array(pad.buffer);
    for (let i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x36;
    this.inner.set(INITIAL);
    compressAll(this.inner, pad, words, BLOCK);
    for (let i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x5c;
    this.outer.set(INITIAL);
    compressAll(this.outer, pad, words, BLOCK);
    k.fill(0);
    pad.fill(0);
  }
}

/**
 * One message assembled from pieces in a reusable buffer, then hashed. Reuse an instance (reset() between
 * messages) to hash without allocating; the buffer grows if a message needs it.
 */
export class Md5Input {
  #buf: Uint8Array;
  #words: Int32Array;
  #length = 0;
  readonly #state = new Int32Array(4);

  constructor(capacity = 4096 + 256) {
    this.#buf = new Uint8Array((capacity + BLOCK + 8 + 3) & ~3);
    this.#words = new Int32Array(this.#buf.buffer);
  }

  reset(): this {
    this.#length = 0;
    return this;
  }

  /** Appends src[start..end). */
  push(src: Uint8Array, start = 0, end = src.length): this {
    const n = end - start;
    if (n <= 0) return this;
    this.#reserve(n);
    const buf = this.#buf;
    let at = this.#length;
    // A loop beats set(subarray()) for packet-sized pieces: no view to allocate.
    if (n <= 512) for (let i = start; i < end; i++) buf[at++] = src[i];
    else buf.set(src.subarray(start, end), at);
    this.#length += n;
    return this;
  }

  /** Appends n zero bytes. */
  pushZeros(n: number): this {
    this.#reserve(n);
    this.#buf.fill(0, this.#length, this.#length + n);
    this.#length += n;
    return this;
  }

  /** MD5 of the message, written to out[offset..offset+16). Consumes the message (the input is empty after). */
  md5Into(out: Uint8Array, offset: number): void {
    this.#state.set(INITIAL);
    this.#finish(this.#state, 0);
    writeState(this.#state, out, offset);
    this.#length = 0;
  }

  /** HMAC-MD5 of the message under `key`, written to out[offset..offset+16). Consumes the message. */
  hmacInto(key: HmacMd5Key, out: Uint8Array, offset: number): void {
    const s = this.#state;
    s.set(key.inner);
    this.#finish(s, BLOCK);
    // Outer hash: opad block (already in key.outer) + the 16-byte inner digest, as its own message.
    const buf = this.#buf;
    writeState(s, buf, 0);
    this.#length = 16;
    s.set(key.outer);
    this.#finish(s, BLOCK);
    writeState(s, out, offset);
    this.#length = 0;
  }

  #reserve(n: number): void {
    if (this.#length + n + BLOCK + 8 <= this.#buf.length) return;
    const bigger = new Uint8Array((2 * (this.#length + n) + BLOCK + 8 + 3) & ~3);
    bigger.set(this.#buf.subarray(0, this.#length));
    this.#buf.fill(0);
    this.#buf = bigger;
    this.#words = new Int32Array(bigger.buffer);
  }

  /** Pads the message in place (RFC 1321 §3.1-3.2) and compresses every block into s. */
  #finish(s: Int32Array, prefixBytes: number): void {
    const buf = this.#buf;
    const length = this.#length;
    const padded = (length + 8 + BLOCK) & ~(BLOCK - 1);
    buf[length] = 0x80;
    buf.fill(0, length + 1, padded - 8);
    const bits = (length + prefixBytes) * 8;
    const low = bits >>> 0;
    const high = Math.floor(bits / 0x100000000);
    for (let i = 0; i < 4; i++) {
      buf[padded - 8 + i] = low >>> (8 * i);
      buf[padded - 4 + i] = high >>> (8 * i);
    }
    compressAll(s, buf, this.#words, padded);
  }
}

const scratch = new Md5Input();

/** MD5 of a whole buffer (allocates the result; the hot paths use Md5Input directly). */
export function md5(data: Uint8Array): Buffer {
  const out = Buffer.alloc(16);
  scratch.reset().push(data).md5Into(out, 0);
  return out;
}

/** HMAC-MD5 of a whole buffer (allocates; for tests and cold paths). */
export function hmacMd5(key: Uint8Array, data: Uint8Array): Buffer {
  const out = Buffer.alloc(16);
  scratch.reset().push(data).hmacInto(new HmacMd5Key(key), out, 0);
  return out;
}
