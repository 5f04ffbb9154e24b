import { createMD5, type IHasher } from 'hash-wasm';

// MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for RADIUS authenticators on the hot path. node:crypto builds a
// native hash object per call (2-3 µs each); hash-wasm's MD5 hasher is created once and reused, HMAC keys
// keep the hasher state after their ipad/opad block (hash-wasm save/load), and the message is assembled in
// one reusable buffer, so no call allocates. Checked against node:crypto and RFC vectors in the tests.

const BLOCK = 64;

// Created once at module load (top-level await): every function below is synchronous.
const hasher: IHasher = await createMD5();

function digestInto(out: Uint8Array, offset: number): void {
  out.set(hasher.digest('binary'), offset);
}

/** HMAC-MD5 key material: the MD5 states after the ipad and opad blocks, computed once per key. */
export class HmacMd5Key {
  readonly inner: Uint8Array;
  readonly outer: Uint8Array;

  constructor(key: Uint8Array) {
    const k = new Uint8Array(BLOCK);
    if (key.length > BLOCK) k.set(hasher.init().update(key).digest('binary'));
    else k.set(key);
    const pad = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x36;
    this.inner = hasher.init().update(pad).save();
    for (let i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x5c;
    this.outer = hasher.init().update(pad).save();
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
  #length = 0;
  readonly #inner = new Uint8Array(16);

  constructor(capacity = 4096 + 256) {
    this.#buf = new Uint8Array(capacity);
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
    this.#buf.set(src.subarray(start, end), this.#length);
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
    hasher.init().update(this.#buf.subarray(0, this.#length));
    digestInto(out, offset);
    this.#length = 0;
  }

  /** HMAC-MD5 of the message under `key`, written to out[offset..offset+16). Consumes the message. */
  hmacInto(key: HmacMd5Key, out: Uint8Array, offset: number): void {
    hasher.load(key.inner).update(this.#buf.subarray(0, this.#length));
    digestInto(this.#inner, 0);
    hasher.load(key.outer).update(this.#inner);
    digestInto(out, offset);
    this.#length = 0;
  }

  #reserve(n: number): void {
    if (this.#length + n <= this.#buf.length) return;
    const bigger = new Uint8Array(2 * (this.#length + n));
    bigger.set(this.#buf.subarray(0, this.#length));
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
