import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Logger } from '../../log/logger.js';
import type { SsfSettings } from '../config.js';
import { KeysUnavailableError, SetError, type SetErrorCode } from './errors.js';
import { boundedGet } from './fetch.js';
import type { SetValidator, VerifiedSet } from './validate.js';

// RFC 8936 poll delivery, for transmitters that do not push: POST {maxEvents, returnImmediately, ack, setErrs}
// to the poll endpoint; the answer is {sets: {jti: SET}, moreAvailable}. Each SET goes through the same
// validation and application as a pushed one; its jti is acknowledged in the next poll, or reported in setErrs
// with the RFC 8935 error code. A jti seen before is acknowledged again (the transmitter missed our ack).
// SETs whose keys could not be read are neither: the transmitter delivers them again.

const answerSchema = z.object({
  sets: z.record(z.string()).default({}),
  moreAvailable: z.boolean().optional(),
});

/** Polls in a row while the transmitter says more are available (bounded per tick). */
const MAX_ROUNDS_PER_TICK = 10;
const TIMEOUT_MS = 10_000;

export interface PollResult {
  received: number;
  acknowledged: number;
  refused: number;
  moreAvailable: boolean;
}

export class SetPoller {
  readonly #poll: NonNullable<SsfSettings['poll']>;
  readonly #ca: Buffer | undefined;
  readonly #validator: SetValidator;
  readonly #apply: (set: VerifiedSet) => void;
  readonly #log: Logger;
  #acks: string[] = [];
  #errs: Record<string, { err: SetErrorCode; description: string }> = {};
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(settings: SsfSettings, o: { validator: SetValidator; apply: (set: VerifiedSet) => void; log: Logger }) {
    if (!settings.poll) throw new TypeError('ssf.poll is not configured');
    this.#poll = settings.poll;
    this.#ca = settings.caFile ? readFileSync(settings.caFile) : undefined;
    this.#validator = o.validator;
    this.#apply = o.apply;
    this.#log = o.log;
  }

  /** Polls now, then every interval (timer unref'd). */
  start(): void {
    if (this.#timer || this.#closed) return;
    const tick = () => {
      this.#running ??= this.#tick().finally(() => {
        this.#running = undefined;
      });
    };
    tick();
    this.#timer = setInterval(tick, this.#poll.intervalMs);
    this.#timer.unref();
  }

  /** Stops polling; a poll in progress finishes (its acks are not sent). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #tick(): Promise<void> {
    try {
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !this.#closed; round++) {
        const r = await this.pollOnce();
        if (!r.moreAvailable) break;
      }
    } catch (err) {
      this.#log.warn({ endpoint: this.#poll.endpointUrl, err: (err as Error).message }, 'SSF poll failed; retrying at the next interval');
    }
  }

  /** One poll request: sends the pending acks/errors, applies the SETs received. */
  async pollOnce(): Promise<PollResult> {
    const ack = this.#acks;
    const setErrs = this.#errs;
    const body = JSON.stringify({ maxEvents: this.#poll.maxEvents, returnImmediately: true, ack, ...(Object.keys(setErrs).length ? { setErrs } : {}) });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#poll.authorization) headers.authorization = this.#poll.authorization.reveal().toString('utf8');
    const res = await boundedGet(this.#poll.endpointUrl, {
      method: 'POST', body, headers, ca: this.#ca, timeoutMs: TIMEOUT_MS, maxBytes: Math.min(16 * 1024 * 1024, this.#poll.maxEvents * 64 * 1024),
    });
    if (res.status !== 200) throw new Error(`the poll endpoint answered HTTP ${res.status}`);
    let answer: z.infer<typeof answerSchema>;
    try {
      answer = answerSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw new Error('the poll endpoint did not answer {sets, moreAvailable}');
    }
    // The acks and errors went through: start new lists.
    this.#acks = [];
    this.#errs = {};
    const result: PollResult = { received: 0, acknowledged: 0, refused: 0, moreAvailable: answer.moreAvailable === true };
    for (const [jti, token] of Object.entries(answer.sets)) {
      result.received++;
      try {
        this.#apply(await this.#validator.validate(token.trim()));
        this.#acks.push(jti);
        result.acknowledged++;
      } catch (err) {
        if (err instanceof SetError && err.duplicate) {
          this.#acks.push(jti);
          result.acknowledged++;
        } else if (err instanceof SetError) {
          this.#errs[jti] = { err: err.err, description: err.message };
          result.refused++;
          this.#log.warn({ jti, err: err.err, description: err.message }, 'polled SET refused');
        } else if (err instanceof KeysUnavailableError) {
          this.#log.warn({ jti, err: err.message }, 'polled SET left for redelivery: the transmitter keys cannot be read');
        } else {
          throw err;
        }
      }
    }
    return result;
  }

  /** jti values to acknowledge in the next poll (tests). */
  get pendingAcks(): readonly string[] {
    return this.#acks;
  }
}
