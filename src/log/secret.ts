import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value (shared secret, client secret, password). It never prints: toString, JSON and
 * util.inspect all give "[redacted]", so it cannot leak into logs or error messages by accident.
 */
export class Secret {
  readonly #value: Buffer;
  /** Where it came from, safe to show: "inline", "env FOO", "file /etc/x". */
  readonly source: string;

  constructor(value: Buffer | string, source: string) {
    this.#value = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    this.source = source;
  }

  /** The bytes, for crypto only. */
  reveal(): Buffer {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  equals(other: Secret): boolean {
    return this.#value.equals(other.#value);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED}, ${this.source})`;
  }
}
