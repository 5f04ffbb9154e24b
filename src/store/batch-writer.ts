import type { Db } from './db.js';

type Job = { run: () => void; resolve: () => void; reject: (err: unknown) => void };

/**
 * Groups writes into one transaction per event-loop turn: one fsync covers every accounting packet that
 * arrived together, and each caller's promise resolves only after that transaction committed (so the
 * Accounting-Response is sent after the record is durable).
 */
export class BatchWriter {
  #queue: Job[] = [];
  #scheduled = false;
  readonly #db: Db;
  readonly #maxBatch: number;

  constructor(db: Db, maxBatch = 2000) {
    this.#db = db;
    this.#maxBatch = maxBatch;
  }

  /** Queues a write; the promise settles when its transaction commits or fails. */
  write(run: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ run, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
    this.#scheduled = false;
    while (this.#queue.length) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        this.#db.transaction(() => {
          for (const job of batch) job.run();
        })();
        for (const job of batch) job.resolve();
      } catch {
        // One bad job must not sink the others: retry them one by one.
        for (const job of batch) {
          try {
            this.#db.transaction(job.run)();
            job.resolve();
          } catch (jobErr) {
            job.reject(jobErr);
          }
        }
      }
    }
  }

  get pending(): number {
    return this.#queue.length;
  }
}
