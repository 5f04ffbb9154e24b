import { randomInt } from 'node:crypto';

// RADIUS Identifiers are one octet: per NAS, no two outstanding requests may share one, or a reply could be taken
// for the wrong request. Each NAS gets its own 256 and a random starting point; ids are handed out in rotation,
// so a just-freed id is the last to be reused (a late duplicate reply then fails the authenticator check anyway).

class IdentifierPool {
  readonly #inUse = new Uint8Array(256);
  #count = 0;
  #next = randomInt(256);

  get size(): number {
    return this.#count;
  }

  acquire(): number | undefined {
    if (this.#count === 256) return undefined;
    for (let i = 0; i < 256; i++) {
      const id = (this.#next + i) & 0xff;
      if (!this.#inUse[id]) {
        this.#inUse[id] = 1;
        this.#count++;
        this.#next = (id + 1) & 0xff;
        return id;
      }
    }
    return undefined;
  }

  release(id: number): void {
    if (this.#inUse[id]) {
      this.#inUse[id] = 0;
      this.#count--;
    }
  }
}

/**
 * Identifier pools keyed by NAS ("address|port"). A pool stays when nothing is outstanding (256 bytes per NAS):
 * paced requests to one NAS would otherwise build a new pool, at a new random start, for every request.
 */
export class NasIdentifiers {
  readonly #pools = new Map<string, IdentifierPool>();

  hasFree(nas: string): boolean {
    return (this.#pools.get(nas)?.size ?? 0) < 256;
  }

  acquire(nas: string): number | undefined {
    let pool = this.#pools.get(nas);
    if (!pool) this.#pools.set(nas, (pool = new IdentifierPool()));
    return pool.acquire();
  }

  release(nas: string, id: number): void {
    const pool = this.#pools.get(nas);
    if (!pool) return;
    pool.release(id);
  }

  outstanding(nas: string): number {
    return this.#pools.get(nas)?.size ?? 0;
  }
}
