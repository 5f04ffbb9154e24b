import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import type { PushSettings } from './config.js';
import { PushEvents, type PostureLike } from './events.js';
import { readBody, sendReply, type Reply, type Route } from './http-io.js';
import { CompliantGroups } from './jamf/groups.js';
import { webhookRoute } from './jamf/webhook-route.js';
import { setApplier } from './ssf/apply.js';
import { SetPoller } from './ssf/poll.js';
import { TransmitterKeys } from './ssf/keys.js';
import { ssfRoute } from './ssf/route.js';
import { SetValidator } from './ssf/validate.js';
import { WorkQueue } from './work-queue.js';

// The push listener: one HTTPS (or loopback-only HTTP) server with two POST routes, /jamf/webhook and
// /ssf/events, plus the RFC 8936 poller when ssf.poll is configured. Every request is bounded: header and body time limits, a body size limit (413), and a cap
// on requests in progress plus queued work (503). A handler that throws answers 500; nothing crashes the
// process. Every refusal is logged with its reason, never with credentials or the body.

export interface PushReceiverDeps {
  posture: PostureLike;
  log: Logger;
  /** Clock (ms since epoch) for replay windows and SET iat checks. */
  now?: () => number;
}

export interface PushReceiver {
  /** Where it listens; `url` is http(s)://address:port. */
  readonly address: { address: string; port: number; url: string };
  /** 'session-revoked' and 'verification' (see PushEvents). Posture changes come from the store's 'change'. */
  readonly events: PushEvents;
  /** Resolves when no queued Jamf fetch is waiting or running (tests, orderly shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Jamf device fetches running at once; JamfHttp caps connections at ≤ 5 anyway. */
const FETCH_CONCURRENCY = 4;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

function notFound(): Reply {
  return { status: 404, body: { error: 'not found' }, reason: 'no such route' };
}

/** Starts the listener described by `settings` (config.push). Rejects when it cannot bind or read the TLS files. */
export async function startPushReceiver(settings: PushSettings, deps: PushReceiverDeps): Promise<PushReceiver> {
  const log = deps.log.child({ layer: 'push' });
  const now = deps.now ?? Date.now;
  const events = new PushEvents();
  const queue = new WorkQueue({
    capacity: settings.maxQueue,
    concurrency: FETCH_CONCURRENCY,
    onError: (key, err) => log.warn({ job: key, err: (err as Error)?.message ?? String(err) }, 'webhook follow-up failed; the next sync catches up'),
  });

  const routes = new Map<string, Route>();
  let poller: SetPoller | undefined;
  if (settings.jamfWebhook) {
    routes.set('/jamf/webhook', webhookRoute({
      settings: settings.jamfWebhook, posture: deps.posture, queue, groups: new CompliantGroups(deps.posture.client.http, now), log, now,
    }));
  }
  if (settings.ssf) {
    const keys = new TransmitterKeys(settings.ssf, log, now);
    const validator = new SetValidator(settings.ssf, keys.getKey, now);
    const apply = setApplier({ posture: deps.posture, events, log });
    routes.set('/ssf/events', ssfRoute({ settings: settings.ssf, validator, apply }));
    if (settings.ssf.poll) poller = new SetPoller(settings.ssf, { validator, apply, log });
    // Read the metadata early so a wrong issuer or URL shows in the log at start, not at the first SET.
    keys.discover().catch(() => { /* logged by TransmitterKeys; retried on the first SET */ });
  }

  let inFlight = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://push.invalid').pathname;
    const route = routes.get(path);
    const from = req.socket.remoteAddress;
    const reply = (r: Reply, closeAfter = false) => {
      if (r.status >= 400) log.warn({ route: route?.name ?? path, from, status: r.status, reason: r.reason }, 'push request refused');
      sendReply(res, r, closeAfter);
    };
    if (!route) return reply(notFound(), true);
    if (req.method !== 'POST') return reply({ status: 405, body: { error: 'use POST' }, headers: { allow: 'POST' }, reason: `method ${req.method}` }, true);
    if (inFlight + queue.size >= settings.maxQueue) {
      return reply({ ...route.error(503, 'too many requests in progress; try again later'), headers: { 'retry-after': '5' } }, true);
    }
    const pre = route.precheck(req);
    if (pre) return reply(pre, true);

    inFlight++;
    let released = false;
    const release = () => {
      if (!released) inFlight--;
      released = true;
    };
    res.on('close', release);
    void (async () => {
      try {
        const body = await readBody(req, settings.maxBodyBytes);
        if (!body.ok) {
          if (body.tooLarge) return reply(route.error(413, `body larger than ${settings.maxBodyBytes} bytes`), true);
          return reply(route.error(400, `cannot read the body: ${body.error}`), true);
        }
        reply(await route.handle(body.body, req));
      } catch (err) {
        log.error({ route: route.name, err: (err as Error)?.message ?? String(err) }, 'push request failed');
        reply(route.error(500, 'internal error'), true);
      } finally {
        release();
      }
    })();
  };

  const server: Server = settings.tls
    ? https.createServer({
      cert: readFileSync(settings.tls.certificate),
      key: readFileSync(settings.tls.privateKey),
      passphrase: settings.tls.privateKeyPassword?.reveal().toString('utf8'),
      minVersion: 'TLSv1.2',
    }, onRequest)
    : http.createServer(onRequest);
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 100;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    log.debug({ code: err.code }, 'push connection error');
    socket.destroy();
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => log.debug({ code: err.code }, 'push TLS handshake failed'));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.listen.port, settings.listen.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err: err.message }, 'push listener error'));
  const bound = server.address() as AddressInfo;
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  const address = { address: bound.address, port: bound.port, url: `${settings.tls ? 'https' : 'http'}://${host}:${bound.port}` };
  log.info({ url: address.url, routes: [...routes.keys()] }, 'push receiver listening');
  poller?.start();

  return {
    address,
    events,
    idle: () => queue.idle(),
    close: async () => {
      queue.close();
      await poller?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
