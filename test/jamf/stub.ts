// A tiny Jamf stand-in on 127.0.0.1 for the client tests (node:http). Each test supplies a handler; the stub
// records every request and measures how many requests and TCP connections were open at the same time.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import pino from 'pino';
import type { Logger } from '../../src/log/logger.js';
import { parseJamfSection, type JamfConfig, type JamfSectionInput } from '../../src/jamf/config.js';

export interface StubRequest {
  method: string;
  /** Path without the leading "/", e.g. "api/v4/computers-inventory". */
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body: string;
  at: number;
}

export interface StubReply {
  status?: number;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Drop the connection without answering. */
  destroy?: boolean;
  /** Send the body in pieces of this many bytes, a macrotask apart (streamed parsing). */
  chunkBytes?: number;
  /** With chunkBytes: drop the connection after this many bytes of the body. */
  cutAfterBytes?: number;
}

export type StubHandler = (req: StubRequest) => StubReply | Promise<StubReply>;

export class JamfStub {
  readonly requests: StubRequest[] = [];
  inFlight = 0;
  peakInFlight = 0;
  connections = 0;
  peakConnections = 0;
  handler: StubHandler;
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: http.Server, handler: StubHandler) {
    this.#server = server;
    this.handler = handler;
  }

  static async start(handler: StubHandler, tls?: { cert: string; key: string }): Promise<JamfStub> {
    const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }) : http.createServer();
    const stub = new JamfStub(server, handler);
    // 'connection' is the TCP socket for http and https alike: that is what Jamf's limit is about.
    server.on('connection', (socket: Socket) => stub.#track(socket));
    server.on('request', (req, res) => void stub.#serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `${this.#server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  /** Requests other than token requests. */
  get apiRequests(): StubRequest[] {
    return this.requests.filter((r) => !r.path.includes('oauth/token'));
  }

  get tokenRequests(): StubRequest[] {
    return this.requests.filter((r) => r.path.includes('oauth/token'));
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    this.connections++;
    this.peakConnections = Math.max(this.peakConnections, this.connections);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.connections--;
    });
  }

  async #serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    const r: StubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\//, ''),
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    this.requests.push(r);
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      const reply = await this.handler(r);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
      res.writeHead(reply.status ?? 200, { 'content-type': reply.json !== undefined ? 'application/json' : 'text/plain;charset=UTF-8', ...reply.headers });
      if (!reply.chunkBytes) {
        res.end(body);
        return;
      }
      const bytes = Buffer.from(body);
      const end = Math.min(bytes.length, reply.cutAfterBytes ?? bytes.length);
      for (let at = 0; at < end; at += reply.chunkBytes) {
        res.write(bytes.subarray(at, Math.min(end, at + reply.chunkBytes)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (end < bytes.length) req.socket.destroy();
      else res.end();
    } finally {
      this.inFlight--;
    }
  }
}

export const CLIENT_SECRET = 'sekret-Value-7f3a9c1d-do-not-log';
export const SECRET_ENV = 'PORTCULLIS_TEST_JAMF_SECRET';

/** The token route every stub needs: tokens "tok-1", "tok-2", … with the given lifetime. */
export function tokenIssuer(expiresIn = 600): (req: StubRequest) => StubReply | undefined {
  let n = 0;
  return (req) => {
    if (req.path !== 'api/oauth/token') return undefined;
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== 'nac-client' || form.get('client_secret') !== CLIENT_SECRET) {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    n++;
    return { json: { access_token: `tok-${n}`, token_type: 'Bearer', scope: 'api-role:2', expires_in: expiresIn } };
  };
}

/** A config for the stub: fast retries so storms finish quickly. */
export function stubConfig(url: string, extra: Partial<JamfSectionInput> = {}): JamfConfig {
  process.env[SECRET_ENV] = CLIENT_SECRET;
  return parseJamfSection({
    url,
    client_id: 'nac-client',
    client_secret: { env: SECRET_ENV },
    computer_groups: ['Compliant Macs'],
    retry: { limit: 4, backoff_seconds: 0.01, max_backoff_seconds: 0.05, max_retry_after_seconds: 5 },
    ...extra,
  }, '/').config;
}

/** A logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

/** Pro API page of `rows` honouring page and page-size, clamped to `cap` rows like Jamf does silently. */
export function page<T>(rows: T[], query: URLSearchParams, cap = 2000): { totalCount: number; results: T[] } {
  const size = Math.min(Number(query.get('page-size') ?? 100), cap);
  const p = Number(query.get('page') ?? 0);
  return { totalCount: rows.length, results: rows.slice(p * size, (p + 1) * size) };
}
