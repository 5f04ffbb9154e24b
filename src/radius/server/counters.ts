// Counters of what the listener did with each packet: admins read them in `portcullis status` and the logs.

export const DropReason = {
  Malformed: 'malformed',
  UnknownClient: 'unknown_client',
  BadAuthenticator: 'bad_authenticator',
  MissingMessageAuthenticator: 'missing_message_authenticator',
  UnexpectedCode: 'unexpected_code',
  DuplicateInFlight: 'duplicate_in_flight',
  NoReply: 'no_reply',
  HandlerError: 'handler_error',
} as const;
export type DropReasonValue = (typeof DropReason)[keyof typeof DropReason];

export class ListenerCounters {
  received = 0;
  answered = 0;
  duplicatesAnswered = 0;
  readonly dropped: Record<DropReasonValue, number> = {
    malformed: 0, unknown_client: 0, bad_authenticator: 0, missing_message_authenticator: 0,
    unexpected_code: 0, duplicate_in_flight: 0, no_reply: 0, handler_error: 0,
  };

  snapshot(): { received: number; answered: number; duplicatesAnswered: number; dropped: Record<string, number> } {
    return { received: this.received, answered: this.answered, duplicatesAnswered: this.duplicatesAnswered, dropped: { ...this.dropped } };
  }
}

/** Logs a given (source, reason) at most once per interval, with how many were suppressed meanwhile. */
export class RateLimitedLog {
  readonly #last = new Map<string, { at: number; suppressed: number }>();
  constructor(readonly intervalMs = 60_000, readonly now: () => number = Date.now) {}

  /** Returns the number of suppressed events to report, or -1 if this one must stay quiet. */
  admit(key: string): number {
    const t = this.now();
    const e = this.#last.get(key);
    if (e && t - e.at < this.intervalMs) {
      e.suppressed++;
      return -1;
    }
    const suppressed = e?.suppressed ?? 0;
    if (this.#last.size > 10_000) this.#last.clear(); // bounded under a flood of spoofed sources
    this.#last.set(key, { at: t, suppressed: 0 });
    return suppressed;
  }
}
