import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Logger } from '../../log/logger.js';
import { isLoopback, type SsfSettings } from '../config.js';
import { KeysUnavailableError } from './errors.js';
import { boundedGet } from './fetch.js';

// The transmitter's signing keys. The SSF configuration metadata (/.well-known/ssf-configuration…) names the
// jwks_uri; its `issuer` must be exactly the configured one. jose's remote JWK set caches the keys, matches
// them by kid/alg, and refetches on an unknown kid at most once per cooldown (so a flood of SETs with random
// kids cannot become a flood of requests to the transmitter).

const FETCH_TIMEOUT_MS = 5000;
const MAX_DOCUMENT_BYTES = 256 * 1024;

const metadataSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string().url(),
  delivery_methods_supported: z.array(z.string()).optional(),
  spec_version: z.string().optional(),
}).passthrough();

export type SsfMetadata = z.infer<typeof metadataSchema>;

function fetchUrlProblem(url: string): string | undefined {
  const u = new URL(url);
  if (u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u.hostname))) return undefined;
  return `${url} is not https`;
}

export class TransmitterKeys {
  readonly #s: SsfSettings;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #ca: Buffer | undefined;
  #keySet: JWTVerifyGetKey | undefined;
  #jwksUri: string | undefined;
  #discovering: Promise<JWTVerifyGetKey> | undefined;
  #failure: { at: number; message: string } | undefined;

  constructor(settings: SsfSettings, log: Logger, now: () => number = Date.now) {
    this.#s = settings;
    this.#log = log;
    this.#now = now;
    this.#ca = settings.caFile ? readFileSync(settings.caFile) : undefined;
  }

  /** For jwtVerify: the key for this header (discovers the JWKS first when needed). */
  readonly getKey: JWTVerifyGetKey = async (header, token) => (await this.#set())(header, token);

  /** Reads the metadata now (a start-up check); resolves to the jwks_uri in use. */
  async discover(): Promise<string> {
    await this.#set();
    return this.#jwksUri!;
  }

  #set(): Promise<JWTVerifyGetKey> {
    if (this.#keySet) return Promise.resolve(this.#keySet);
    if (this.#failure && this.#now() - this.#failure.at < this.#s.jwksRefreshMs) {
      return Promise.reject(new KeysUnavailableError(this.#failure.message));
    }
    this.#discovering ??= this.#build()
      .then((set) => {
        this.#keySet = set;
        this.#failure = undefined;
        return set;
      }, (err: unknown) => {
        const message = `cannot read the SSF transmitter's metadata: ${(err as Error).message}`;
        this.#failure = { at: this.#now(), message };
        this.#log.error({ url: this.#s.metadataUrl }, message);
        throw new KeysUnavailableError(message);
      })
      .finally(() => {
        this.#discovering = undefined;
      });
    return this.#discovering;
  }

  async #build(): Promise<JWTVerifyGetKey> {
    const jwksUri = this.#s.jwksUri ?? (await this.#metadata()).jwks_uri;
    const problem = fetchUrlProblem(jwksUri);
    if (problem) throw new Error(`jwks_uri ${problem}`);
    this.#jwksUri = jwksUri;
    this.#log.info({ jwksUri }, 'SSF transmitter keys will be read from its JWKS');
    return createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: this.#s.jwksRefreshMs,
      timeoutDuration: FETCH_TIMEOUT_MS,
      [customFetch]: this.#fetch,
    });
  }

  async #metadata(): Promise<SsfMetadata> {
    const res = await boundedGet(this.#s.metadataUrl, { ca: this.#ca, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_DOCUMENT_BYTES });
    if (res.status !== 200) throw new Error(`GET ${this.#s.metadataUrl} answered HTTP ${res.status}`);
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new Error(`${this.#s.metadataUrl} is not JSON`);
    }
    const parsed = metadataSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${this.#s.metadataUrl}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    // The metadata must belong to the issuer we trust (SSF 1.0 §7.2): otherwise its keys mean nothing.
    if (parsed.data.issuer !== this.#s.issuer) {
      throw new Error(`its issuer "${parsed.data.issuer}" is not the configured issuer "${this.#s.issuer}"`);
    }
    return parsed.data;
  }

  /** jose's fetch hook, on node:https so ca_file applies; bounded like the metadata fetch. */
  readonly #fetch: FetchImplementation = async (url, options) => {
    const res = await boundedGet(url, {
      ca: this.#ca, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_DOCUMENT_BYTES, signal: options.signal,
      headers: Object.fromEntries(options.headers.entries()),
    });
    return new Response(new Uint8Array(res.body), { status: res.status, headers: res.headers });
  };
}
