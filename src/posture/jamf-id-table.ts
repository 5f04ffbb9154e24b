// Devices of one kind by Jamf id. Jamf ids are small integers handed out in sequence, so an array indexed
// by the id holds 100,000 devices in 8 bytes each where a Map needs ~40 (and as much again in garbage while
// it grows). Any other id goes to a Map; V8 itself turns a very sparse array into a dictionary.

const DENSE_ID = /^(?:0|[1-9]\d{0,8})$/;

function denseIndex(id: string): number {
  return DENSE_ID.test(id) ? Number(id) : -1;
}

export class JamfIdTable<V> {
  readonly #dense: (V | undefined)[] = [];
  readonly #other = new Map<string, V>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(id: string): V | undefined {
    const i = denseIndex(id);
    return i >= 0 ? this.#dense[i] : this.#other.get(id);
  }

  set(id: string, value: V): void {
    const i = denseIndex(id);
    if (i < 0) {
      if (!this.#other.has(id)) this.#size++;
      this.#other.set(id, value);
      return;
    }
    if (this.#dense[i] === undefined) this.#size++;
    this.#dense[i] = value;
  }

  delete(id: string): boolean {
    const i = denseIndex(id);
    if (i < 0) {
      if (!this.#other.delete(id)) return false;
    } else {
      if (this.#dense[i] === undefined) return false;
      this.#dense[i] = undefined; // not `delete`: that could turn the array into a dictionary
    }
    this.#size--;
    return true;
  }

  /** Ascending id (dense ids first). */
  *values(): Generator<V> {
    for (const v of this.#dense) if (v !== undefined) yield v;
    yield* this.#other.values();
  }
}
