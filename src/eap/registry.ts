/**
 * Which EAP methods exist. Each method registers a factory under its name and Type code
 * (hostapd eap_server_methods.c); duplicates are refused. TTLS and PEAP register here too.
 */
import type { EapMethod } from './method.js';
import type { ResolvedEapOptions } from './options.js';
import type { TlsSessionCache } from './tls/session-cache.js';
import type { TlsStats } from './tls/tls-endpoint.js';
import type { EapLogger, EapMethodName } from './types.js';

export interface EapMethodEnvironment {
  readonly options: ResolvedEapOptions;
  /** 48-octet TLS ticket keys shared by all generations of this engine. */
  readonly ticketKeys: Buffer;
  readonly log: EapLogger;
  /** Engine-wide counters shared by every generation (live TLS connections). */
  readonly tlsStats: TlsStats;
  /** Engine-wide TLS session-ID cache shared by every generation and TLS-based method. */
  readonly tlsSessionCache: TlsSessionCache;
}

export interface EapMethodDefinition {
  readonly name: EapMethodName;
  readonly type: number;
  /** Builds the method for one configuration generation (may throw on bad keys/certs). */
  create(env: EapMethodEnvironment): EapMethod;
}

export class EapMethodRegistry {
  readonly #byName = new Map<EapMethodName, EapMethodDefinition>();

  register(definition: EapMethodDefinition): this {
    if (this.#byName.has(definition.name)) throw new Error(`EAP method "${definition.name}" is already registered`);
    for (const other of this.#byName.values()) {
      if (other.type === definition.type) throw new Error(`EAP type ${definition.type} is already registered as "${other.name}"`);
    }
    this.#byName.set(definition.name, definition);
    return this;
  }

  get(name: EapMethodName): EapMethodDefinition | undefined {
    return this.#byName.get(name);
  }

  names(): EapMethodName[] {
    return [...this.#byName.keys()];
  }
}
