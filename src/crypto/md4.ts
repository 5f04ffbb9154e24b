/**
 * MD4 (RFC 1320), needed only for the NT password hash of MS-CHAPv2 (RFC 2759 §8.3).
 *
 * Node 20's OpenSSL 3 refuses `createHash('md4')` unless the process runs with the legacy
 * provider, so we use hash-wasm's WebAssembly MD4 instead. Its hasher needs one async load;
 * after that every digest is synchronous, which keeps the MS-CHAPv2 functions pure and sync.
 *
 * Usage: `await initMd4()` once at start-up (app.ts, test `beforeAll`), then `md4(bytes)`.
 */
import { createMD4, type IHasher } from 'hash-wasm';

/** Thrown by `md4()` when `initMd4()` has not finished: a start-up ordering bug, never input-driven. */
export class Md4NotReadyError extends Error {
  override readonly name = 'Md4NotReadyError';
  constructor() {
    super('MD4 is not initialised: await initMd4() at start-up before using MS-CHAPv2');
  }
}

let hasher: IHasher | undefined;
let loading: Promise<void> | undefined;

/** Loads the WebAssembly MD4 once. Safe to call many times; a failed load may be retried. */
export function initMd4(): Promise<void> {
  loading ??= createMD4().then(
    (h) => {
      hasher = h;
    },
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/** True once `initMd4()` has completed. */
export function isMd4Ready(): boolean {
  return hasher !== undefined;
}

/**
 * MD4 digest (16 bytes) of `data`. Synchronous; throws Md4NotReadyError before `initMd4()`.
 * One shared hasher is safe: init/update/digest run to completion without yielding.
 */
export function md4(data: Uint8Array): Buffer {
  if (hasher === undefined) throw new Md4NotReadyError();
  hasher.init();
  hasher.update(data);
  // digest('binary') returns a view into WASM memory that the next call overwrites: copy it.
  return Buffer.from(hasher.digest('binary'));
}
