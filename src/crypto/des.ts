/**
 * Single-DES ECB of one block, as RFC 2759 §8.6 DesEncrypt() uses it for the MS-CHAPv2 NT-Response.
 *
 * Node 20's OpenSSL 3 has no `des-ecb` without the legacy provider, but `des-ede3-ecb` is in the
 * default provider: 3DES-EDE with K1 = K2 = K3 is E(K, D(K, E(K, x))) = E(K, x), i.e. single DES.
 */
import { createCipheriv } from 'node:crypto';

export const DES_BLOCK_LENGTH = 8;
/** RFC 2759 passes DES keys as 7 bytes (56 key bits, no parity bits). */
export const DES_RAW_KEY_LENGTH = 7;

/**
 * Spreads a 7-byte (56-bit) key over 8 bytes, 7 key bits per byte in the high bits, and sets the
 * low bit of each byte for odd parity (RFC 2759 §9.3 shows these "parity-corrected" keys).
 * DES ignores the parity bits; setting them just matches the RFC's printed keys.
 */
export function expandDesKey(key7: Uint8Array): Buffer {
  if (key7.length !== DES_RAW_KEY_LENGTH) {
    throw new RangeError(`DES raw key must be ${DES_RAW_KEY_LENGTH} bytes, got ${key7.length}`);
  }
  const key8 = Buffer.alloc(DES_BLOCK_LENGTH);
  for (let i = 0; i < DES_BLOCK_LENGTH; i++) {
    // Bits [7i, 7i+7) of the 56-bit big-endian key string.
    let bits = 0;
    for (let j = 0; j < 7; j++) {
      const bitIndex = 7 * i + j;
      const bit = (key7[bitIndex >> 3] >> (7 - (bitIndex & 7))) & 1;
      bits = (bits << 1) | bit;
    }
    const byte = bits << 1;
    key8[i] = byte | oddParityBit(byte);
  }
  return key8;
}

/** RFC 2759 §8.6 DesEncrypt(Clear[8], Key[7]) → Cypher[8]. */
export function desEncrypt(clear: Uint8Array, key7: Uint8Array): Buffer {
  if (clear.length !== DES_BLOCK_LENGTH) {
    throw new RangeError(`DES block must be ${DES_BLOCK_LENGTH} bytes, got ${clear.length}`);
  }
  const key8 = expandDesKey(key7);
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key8, key8, key8]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(clear), cipher.final()]);
}

/** 1 if the seven high bits of `byte` hold an even number of ones (so the total becomes odd). */
function oddParityBit(byte: number): number {
  let ones = 0;
  for (let b = byte >> 1; b !== 0; b >>= 1) ones += b & 1;
  return ones % 2 === 0 ? 1 : 0;
}
