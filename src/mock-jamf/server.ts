// A mock Jamf Pro server on node:http for tests and demos: both token flows, the Pro API and Classic
// endpoints a NAC uses, paging with Jamf's silent page-size cap, RSQL filters, privilege checks,
// injected faults and latency, and counters for what clients did on the wire.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { FaultSet, pathMatches, type FaultDecision, type FaultRule } from './faults.js';
import { resolveOptions, type MockJamfOptions, type ResolvedOptions } from './options.js';
import { ViewCache } from './paging.js';
import { apiError, cause, classicError, gatewayError, missingPrivileges, type Reply } from './responses.js';
import { Router, type RequestContext, type RouteMatch } from './router.js';
import { authRoutes } from './routes-auth.js';
import { classicRoutes } from './routes-classic.js';
import { computerRoutes } from './routes-computers.js';
import { groupRoutes } from './routes-groups.js';
import { mobileRoutes } from './routes-mobile.js';
import { createSeededState } from './seed.js';
import type { MockJamfState } from './state.js';
import { TokenStore } from './tokens.js';
import { WebhookDelivery } from './webhook-delivery.js';

export type { MockJamfOptions } from './options.js';

export interface MockJamf {
  /** "http://127.0.0.1:PORT" (https when tls was given). */
  url: string;
  port: number;
  state: MockJamfState;
  /** Live settings: change latencyMs, pageSizeCap, version… while the server runs. */
  options: ResolvedOptions;
  tokens: TokenStore;
  faults: FaultSet;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Every token issued so far becomes expired (the next call gets 401). */
  expireTokens(): void;
  /** Webhooks POSTed to registered hook URLs when the state changes (deliveries log, idle()). */
  webhooks: WebhookDelivery;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const ROUTER = new Router([...authRoutes, ...computerRoutes, ...groupRoutes, ...mobileRoutes, ...classicRoutes]);

const isClassic = (path: string): boolean => path.startsWith('/JSSResource');

function faultReply(d: FaultDecision, path: string): Reply {
  const status = d.status ?? 500;
  if (status === 500) {
    return isClassic(path) ? classicError(500) : apiError(500, [cause('INTERNAL_SERVER_ERROR', 'Internal Server Error')]);
  }
  if (status === 429 || status >= 502) return gatewayError(status, d.retryAfterSeconds);
  const r = isClassic(path) ? classicError(status) : apiError(status);
  if (d.retryAfterSeconds !== undefined) r.headers['retry-after'] = String(d.retryAfterSeconds);
  return r;
}

function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

function dispatch(match: RouteMatch, ctx: RequestContext, req: IncomingMessage): Reply {
  const classic = isClassic(ctx.path);
  if (match.kind === 'none') return classic ? classicError(404) : apiError(404);
  if (match.kind === 'wrong-method') return classic ? classicError(405) : apiError(405);
  const route = match.route;
  ctx.params = match.params;
  if (route.auth === 'bearer') {
    const check = ctx.tokens.check(bearerToken(req));
    if (!check.ok) return classic ? classicError(401) : apiError(401);
    ctx.grant = check.grant;
    const missing = (route.privileges ?? []).filter((p) => !check.grant.privileges.has(p));
    if (missing.length > 0) return classic ? classicError(403) : missingPrivileges(missing);
  }
  try {
    return route.handle(ctx);
  } catch (err) {
    return apiError(500, [cause('INTERNAL_SERVER_ERROR', (err as Error).message)]);
  }
}

export async function startMockJamf(options: MockJamfOptions = {}): Promise<MockJamf> {
  const resolved = resolveOptions(options);
  const state = options.state ?? createSeededState({ computers: 20, mobileDevices: 10, ...options.seed });
  const faults = new FaultSet(options.faults);
  const views = new ViewCache();
  const timers = new Set<NodeJS.Timeout>();
  const host = options.host ?? '127.0.0.1';
  let url = '';
  // The issuer claim needs the URL, which is known only once the port is bound.
  const tokens = new TokenStore(resolved.now, () => url);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const traffic = state.traffic;
    const arrived = Date.now();
    traffic.requestStarted();
    let ended = false;
    res.on('close', () => {
      if (!ended) traffic.requestEnded();
      ended = true;
    });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', () => req.socket.destroy());
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://mock.invalid');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname;
      let match = ROUTER.match(method, path);
      const template = match.kind === 'found' ? match.route.path : undefined;
      if (resolved.unavailable.some((p) => pathMatches(p, path, template))) match = { kind: 'none' };
      const route = match.kind === 'found' ? match.route.path : undefined;
      const decision = faults.decide(method, path, route);
      const ctx: RequestContext = {
        method, path, query: url.searchParams, params: {}, headers: req.headers, body: Buffer.concat(chunks),
        grant: undefined, state, options: resolved, tokens, views,
      };
      const base = { method, path, query: url.search.slice(1), route, at: arrived };
      const answer = (): void => {
        if (decision.drop) {
          traffic.record({ ...base, status: 0, principal: undefined, fault: 'drop' });
          req.socket.destroy();
          return;
        }
        const reply = size > MAX_BODY ? apiError(413)
          : decision.status !== undefined ? faultReply(decision, path) : dispatch(match, ctx, req);
        res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
        res.end(reply.body);
        traffic.record({
          ...base, status: reply.status, principal: ctx.grant?.principal,
          fault: decision.status !== undefined ? 'status' : undefined,
        });
      };
      const delay = resolved.latencyMs + decision.delayMs;
      if (delay <= 0) return answer();
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, delay);
      timers.add(t);
    });
  };

  const server: Server = options.tls ? createHttpsServer(options.tls, onRequest) : createHttpServer(onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    state.traffic.connectionOpened();
    sockets.add(socket);
    socket.on('close', () => {
      state.traffic.connectionClosed();
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const webhooks = new WebhookDelivery(state, options.webhookDelivery);
  const port = (server.address() as AddressInfo).port;
  url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url, port, state, options: resolved, tokens, faults,
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    expireTokens: () => tokens.expireAll(),
    webhooks,
    close: () => new Promise<void>((resolve) => {
      webhooks.close();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
