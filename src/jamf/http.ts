import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import got, { HTTPError, RequestError, type Got, type RetryObject } from 'got';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Logger } from '../log/logger.js';
import { classicXmlToJson, looksLikeXml } from './classic-xml.js';
import { FAIL, fastParser } from './fast-parse.js';
import { jamfStartupWarnings, type JamfConfig } from './config.js';
import { JamfError, classifyNetworkError, hintForStatus, redact, summariseErrorBody } from './errors.js';
import { Limiter } from './limiter.js';
import { PageRowReader, PageShapeError, PageSyntaxError, readPageStream, type PageRowsEnd } from './page-rows.js';
import { oauthErrorSchema, oauthTokenSchema, pageOf } from './schemas.js';
import { TokenManager, type IssuedToken } from './token.js';

// The one place that talks HTTP to Jamf: got with a prefix URL, at most `maxConcurrency` requests and
// connections, retries with capped exponential backoff (Retry-After honoured) on 408/429/5xx and network
// errors, OAuth client-credentials tokens, and one fresh token + one retry when a request gets 401.

export type Schema<T> = ZodType<T, ZodTypeDef, unknown>;
export type Query = URLSearchParams | Record<string, string | number>;

export interface JamfHttpOptions {
  logger: Logger;
  /** Clock for token expiry (ms since epoch). */
  now?: () => number;
}

export interface JamfHttpStats {
  requests: number;
  retries: number;
  tokens: number;
  peakConcurrency: number;
}

const RETRY_STATUS = [408, 429, 500, 502, 503, 504];
const RETRY_ERRORS = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN', 'EHOSTUNREACH'];
/** Older servers only know the unversioned token path; newer ones also publish /api/v1/oauth/token. */
const TOKEN_PATHS = ['api/oauth/token', 'api/v1/oauth/token'];

function describe(method: string, path: string, query?: Query): string {
  const qs = query ? new URLSearchParams(query as Record<string, string>).toString() : '';
  return `${method} ${path}${qs ? `?${decodeURIComponent(qs.replace(/\+/g, ' '))}` : ''}`;
}

export class JamfHttp {
  readonly config: JamfConfig;
  readonly #logger: Logger;
  readonly #got: Got;
  readonly #limiter: Limiter;
  readonly #tokens: TokenManager;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #abort = new AbortController();
  readonly #host: string;
  /** Recent access tokens, removed from any text that could reach a log. */
  readonly #issuedTokens: string[] = [];
  /** Index of the attempt that answered last time, per endpoint family (see firstAvailable). */
  readonly #working = new Map<string, number>();
  #requests = 0;
  #retries = 0;

  constructor(config: JamfConfig, options: JamfHttpOptions) {
    this.config = config;
    this.#logger = options.logger;
    this.#host = new URL(config.url).host;
    this.#limiter = new Limiter(config.maxConcurrency);
    // Every request in flight (and every retry wait) listens on the shared abort signal.
    setMaxListeners(0, this.#abort.signal);
    for (const w of jamfStartupWarnings(config)) this.#logger.warn(w);

    const ca = config.tls.verify && config.tls.caFile ? readFileSync(config.tls.caFile) : undefined;
    // maxSockets counts busy and idle sockets per origin, so this caps open connections, not just requests.
    const pool = { keepAlive: true, maxSockets: config.maxConcurrency, maxTotalSockets: config.maxConcurrency };
    this.#agents = {
      http: new http.Agent(pool),
      https: new https.Agent({ ...pool, ca, rejectUnauthorized: config.tls.verify }),
    };
    const { retry } = config;
    this.#got = got.extend({
      prefixUrl: `${config.url}/`,
      agent: this.#agents,
      https: { rejectUnauthorized: config.tls.verify, certificateAuthority: ca },
      http2: false,
      followRedirect: false,
      responseType: 'text',
      signal: this.#abort.signal,
      headers: { accept: 'application/json', 'user-agent': 'portcullis-nac' },
      timeout: { connect: config.timeouts.connectMs, request: config.timeouts.requestMs },
      retry: {
        limit: retry.limit,
        methods: ['GET', 'POST'],
        statusCodes: RETRY_STATUS,
        errorCodes: RETRY_ERRORS,
        maxRetryAfter: retry.maxRetryAfterMs,
        calculateDelay: ({ attemptCount, retryAfter, computedValue }: RetryObject) => {
          // computedValue is got's verdict: 0 = not retryable, over the limit, or Retry-After beyond the cap.
          if (computedValue === 0) return 0;
          if (retryAfter !== undefined && retryAfter > 0) return retryAfter;
          const backoff = Math.min(retry.backoffMs * 2 ** (attemptCount - 1), retry.maxBackoffMs);
          return Math.max(1, backoff + Math.random() * retry.backoffMs * 0.1);
        },
      },
      hooks: {
        beforeRetry: [(error, retryCount) => this.#logRetry(error, retryCount)],
      },
    });
    this.#tokens = new TokenManager(() => this.#issueToken(), options.now);
  }

  /** requests: HTTP exchanges started by the client (got's own retries are counted in `retries`). */
  get stats(): JamfHttpStats {
    return { requests: this.#requests, retries: this.#retries, tokens: this.#tokens.issued, peakConcurrency: this.#limiter.peak };
  }

  /** GET a Jamf path (no leading "/"), parse the body (JSON, or Classic XML) and check it against `schema`. */
  async get<T>(path: string, schema: Schema<T>, query?: Query): Promise<T> {
    const endpoint = describe('GET', path, query);
    const body = await this.#authorised(endpoint, (token) => this.#send(endpoint, path, query, token));
    return this.#parse(endpoint, body, schema);
  }

  /**
   * GET one page of a Pro API list ({totalCount, results}) and hand each row, checked against `row`, to
   * `onRow` as soon as it has arrived: the page is never one buffer or one parsed object (json-rows.ts).
   */
  async getRows<T>(path: string, row: Schema<T>, query: Query | undefined, onRow: (row: T) => void): Promise<{ totalCount: number; count: number }> {
    const endpoint = describe('GET', path, query);
    const reader = new PageRowReader(row, onRow);
    let end: PageRowsEnd;
    try {
      end = await this.#authorised(endpoint, (token) => this.#stream(endpoint, path, query, token, reader));
    } finally {
      reader.close();
    }
    if ('totalCount' in end) return end;
    // Not JSON (Classic XML, a login page): the whole-body path says what it is.
    const page = this.#parse(endpoint, end.notJson, pageOf(row) as unknown as Schema<{ totalCount: number; results: T[] }>);
    for (const r of page.results) onRow(r);
    return { totalCount: page.totalCount, count: page.results.length };
  }

  /** Runs `send` with a token; a 401 gets one new token and one more try. */
  async #authorised<B>(endpoint: string, send: (token: string) => Promise<B>): Promise<B> {
    const token = await this.#tokens.get();
    try {
      return await send(token);
    } catch (err) {
      if (!(err instanceof JamfError && err.kind === 'http' && err.status === 401)) throw err;
      // The token may have been revoked or the server restarted: one new token, one more try.
      this.#logger.info({ endpoint }, 'Jamf answered 401; getting a new token and retrying once');
      this.#tokens.invalidate(token);
      return send(await this.#tokens.get());
    }
  }

  /**
   * Runs the attempts in order and returns the first that does not end in 404 (newest API first, older
   * versions and the Classic API after). When all of them 404, the last error is thrown. The attempt that
   * worked is remembered per `family`, so an older server costs the extra 404s once, not on every call.
   */
  async firstAvailable<T>(family: string, attempts: readonly (() => Promise<T>)[]): Promise<T> {
    const start = this.#working.get(family) ?? 0;
    let last: unknown;
    for (let i = start; i < attempts.length; i++) {
      try {
        const value = await attempts[i]();
        this.#working.set(family, i);
        return value;
      } catch (err) {
        if (!(err instanceof JamfError && err.isNotFound)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /** A valid access token (fetched if needed). */
  token(): Promise<string> {
    return this.#tokens.get();
  }

  /** Scope and lifetime of the current token. */
  tokenInfo(): { scope?: string; expiresInSeconds: number } | undefined {
    return this.#tokens.describe();
  }

  /** Aborts requests in flight and closes idle connections. */
  close(): void {
    this.#abort.abort();
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  async #send(endpoint: string, path: string, query: Query | undefined, token: string): Promise<string> {
    return this.#limiter.run(async () => {
      this.#requests++;
      try {
        const res = await this.#got.get(path, { searchParams: query, headers: { authorization: `Bearer ${token}` } });
        if (res.statusCode >= 300) throw this.#redirectError(endpoint, res.statusCode, res.headers.location);
        return res.body;
      } catch (err) {
        throw this.#toJamfError(err, endpoint, path, false);
      }
    });
  }

  /** The streaming twin of #send: chunks go to `reader` as they arrive (got's retries restart it). */
  #stream<T>(endpoint: string, path: string, query: Query | undefined, token: string, reader: PageRowReader<T>): Promise<PageRowsEnd> {
    return this.#limiter.run(() => {
      this.#requests++;
      return readPageStream(this.#got.stream(path, { searchParams: query, headers: { authorization: `Bearer ${token}` } }), reader, {
        redirect: (status, location) => this.#redirectError(endpoint, status, location),
        page: (err) => this.#pageError(endpoint, err),
        request: (err) => this.#toJamfError(err, endpoint, path, false),
      });
    });
  }

  async #issueToken(): Promise<IssuedToken> {
    const form = { grant_type: 'client_credentials', client_id: this.config.clientId, client_secret: this.config.clientSecret.reveal().toString('utf8') };
    const body = await this.firstAvailable('token', TOKEN_PATHS.map((path) => () => this.#limiter.run(async () => {
      const endpoint = `POST ${path}`;
      this.#requests++;
      try {
        const res = await this.#got.post(path, { form });
        if (res.statusCode >= 300) throw this.#redirectError(endpoint, res.statusCode, res.headers.location);
        return this.#parse(endpoint, res.body, oauthTokenSchema);
      } catch (err) {
        throw this.#toJamfError(err, endpoint, path, true);
      }
    })));
    this.#issuedTokens.push(body.access_token);
    if (this.#issuedTokens.length > 4) this.#issuedTokens.shift();
    this.#logger.debug({ expiresIn: body.expires_in, scope: body.scope }, 'Jamf token issued');
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in, scope: body.scope };
  }

  #parse<T>(endpoint: string, body: string, schema: Schema<T>): T {
    let value: unknown;
    try {
      value = looksLikeXml(body) ? classicXmlToJson(body) : JSON.parse(body);
    } catch (err) {
      throw this.#notJson(endpoint, err, body.slice(0, 80));
    }
    // zod allocates heavily per value (a 60,000-member group list: ~30 MB): the compiled parser first.
    const quick = fastParser(schema)?.(value) ?? FAIL;
    if (quick !== FAIL) return quick;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw this.#unexpected(endpoint, parsed.error.issues[0]);
  }

  #pageError(endpoint: string, err: unknown): unknown {
    if (err instanceof PageShapeError) return this.#unexpected(endpoint, err);
    if (err instanceof PageSyntaxError) return this.#notJson(endpoint, err, err.sample);
    return err; // the caller's onRow threw: its own error
  }

  #notJson(endpoint: string, err: unknown, sample: string): JamfError {
    return new JamfError({ kind: 'parse', endpoint, detail: `the answer is not JSON or XML (${(err as Error).message}): ${this.#redact(sample)}`, hint: 'check that jamf.url points at Jamf Pro, not a login page or proxy' });
  }

  #unexpected(endpoint: string, issue: { path: (string | number)[]; message: string }): JamfError {
    return new JamfError({
      kind: 'parse',
      endpoint,
      detail: `unexpected answer at ${issue.path.join('.') || '(top)'}: ${issue.message}`,
      hint: 'this Jamf Pro version answers in a shape portcullis does not know; please report it with the Jamf Pro version',
    });
  }

  #logRetry(error: RequestError, retryCount: number): void {
    this.#retries++;
    const url = error.options.url?.toString() ?? '';
    this.#logger.warn({
      endpoint: `${error.options.method} ${decodeURIComponent(url.slice(this.config.url.length + 1))}`,
      status: error.response?.statusCode,
      code: error.response ? undefined : error.code,
      retry: retryCount,
      limit: this.config.retry.limit,
    }, 'Jamf request failed; retrying');
  }

  #redirectError(endpoint: string, status: number, location: string | undefined): JamfError {
    return new JamfError({ kind: 'http', endpoint, status, hint: location ? `Jamf redirected to ${location.split('?')[0]}: set jamf.url to that server` : 'Jamf answered with a redirect: check jamf.url' });
  }

  #redact(text: string): string {
    return redact(text, [this.config.clientSecret.reveal().toString('utf8'), ...this.#issuedTokens]);
  }

  #toJamfError(err: unknown, endpoint: string, path: string, isTokenEndpoint: boolean): JamfError {
    if (err instanceof JamfError) return err;
    if (err instanceof HTTPError) {
      const status = err.response.statusCode;
      const body: unknown = err.response.body;
      const raw = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
      const oauth = isTokenEndpoint ? oauthErrorSchema.safeParse(safeJson(raw)) : undefined;
      let hint = hintForStatus(status, path, {
        clientId: this.config.clientId,
        secretSource: this.config.clientSecret.source,
        isTokenEndpoint,
        oauthError: oauth?.success ? oauth.data.error : undefined,
      });
      const retryAfter = err.response.headers['retry-after'];
      if (retryAfter) hint = `Jamf asked to wait (Retry-After: ${retryAfter}) longer than jamf.retry.max_retry_after_seconds allows, or kept asking after ${this.config.retry.limit} retries`;
      return new JamfError({ kind: 'http', endpoint, status, jamfBody: summariseErrorBody(this.#redact(raw)), hint });
    }
    if (err instanceof RequestError) {
      const { kind, hint } = classifyNetworkError(err.code, this.#host, this.config.timeouts.requestMs);
      return new JamfError({ kind, endpoint, code: err.code, detail: kind === 'network' && !hint ? this.#redact(err.message) : undefined, hint });
    }
    return new JamfError({ kind: 'network', endpoint, detail: this.#redact(String((err as Error)?.message ?? err)) });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
