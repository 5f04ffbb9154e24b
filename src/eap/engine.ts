/**
 * The EAP engine the RADIUS layer calls once per Access-Request carrying EAP-Message.
 * It owns the conversation table and the prepared methods; it does no network I/O.
 */
import { randomBytes } from 'node:crypto';
import { EapCode, EapType, decodeEapPacket, encodeEapFailure, type EapPacket } from './codec.js';
import { Conversation, bindLog, type Outcome, type ResponsePacket } from './conversation.js';
import { ConversationTable } from './conversations.js';
import { EapConfigError, EapDecodeError } from './errors.js';
import type { EapMethod } from './method.js';
import { EAP_DEFAULTS, resolveEapOptions, type EapEngineOptions, type ResolvedEapOptions } from './options.js';
import { createDefaultRegistry } from './default-registry.js';
import type { EapMethodRegistry } from './registry.js';
import { TlsSessionCache } from './tls/session-cache.js';
import type { TlsStats } from './tls/tls-endpoint.js';
import { silentLogger, type EapLogger, type EapMethodName, type EapRequest, type EapResult } from './types.js';

/** One configuration: options plus the methods built from them. Conversations keep theirs across reloads. */
interface Generation {
  readonly options: ResolvedEapOptions;
  readonly methods: ReadonlyMap<EapMethodName, EapMethod>;
}

export class EapEngine {
  readonly #log: EapLogger;
  #ticketKeys: Buffer;
  readonly #table: ConversationTable<Conversation>;
  readonly #tlsStats: TlsStats = { openConnections: 0 };
  readonly #sessionCache: TlsSessionCache;
  #registry: EapMethodRegistry;
  #generation: Generation;
  #closed = false;

  constructor(options: EapEngineOptions, log: EapLogger = silentLogger) {
    this.#log = log;
    this.#registry = options.registry ?? createDefaultRegistry();
    this.#ticketKeys = options.tls.ticketKeys ?? randomBytes(48);
    const lifetime = options.tls.resumption?.lifetimeSeconds ?? EAP_DEFAULTS.resumptionLifetimeSeconds;
    this.#sessionCache = new TlsSessionCache(options.tls.resumption?.cacheEntries ?? EAP_DEFAULTS.sessionCacheEntries, lifetime);
    this.#generation = this.#build(options, this.#registry, this.#ticketKeys);
    const o = this.#generation.options;
    this.#table = new ConversationTable<Conversation>(
      { maxConversations: o.maxConversations, timeoutMs: o.timeoutSeconds * 1000 },
      (conv) => conv.log.info({ outerIdentity: conv.outerIdentity, method: conv.methodName }, 'EAP conversation timed out'),
    );
  }

  /** Live conversations. */
  get conversations(): number {
    return this.#table.size;
  }

  /** TLS connections not yet destroyed (all generations): a gauge, and proof nothing leaks. */
  get tlsConnections(): number {
    return this.#tlsStats.openConnections;
  }

  /**
   * Builds trust, CRLs, keys and limits anew for conversations that start from now on; running
   * conversations finish on the configuration they started with. Throws EapConfigError (and
   * keeps the old configuration) when the new options are unusable.
   */
  reload(options: EapEngineOptions): void {
    const registry = options.registry ?? this.#registry;
    const ticketKeys = options.tls.ticketKeys ?? this.#ticketKeys;
    const generation = this.#build(options, registry, ticketKeys);
    [this.#generation, this.#registry, this.#ticketKeys] = [generation, registry, ticketKeys];
    this.#sessionCache.setLifetime(generation.options.tls.resumption.lifetimeSeconds);
    const o = generation.options;
    this.#table.setLimits({ maxConversations: o.maxConversations, timeoutMs: o.timeoutSeconds * 1000 });
    this.#log.info({ methods: [...generation.methods.keys()] }, 'EAP configuration reloaded');
  }

  /** Ends every conversation and refuses further work (tests, shutdown). */
  close(): void {
    this.#closed = true;
    this.#table.clear();
    this.#sessionCache.clear();
  }

  /** Never rejects: a bug inside a conversation drops that request and is logged. */
  async process(req: EapRequest): Promise<EapResult> {
    try {
      return await this.#process(req);
    } catch (err) {
      bindLog(this.#log, { nas: req.nas }).warn({ error: (err as Error).message }, 'EAP engine error; request dropped');
      return { kind: 'discard', reason: 'internal error' };
    }
  }

  async #process(req: EapRequest): Promise<EapResult> {
    if (this.#closed) return { kind: 'discard', reason: 'EAP engine is closed' };
    if (req.eapMessage.length === 0) return this.#start(req);

    let packet: EapPacket;
    try {
      packet = decodeEapPacket(req.eapMessage);
    } catch (err) {
      return { kind: 'discard', reason: `malformed EAP-Message: ${err instanceof EapDecodeError ? err.message : String(err)}` };
    }
    if (packet.code !== EapCode.Response) return { kind: 'discard', reason: `EAP code ${packet.code} is not a Response` };

    const known = req.state ? this.#table.find(req.state, req.nas) : undefined;
    if (known) {
      if (known.busy) return { kind: 'discard', reason: 'previous request of this conversation still in progress' };
      if (packet.identifier !== known.identifier) {
        return { kind: 'discard', reason: `EAP identifier ${packet.identifier} does not match the last request (${known.identifier})` };
      }
      return this.#finish(known, await known.handle(packet, req));
    }
    // A new authentication starts with Identity; some NASes still echo an old State in it.
    if (packet.type !== EapType.Identity) {
      return { kind: 'discard', reason: req.state ? 'unknown or expired State' : 'EAP-Response without State' };
    }
    return this.#begin(req, packet);
  }

  #start(req: EapRequest): EapResult {
    if (this.#table.full) return this.#refuse(req, encodeEapFailure(0));
    const conv = this.#newConversation(req, Conversation.identifierForStart());
    return this.#finish(conv, conv.requestIdentity());
  }

  async #begin(req: EapRequest, packet: ResponsePacket): Promise<EapResult> {
    if (this.#table.full) return this.#refuse(req, encodeEapFailure(packet.identifier));
    const conv = this.#newConversation(req, packet.identifier);
    return this.#finish(conv, await conv.handle(packet, req));
  }

  #newConversation(req: EapRequest, identifier: number): Conversation {
    const generation = this.#generation;
    const wanted = req.allowedMethods ?? generation.options.methods;
    const allowed: EapMethod[] = [];
    for (const name of wanted) {
      const method = generation.methods.get(name);
      if (method && !allowed.includes(method)) allowed.push(method);
    }
    return new Conversation({
      nas: req.nas,
      identifier,
      allowed,
      maxRoundTrips: generation.options.maxRoundTrips,
      callingStationId: req.callingStationId,
      log: this.#log,
    });
  }

  #refuse(req: EapRequest, eapMessage: Buffer): EapResult {
    const reason = `too many concurrent EAP conversations (limit ${this.#table.limits.maxConversations})`;
    bindLog(this.#log, { nas: req.nas }).warn({ callingStationId: req.callingStationId }, reason);
    return { kind: 'failure', eapMessage, reason };
  }

  /** Turns a conversation outcome into the RADIUS-facing result and updates the table. */
  #finish(conv: Conversation, outcome: Outcome): EapResult {
    switch (outcome.kind) {
      case 'discard':
        return outcome;
      case 'request': {
        if (this.#closed || conv.done) {
          conv.close('shutdown');
          return { kind: 'discard', reason: 'conversation ended while processing' };
        }
        const state = this.#table.issueState(conv);
        if (!state) {
          conv.close('shutdown');
          return this.#refuse({ nas: conv.nas, eapMessage: Buffer.alloc(0) }, encodeEapFailure(conv.identifier));
        }
        return { kind: 'challenge', eapMessage: outcome.eapMessage, state };
      }
      case 'success': {
        this.#table.remove(conv);
        const s = outcome.success;
        const result: EapResult = {
          kind: 'success',
          eapMessage: outcome.eapMessage,
          msk: s.msk,
          emsk: s.emsk,
          method: outcome.method,
          outerIdentity: conv.outerIdentity ?? '',
        };
        if (s.sessionId) result.sessionId = s.sessionId;
        if (s.innerIdentity !== undefined) result.innerIdentity = s.innerIdentity;
        if (s.certificate) result.certificate = s.certificate;
        if (s.tlsVersion) result.tlsVersion = s.tlsVersion;
        if (s.resumed !== undefined) result.resumed = s.resumed;
        conv.log.info({ method: outcome.method, outerIdentity: result.outerIdentity, udid: s.certificate?.udid, tlsVersion: s.tlsVersion, resumed: s.resumed }, 'EAP success');
        return result;
      }
      case 'failure': {
        this.#table.remove(conv);
        const result: EapResult = { kind: 'failure', eapMessage: outcome.eapMessage, reason: outcome.reason };
        if (outcome.method) result.method = outcome.method;
        if (conv.outerIdentity !== undefined) result.outerIdentity = conv.outerIdentity;
        if (outcome.certificate) result.certificate = outcome.certificate;
        conv.log.info({ method: outcome.method, outerIdentity: conv.outerIdentity, reason: outcome.reason, udid: outcome.certificate?.udid }, 'EAP failure');
        return result;
      }
    }
  }

  #build(options: EapEngineOptions, registry: EapMethodRegistry, ticketKeys: Buffer): Generation {
    const resolved = resolveEapOptions(options);
    const methods = new Map<EapMethodName, EapMethod>();
    const problems: string[] = [];
    for (const name of resolved.methods) {
      const definition = registry.get(name);
      if (!definition) {
        problems.push(`methods: "${name}" is not available in this build`);
        continue;
      }
      try {
        methods.set(name, definition.create({ options: resolved, ticketKeys, log: this.#log, tlsStats: this.#tlsStats, tlsSessionCache: this.#sessionCache }));
      } catch (err) {
        problems.push(`${name}: ${(err as Error).message}`);
      }
    }
    if (problems.length > 0) throw new EapConfigError(problems);
    return { options: resolved, methods };
  }
}
