/**
 * The 256 RADIUS Identifiers of one UDP socket as a FIFO: a freed Identifier goes to the back, so a late reply
 * to an abandoned request rarely meets a request that reused its Identifier.
 */
export class IdFifo {
  readonly #free = new Uint8Array(256);
  #head = 0;
  #count = 256;

  constructor() {
    for (let i = 0; i < 256; i++) this.#free[i] = i;
  }

  get freeIds(): number {
    return this.#count;
  }

  takeId(): number {
    const id = this.#free[this.#head];
    this.#head = (this.#head + 1) & 255;
    this.#count--;
    return id;
  }

  releaseId(id: number): void {
    this.#free[(this.#head + this.#count) & 255] = id;
    this.#count++;
  }
}
