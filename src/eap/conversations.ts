/**
 * Live EAP conversations keyed by RADIUS State (RFC 2865 §5.24): 32 CSPRNG octets, fresh for
 * every Access-Challenge, valid only for the NAS it was sent to. Each conversation has an idle
 * timer; the table is capped so a flood of EAP-Starts cannot exhaust memory (new conversations
 * are refused, existing ones continue).
 */
import { randomOctets } from './random-pool.js';

export const STATE_LENGTH = 32;

export interface TableMember {
  readonly nas: string;
  /** Frees the member's resources (TLS sockets...). Called once when it leaves the table. */
  close(why: 'done' | 'timeout' | 'shutdown'): void;
}

interface Slot {
  key: string;
  timer: NodeJS.Timeout;
}

export interface TableLimits {
  maxConversations: number;
  timeoutMs: number;
}

export class ConversationTable<C extends TableMember> {
  readonly #byKey = new Map<string, C>();
  readonly #slots = new Map<C, Slot>();
  readonly #onTimeout: (member: C) => void;
  #limits: TableLimits;

  constructor(limits: TableLimits, onTimeout: (member: C) => void = () => {}) {
    this.#limits = limits;
    this.#onTimeout = onTimeout;
  }

  get size(): number {
    return this.#slots.size;
  }

  get full(): boolean {
    return this.#slots.size >= this.#limits.maxConversations;
  }

  get limits(): TableLimits {
    return this.#limits;
  }

  /** New limits apply to members inserted afterwards; nobody is evicted by a lower cap. */
  setLimits(limits: TableLimits): void {
    this.#limits = limits;
  }

  has(member: C): boolean {
    return this.#slots.has(member);
  }

  /** The member that was sent `state`, if it belongs to `nas` (a State from another NAS finds nothing). */
  find(state: Buffer, nas: string): C | undefined {
    if (state.length !== STATE_LENGTH) return undefined;
    const member = this.#byKey.get(state.toString('latin1'));
    return member && member.nas === nas ? member : undefined;
  }

  /**
   * Issues a fresh State for `member` (inserting it if new) and re-arms its idle timer.
   * The previous State stops working. Returns undefined when a new member does not fit.
   */
  issueState(member: C): Buffer | undefined {
    const slot = this.#slots.get(member);
    if (!slot && this.full) return undefined;
    const state = randomOctets(STATE_LENGTH);
    const key = state.toString('latin1');
    if (slot) {
      this.#byKey.delete(slot.key);
      slot.key = key;
      slot.timer.refresh();
    } else {
      const timer = setTimeout(() => this.#expire(member), this.#limits.timeoutMs);
      timer.unref();
      this.#slots.set(member, { key, timer });
    }
    this.#byKey.set(key, member);
    return state;
  }

  /** Takes `member` out and closes it. */
  remove(member: C, why: 'done' | 'timeout' | 'shutdown' = 'done'): void {
    const slot = this.#slots.get(member);
    if (slot) {
      clearTimeout(slot.timer);
      this.#byKey.delete(slot.key);
      this.#slots.delete(member);
    }
    member.close(why);
  }

  clear(): void {
    for (const member of [...this.#slots.keys()]) this.remove(member, 'shutdown');
  }

  #expire(member: C): void {
    if (!this.#slots.has(member)) return;
    this.remove(member, 'timeout');
    this.#onTimeout(member);
  }
}
