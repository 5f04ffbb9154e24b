/**
 * TLS 1.2 key schedule pieces for an abbreviated (session-ID) handshake: the PRF (RFC 5246 §5),
 * the key block (§6.3), Finished (§7.4.9) and AES-GCM records (RFC 5288: nonce = write_IV(4) ‖
 * nonce_explicit(8); additional data = seq_num ‖ type ‖ version ‖ length, RFC 5246 §6.2.3.3).
 * Only the AEAD suites below; nothing else is attempted.
 *
 * One resumption needs 16 HMACs and 2 transcript digests, all on node:crypto. An HMAC is two one-shot
 * crypto.hash calls (~2 µs here, like createHmac, but without a hash object per call for the GC;
 * hash-wasm with saved ipad/opad states measured ~2.6 µs, pure JS ~3 µs). AES-GCM is node:crypto too.
 */
import { createCipheriv, createDecipheriv, createHash, hash as nodeHash, type Hash } from 'node:crypto';

export type PrfHash = 'sha256' | 'sha384';

export interface AeadSuite {
  id: number;
  name: string;
  cipher: 'aes-128-gcm' | 'aes-256-gcm';
  keyLength: 16 | 32;
  prfHash: PrfHash;
}

const suite = (id: number, name: string, keyLength: 16 | 32, prfHash: PrfHash): AeadSuite => ({
  id,
  name,
  cipher: keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm',
  keyLength,
  prfHash,
});

/** RFC 5289 ECDHE suites with AES-GCM (the key exchange does not matter once the session exists). */
export const AEAD_SUITES: ReadonlyMap<number, AeadSuite> = new Map(
  [
    suite(0xc02b, 'ECDHE-ECDSA-AES128-GCM-SHA256', 16, 'sha256'),
    suite(0xc02c, 'ECDHE-ECDSA-AES256-GCM-SHA384', 32, 'sha384'),
    suite(0xc02f, 'ECDHE-RSA-AES128-GCM-SHA256', 16, 'sha256'),
    suite(0xc030, 'ECDHE-RSA-AES256-GCM-SHA384', 32, 'sha384'),
  ].map((s) => [s.id, s]),
);

const FIXED_IV_LENGTH = 4;
const EXPLICIT_NONCE_LENGTH = 8;
export const GCM_TAG_LENGTH = 16;
export const VERIFY_DATA_LENGTH = 12;
const RECORD_HEADER_LENGTH = 5;
const TLS12 = 0x0303;

const BLOCK_SIZE: Readonly<Record<PrfHash, number>> = { sha256: 64, sha384: 128 };

/** One HMAC's input (pad block ‖ data), reused (every function here is synchronous); grown for a longer one. */
let scratch = Buffer.allocUnsafeSlow(1024);

/**
 * HMAC (RFC 2104) as two one-shot hashes over the padded key. crypto.hash makes no hash object, and
 * with latin1 output its result is a short string, not an ArrayBuffer: the ~32 hashes of a
 * resumption leave the garbage collector nothing to sweep or free (createHmac's objects and
 * digest buffers showed up as GC time).
 */
class HmacKey {
  readonly #hash: PrfHash;
  readonly #ipad: Buffer;
  readonly #opad: Buffer;

  constructor(hash: PrfHash, key: Buffer) {
    this.#hash = hash;
    const block = BLOCK_SIZE[hash];
    const k = key.length > block ? nodeHash(hash, key, 'buffer') : key;
    this.#ipad = Buffer.allocUnsafe(block).fill(0x36);
    this.#opad = Buffer.allocUnsafe(block).fill(0x5c);
    for (let i = 0; i < k.length; i++) {
      this.#ipad[i]! ^= k[i]!;
      this.#opad[i]! ^= k[i]!;
    }
    if (k !== key) k.fill(0);
  }

  /** HMAC(key, first ‖ second) as a latin1 string (one char per octet); `first` may be such a string. */
  mac(first: string | Buffer, second?: Buffer): string {
    const block = this.#ipad.length;
    const needed = block + first.length + (second?.length ?? 0);
    if (needed > scratch.length) scratch = Buffer.allocUnsafeSlow(needed);
    this.#ipad.copy(scratch, 0);
    let n = block + (typeof first === 'string' ? scratch.write(first, block, 'latin1') : first.copy(scratch, block));
    if (second) n += second.copy(scratch, n);
    const inner = nodeHash(this.#hash, scratch.subarray(0, n), 'binary');
    this.#opad.copy(scratch, 0);
    n = block + scratch.write(inner, block, 'latin1');
    const result = nodeHash(this.#hash, scratch.subarray(0, n), 'binary');
    scratch.fill(0, 0, block);
    return result;
  }

  wipe(): void {
    this.#ipad.fill(0);
    this.#opad.fill(0);
  }
}

/** PRF(secret, label, seed) = P_hash(secret, label ‖ seed), truncated to `length`. */
export function tls12Prf(hash: PrfHash, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const key = new HmacKey(hash, secret);
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = Buffer.allocUnsafe(length);
  let a: string | Buffer = labelSeed; // A(0)
  let filled = 0;
  while (filled < length) {
    a = key.mac(a); // A(i) = HMAC(secret, A(i-1))
    const block = key.mac(a, labelSeed);
    filled += out.write(block.length <= length - filled ? block : block.slice(0, length - filled), filled, 'latin1');
  }
  key.wipe();
  return out;
}

/** A running handshake transcript hash. */
export class TranscriptHash {
  readonly #hash: Hash;

  constructor(hash: PrfHash) {
    this.#hash = createHash(hash);
  }

  update(...messages: Uint8Array[]): this {
    for (const m of messages) this.#hash.update(m);
    return this;
  }

  /** Hash of everything so far (the transcript can go on). */
  digest(): Buffer {
    return this.#hash.copy().digest();
  }
}

export interface RecordKeys {
  clientKey: Buffer;
  serverKey: Buffer;
  clientIv: Buffer;
  serverIv: Buffer;
}

/** key_block = PRF(master, "key expansion", server_random ‖ client_random); AEAD suites have no MAC keys. */
export function keyBlock(s: AeadSuite, masterSecret: Buffer, clientRandom: Buffer, serverRandom: Buffer): RecordKeys {
  const k = s.keyLength;
  const block = tls12Prf(s.prfHash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * k + 2 * FIXED_IV_LENGTH);
  return {
    clientKey: block.subarray(0, k),
    serverKey: block.subarray(k, 2 * k),
    clientIv: block.subarray(2 * k, 2 * k + FIXED_IV_LENGTH),
    serverIv: block.subarray(2 * k + FIXED_IV_LENGTH, 2 * k + 2 * FIXED_IV_LENGTH),
  };
}

/** verify_data = PRF(master, "client finished" | "server finished", Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(s: AeadSuite, masterSecret: Buffer, sender: 'client' | 'server', transcriptHash: Buffer): Buffer {
  return tls12Prf(s.prfHash, masterSecret, `${sender} finished`, transcriptHash, VERIFY_DATA_LENGTH);
}

function additionalData(seq: bigint, type: number, plaintextLength: number): Buffer {
  const ad = Buffer.allocUnsafe(13);
  ad.writeBigUInt64BE(seq, 0);
  ad[8] = type;
  ad.writeUInt16BE(TLS12, 9);
  ad.writeUInt16BE(plaintextLength, 11);
  return ad;
}

/** One GenericAEADCipher record, nonce_explicit = the sequence number (as OpenSSL does). */
export function sealRecord(s: AeadSuite, key: Buffer, iv: Buffer, seq: bigint, type: number, plaintext: Buffer): Buffer {
  const explicit = Buffer.allocUnsafe(EXPLICIT_NONCE_LENGTH);
  explicit.writeBigUInt64BE(seq, 0);
  const cipher = createCipheriv(s.cipher, key, Buffer.concat([iv, explicit]), { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(additionalData(seq, type, plaintext.length));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const fragmentLength = EXPLICIT_NONCE_LENGTH + body.length + GCM_TAG_LENGTH;
  const out = Buffer.allocUnsafe(RECORD_HEADER_LENGTH + fragmentLength);
  out[0] = type;
  out.writeUInt16BE(TLS12, 1);
  out.writeUInt16BE(fragmentLength, 3);
  explicit.copy(out, RECORD_HEADER_LENGTH);
  body.copy(out, RECORD_HEADER_LENGTH + EXPLICIT_NONCE_LENGTH);
  cipher.getAuthTag().copy(out, RECORD_HEADER_LENGTH + EXPLICIT_NONCE_LENGTH + body.length);
  return out;
}

/** The plaintext of one record's fragment, or undefined when it does not authenticate. */
export function openRecord(s: AeadSuite, key: Buffer, iv: Buffer, seq: bigint, type: number, fragment: Buffer): Buffer | undefined {
  if (fragment.length < EXPLICIT_NONCE_LENGTH + GCM_TAG_LENGTH) return undefined;
  const explicit = fragment.subarray(0, EXPLICIT_NONCE_LENGTH);
  const body = fragment.subarray(EXPLICIT_NONCE_LENGTH, fragment.length - GCM_TAG_LENGTH);
  const tag = fragment.subarray(fragment.length - GCM_TAG_LENGTH);
  try {
    const decipher = createDecipheriv(s.cipher, key, Buffer.concat([iv, explicit]), { authTagLength: GCM_TAG_LENGTH });
    decipher.setAAD(additionalData(seq, type, body.length));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}
