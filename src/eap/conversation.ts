/**
 * One EAP conversation (RFC 3748 §2, the server side of RFC 4137 in small): Identity, method
 * proposal, NAK, then the method's own exchange. Identifiers and State are checked by the
 * engine; this class decides what to send next.
 */
import { randomInt } from 'node:crypto';
import {
  EapType,
  type EapResponsePacket,
  eapTypeName,
  encodeEapFailure,
  encodeEapRequest,
  encodeEapSuccess,
} from './codec.js';
import type { ClientCertificateInfo } from './identity/certificate-info.js';
import type { EapMethod, EapMethodSession, EapResponseInfo, MethodSuccess } from './method.js';
import type { TableMember } from './conversations.js';
import { randomOctets } from './random-pool.js';
import type { EapLogger, EapMethodName, LogLevel } from './types.js';

export type ConversationPhase = 'IDENTITY' | 'PROPOSED' | 'METHOD' | 'DONE';

export type ResponsePacket = EapResponsePacket;

export type Outcome =
  | { kind: 'request'; eapMessage: Buffer }
  | { kind: 'success'; eapMessage: Buffer; method: EapMethodName; success: MethodSuccess }
  | { kind: 'failure'; eapMessage: Buffer; reason: string; method?: EapMethodName; certificate?: ClientCertificateInfo }
  | { kind: 'discard'; reason: string };

/** Longest outer identity kept (RADIUS User-Name limit). */
const MAX_IDENTITY_LENGTH = 253;

export interface ConversationInit {
  nas: string;
  /** Identifier of the last packet exchanged (a random one for EAP-Start). */
  identifier: number;
  /** Allowed methods for this NAS, in order of preference, already prepared. */
  allowed: readonly EapMethod[];
  maxRoundTrips: number;
  callingStationId?: string | undefined;
  log: EapLogger;
}

export class Conversation implements TableMember {
  readonly nas: string;
  /** Short random id for logs (never the State). */
  readonly id = randomOctets(4).toString('hex');
  readonly #allowed: readonly EapMethod[];
  readonly #maxRoundTrips: number;
  readonly #callingStationId: string | undefined;
  readonly #log: EapLogger;
  #phase: ConversationPhase = 'IDENTITY';
  #identifier: number;
  #rounds = 0;
  #busy = false;
  #outerIdentity: string | undefined;
  #method: EapMethod | undefined;
  #session: EapMethodSession | undefined;
  readonly #tried = new Set<number>();

  constructor(init: ConversationInit) {
    this.nas = init.nas;
    this.#identifier = init.identifier;
    this.#allowed = init.allowed;
    this.#maxRoundTrips = init.maxRoundTrips;
    this.#callingStationId = init.callingStationId;
    this.#log = bindLog(init.log, { nas: init.nas, session: this.id });
  }

  static identifierForStart(): number {
    return randomInt(256);
  }

  /** Identifier the next response must carry. */
  get identifier(): number {
    return this.#identifier;
  }

  get done(): boolean {
    return this.#phase === 'DONE';
  }

  get busy(): boolean {
    return this.#busy;
  }

  get outerIdentity(): string | undefined {
    return this.#outerIdentity;
  }

  get methodName(): EapMethodName | undefined {
    return this.#method?.name;
  }

  get log(): EapLogger {
    return this.#log;
  }

  /** EAP-Request/Identity, the answer to EAP-Start. */
  requestIdentity(): Outcome {
    return this.#request(EapType.Identity, Buffer.alloc(0));
  }

  async handle(packet: ResponsePacket, info: EapResponseInfo): Promise<Outcome> {
    this.#busy = true;
    try {
      return await this.#handle(packet, info);
    } finally {
      this.#busy = false;
    }
  }

  close(why: 'done' | 'timeout' | 'shutdown'): void {
    this.#log.debug({ why }, 'EAP conversation closed');
    this.#setPhase('DONE');
    this.#session?.close();
    this.#session = undefined;
  }

  async #handle(packet: ResponsePacket, info: EapResponseInfo): Promise<Outcome> {
    switch (this.#phase) {
      case 'IDENTITY':
        if (packet.type !== EapType.Identity) return discard(`expected EAP-Response/Identity, got ${eapTypeName(packet.type)}`);
        return this.#onIdentity(packet);
      case 'PROPOSED':
        if (packet.type === EapType.Nak) return this.#onNak(packet);
        if (packet.type !== this.#method?.type) return discard(`expected ${eapTypeName(this.#method?.type ?? 0)}, got ${eapTypeName(packet.type)}`);
        this.#setPhase('METHOD');
        return this.#runMethod(packet, info);
      case 'METHOD':
        if (packet.type !== this.#method?.type) return discard(`expected ${eapTypeName(this.#method?.type ?? 0)}, got ${eapTypeName(packet.type)}`);
        return this.#runMethod(packet, info);
      case 'DONE':
        return discard('conversation already finished');
    }
  }

  #onIdentity(packet: ResponsePacket): Outcome {
    // RFC 3748 §5.1: no NUL terminator; anything after a NUL is not the identity.
    const nul = packet.data.indexOf(0);
    const raw = nul >= 0 ? packet.data.subarray(0, nul) : packet.data;
    this.#outerIdentity = raw.toString('utf8').slice(0, MAX_IDENTITY_LENGTH);
    this.#log.debug({ identity: this.#outerIdentity }, 'EAP identity');
    const first = this.#allowed[0];
    if (!first) return this.#fail('no EAP method is allowed for this NAS');
    return this.#propose(first);
  }

  #onNak(packet: ResponsePacket): Outcome {
    const wanted = [...packet.data].filter((t) => t !== 0);
    const current = this.#method;
    if (current) this.#tried.add(current.type);
    this.#session?.close();
    this.#session = undefined;
    const next = this.#allowed.find((m) => wanted.includes(m.type) && !this.#tried.has(m.type));
    const refused = current ? eapTypeName(current.type) : 'the proposed method';
    if (!next) {
      const offer = wanted.length > 0 ? wanted.map(eapTypeName).join(', ') : 'nothing';
      return this.#fail(`peer refused ${refused} (NAK) and offered ${offer}; no allowed method in common`);
    }
    this.#log.info({ refused, next: eapTypeName(next.type) }, 'EAP NAK: switching method');
    return this.#propose(next);
  }

  #propose(method: EapMethod): Outcome {
    this.#method = method;
    this.#session = method.newSession({
      nas: this.nas,
      outerIdentity: this.#outerIdentity ?? '',
      callingStationId: this.#callingStationId,
      log: this.#log,
    });
    this.#setPhase('PROPOSED');
    return this.#request(method.type, this.#session.initiate());
  }

  async #runMethod(packet: ResponsePacket, info: EapResponseInfo): Promise<Outcome> {
    const session = this.#session;
    const method = this.#method;
    if (!session || !method) return this.#fail('no method session');
    const step = await session.process(packet.data, info);
    if (this.#phase === 'DONE') return discard('conversation ended while the method was working');
    switch (step.kind) {
      case 'request':
        return this.#request(method.type, step.typeData);
      case 'ignore':
        return discard(step.reason);
      case 'failure':
        return this.#fail(step.reason, step.certificate);
      case 'success':
        this.#setPhase('DONE');
        return { kind: 'success', eapMessage: encodeEapSuccess(this.#identifier), method: method.name, success: step.success };
    }
  }

  #request(type: number, typeData: Buffer): Outcome {
    if (++this.#rounds > this.#maxRoundTrips) return this.#fail(`more than ${this.#maxRoundTrips} EAP round trips`);
    this.#identifier = (this.#identifier + 1) & 0xff;
    return { kind: 'request', eapMessage: encodeEapRequest(this.#identifier, type, typeData) };
  }

  /** EAP-Failure carries the identifier of the response it answers (RFC 3748 §4.2). */
  #fail(reason: string, certificate?: ClientCertificateInfo): Outcome {
    this.#setPhase('DONE');
    const outcome: Outcome = { kind: 'failure', eapMessage: encodeEapFailure(this.#identifier), reason };
    if (this.#method) outcome.method = this.#method.name;
    if (certificate) outcome.certificate = certificate;
    return outcome;
  }

  #setPhase(to: ConversationPhase): void {
    if (this.#phase === to) return;
    this.#log.debug({ from: this.#phase, to }, 'EAP conversation state');
    this.#phase = to;
  }
}

function discard(reason: string): Outcome {
  return { kind: 'discard', reason };
}

/**
 * A logger that adds `bindings` to every line. The merged object is only built when the level is
 * enabled: a conversation logs a dozen debug lines, and at `warn` they must cost nothing.
 */
export function bindLog(log: EapLogger, bindings: object): EapLogger {
  const enabled = (level: LogLevel): boolean => log.isLevelEnabled?.(level) ?? true;
  return {
    debug: (obj, msg) => {
      if (enabled('debug')) log.debug({ ...bindings, ...obj }, msg);
    },
    info: (obj, msg) => {
      if (enabled('info')) log.info({ ...bindings, ...obj }, msg);
    },
    warn: (obj, msg) => {
      if (enabled('warn')) log.warn({ ...bindings, ...obj }, msg);
    },
    isLevelEnabled: enabled,
  };
}
