/**
 * CSPRNG octets for values the EAP layer needs many small pieces of (RADIUS State, log ids,
 * TLS server randoms): one 4 KiB randomFillSync instead of one OpenSSL call per piece.
 * Every refill is a new buffer, so a slice handed out is never overwritten or handed out twice.
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;

let pool = Buffer.alloc(0);
let offset = 0;

/** `length` fresh random octets (a view into the pool; never shared with another caller). */
export function randomOctets(length: number): Buffer {
  if (length > POOL_SIZE / 4) return randomFillSync(Buffer.allocUnsafe(length));
  if (offset + length > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_SIZE));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + length);
  offset += length;
  return out;
}
