import { createMD5, type IHasher } from 'hash-wasm';

// MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for RADIUS authenticators on the hot path. node:crypto builds a
// native hash object per call (2-3 µs each); hash-wasm's MD5 hasher is created once and reused, and the
// message is assembled in one reusable buffer. HMAC hashes the key's ipad block in front of the message (the
// buffer keeps room for it) rather than restoring a saved state: hash-wasm's load() validates and copies the
// state through fresh views, which cost more (0.6 µs per HMAC) than compressing one more 64-byte block.
// Checked against node:crypto and RFC vectors in the tests.

const BLOCK = 64;

// Created once at module load (top-level await): every function below is synchronous.
const hasher: IHasher = await createMD5();

/** HMAC-MD5 key material: the key XOR ipad and XOR opad blocks (RFC 2104), computed once per key. */
export class HmacMd5Key {
  readonly ipad: Uint8Array;
  /** opad block followed by room for the inner digest: the outer hash is one update over these 80 bytes. */
  readonly outer: Uint8Array;

  constructor(key: Uint8Array) {
    const k = new Uint8Array(BLOCK);
    if (key.length > BLOCK) k.set(hasher.init().update(key).digest('binary'));
    else k.set(key);
    this.ipad = new Uint8Array(BLOCK);
    this.outer = new Uint8Array(BLOCK + 16);
    for (let i = 0; i < BLOCK; i++) {
      this.ipad[i] = k[i] ^ 0x36;
      this.outer[i] = k[i] ^ 0x5c;
    }
    k.fill(0);
  }
}

/**
 * One message assembled from pieces in a reusable buffer, then hashed. Reuse an instance (reset() between
 * messages) to hash without allocating; the buffer grows if a message needs it.
 */
export class Md5Input {
  /** BLOCK bytes of room for an HMAC ipad block, then the message. */
  #buf: Uint8Array;
  #length = 0;

  constructor(capacity = 4096 + 256) {
    this.#buf = new Uint8Array(BLOCK + capacity);
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
    const at = BLOCK + this.#length;
    if (n <= 32) {
      // A byte loop beats set(subarray()) for the short pieces RADIUS hashes (headers, authenticators, secrets).
      const buf = this.#buf;
      for (let i = 0; i < n; i++) buf[at + i] = src[start + i];
    } else {
      this.#buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), at);
    }
    this.#length += n;
    return this;
  }

  /** Appends n zero bytes. */
  pushZeros(n: number): this {
    this.#reserve(n);
    this.#buf.fill(0, BLOCK + this.#length, BLOCK + this.#length + n);
    this.#length += n;
    return this;
  }

  /** MD5 of the message, written to out[offset..offset+16). Consumes the message (the input is empty after). */
  md5Into(out: Uint8Array, offset: number): void {
    hasher.init().update(this.#buf.subarray(BLOCK, BLOCK + this.#length));
    out.set(hasher.digest('binary'), offset);
    this.#length = 0;
  }

  /** HMAC-MD5 of the message under `key`, written to out[offset..offset+16). Consumes the message. */
  hmacInto(key: HmacMd5Key, out: Uint8Array, offset: number): void {
    this.#buf.set(key.ipad, 0);
    hasher.init().update(this.#buf.subarray(0, BLOCK + this.#length));
    const outer = key.outer;
    outer.set(hasher.digest('binary'), BLOCK);
    hasher.init().update(outer);
    out.set(hasher.digest('binary'), offset);
    this.#length = 0;
  }

  #reserve(n: number): void {
    if (BLOCK + this.#length + n <= this.#buf.length) return;
    const bigger = new Uint8Array(BLOCK + 2 * (this.#length + n));
    bigger.set(this.#buf.subarray(BLOCK, BLOCK + this.#length), BLOCK);
    this.#buf.fill(0);
    this.#buf = bigger;
  }
}

/** MD5 of `data` (convenience; allocates the result). */
export function md5(data: Uint8Array): Buffer {
  return Buffer.from(hasher.init().update(data).digest('binary'));
}

/** HMAC-MD5 of `data` under `key` (convenience; allocates). */
export function hmacMd5(key: Uint8Array, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(16);
  new Md5Input(data.length).push(data).hmacInto(new HmacMd5Key(key), out, 0);
  return out;
}
