// The bounded queue between "webhook accepted" and "device fetched from Jamf": a few jobs run at once (Jamf
// asks for ≤ 5 connections, and the client's own limiter enforces it), a job already waiting under the same
// key is not queued twice, and a batch that does not fit is refused as a whole (the caller answers 503).

export interface Job {
  /** Jobs with the same key waiting at the same time run once ("computer:17"). */
  key: string;
  run: () => Promise<void>;
}

export interface WorkQueueOptions {
  capacity: number;
  concurrency: number;
  /** A job that throws: logged by the owner; the queue carries on. */
  onError: (key: string, err: unknown) => void;
}

export class WorkQueue {
  readonly #waiting = new Map<string, Job>();
  readonly #o: WorkQueueOptions;
  readonly #idle = new Set<() => void>();
  #running = 0;
  #closed = false;

  constructor(options: WorkQueueOptions) {
    this.#o = options;
  }

  /** Jobs waiting plus running. */
  get size(): number {
    return this.#waiting.size + this.#running;
  }

  /** Queues every job or none: false when they do not fit (or the queue is closed). */
  tryAdd(jobs: readonly Job[]): boolean {
    if (this.#closed) return false;
    const fresh = new Map<string, Job>();
    for (const j of jobs) if (!this.#waiting.has(j.key)) fresh.set(j.key, j);
    if (this.size + fresh.size > this.#o.capacity) return false;
    for (const [k, j] of fresh) this.#waiting.set(k, j);
    this.#pump();
    return true;
  }

  /** Resolves when nothing is waiting or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  /** Drops waiting jobs; running ones finish. */
  close(): void {
    this.#closed = true;
    this.#waiting.clear();
    this.#settle();
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#waiting.size > 0) {
      const [key, job] = this.#waiting.entries().next().value as [string, Job];
      this.#waiting.delete(key);
      this.#running++;
      job.run()
        .catch((err: unknown) => this.#o.onError(key, err))
        .finally(() => {
          this.#running--;
          this.#pump();
          this.#settle();
        });
    }
  }

  #settle(): void {
    if (this.size > 0) return;
    for (const resolve of this.#idle) resolve();
    this.#idle.clear();
  }
}
