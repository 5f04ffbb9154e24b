// The HTTP layer against a local stub: tokens, 401 handling, error lines with hints, retries, the connection cap.
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JamfError } from '../../src/jamf/errors.js';
import { JamfHttp } from '../../src/jamf/http.js';
import { CLIENT_SECRET, JamfStub, captureLogger, stubConfig, tokenIssuer, type StubHandler } from './stub.js';

const ok = z.object({ ok: z.boolean() });
const open: { stub?: JamfStub; http?: JamfHttp }[] = [];

async function setup(handler: StubHandler, extra: Parameters<typeof stubConfig>[1] = {}, now?: () => number) {
  const stub = await JamfStub.start(handler);
  const log = captureLogger();
  const http = new JamfHttp(stubConfig(stub.url, extra), { logger: log.logger, now });
  open.push({ stub, http });
  return { stub, http, log };
}

async function failure(p: Promise<unknown>): Promise<JamfError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(JamfError);
    return err as JamfError;
  }
  throw new Error('expected a JamfError');
}

afterEach(async () => {
  for (const { stub, http } of open.splice(0)) {
    http?.close();
    await stub?.close();
  }
});

describe('OAuth client credentials', () => {
  it('posts a form-encoded client_credentials request and sends the token as Bearer', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { json: { ok: r.authorization === 'Bearer tok-1' } });
    expect(await http.get('api/v1/thing', ok)).toEqual({ ok: true });
    const [t] = stub.tokenRequests;
    expect(t.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(t.body))).toEqual({ grant_type: 'client_credentials', client_id: 'nac-client', client_secret: CLIENT_SECRET });
  });

  it('reuses the token until shortly before expires_in, then gets a new one', async () => {
    let clock = 1_000_000;
    const token = tokenIssuer(100);
    const { stub, http } = await setup((r) => token(r) ?? { json: { ok: true } }, {}, () => clock);
    await http.get('api/v1/a', ok);
    clock += 60_000;
    await http.get('api/v1/b', ok);
    clock += 14_000; // 74 s: still more than the 25 s margin (a quarter of 100 s) left
    await http.get('api/v1/c', ok);
    expect(stub.tokenRequests).toHaveLength(1);
    clock += 2_000; // 76 s: inside the margin
    await http.get('api/v1/d', ok);
    expect(stub.tokenRequests).toHaveLength(2);
    expect(stub.apiRequests.map((r) => r.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });

  it('shares one token request between concurrent callers', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { json: { ok: true } });
    await Promise.all(Array.from({ length: 8 }, (_, i) => http.get(`api/v1/x${i}`, ok)));
    expect(stub.tokenRequests).toHaveLength(1);
  });

  it('falls back to /api/v1/oauth/token when /api/oauth/token is missing', async () => {
    const { stub, http } = await setup((r) => {
      if (r.path === 'api/oauth/token') return { status: 404, body: '' };
      if (r.path === 'api/v1/oauth/token') return tokenIssuer()({ ...r, path: 'api/oauth/token' })!;
      return { json: { ok: true } };
    });
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    expect(stub.tokenRequests.map((r) => r.path)).toEqual(['api/oauth/token', 'api/v1/oauth/token']);
  });

  it('a 401 gets one new token and one retry', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? (r.authorization === 'Bearer tok-1' ? { status: 401, json: { httpStatus: 401, errors: [] } } : { json: { ok: true } }));
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    expect(stub.tokenRequests).toHaveLength(2);
    expect(stub.apiRequests.map((r) => r.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('a second 401 is an error, not a loop', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { status: 401, json: { httpStatus: 401, errors: [] } });
    const err = await failure(http.get('api/v1/a', ok));
    expect(stub.tokenRequests).toHaveLength(2);
    expect(stub.apiRequests).toHaveLength(2);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/Jamf refused a fresh token for API client "nac-client"/);
  });

  it('a bad client secret is one clear line with a hint and no secret', async () => {
    const { http, log } = await setup((r) => (r.path === 'api/oauth/token'
      ? { status: 400, json: { error: 'invalid_client', error_description: 'Client authentication failed', error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#section-5.2' } }
      : { json: { ok: true } }));
    const err = await failure(http.get('api/v1/a', ok));
    expect(err.message).toBe(
      'Jamf POST api/oauth/token: HTTP 400, Jamf said: invalid_client: Client authentication failed (hint: Jamf rejected the API client credentials: ' +
        'check jamf.client_id "nac-client" and the client secret (env PORTCULLIS_TEST_JAMF_SECRET); in Jamf Pro → Settings → API roles and clients the client must be enabled and the secret current)',
    );
    expect(err.message).not.toContain('\n');
    expect(log.lines.join('')).not.toContain(CLIENT_SECRET);
  });

  it('treats a 401 from the token endpoint the same way', async () => {
    const { http } = await setup((r) => tokenIssuer()({ ...r, body: r.body.replace(/client_secret=[^&]*/, 'client_secret=wrong') }) ?? { json: {} });
    const err = await failure(http.get('api/v1/a', ok));
    expect(err.status).toBe(401);
    expect(err.hint).toMatch(/^Jamf rejected the API client credentials/);
  });
});

describe('errors name the endpoint, the status and what Jamf said', () => {
  it('a 403 names the missing API role privilege', async () => {
    const token = tokenIssuer();
    const { http } = await setup((r) => token(r) ?? { status: 403, json: { httpStatus: 403, errors: [{ code: 'INVALID_PRIVILEGE', field: '', description: 'Forbidden', id: '0' }] } });
    const err = await failure(http.get('api/v4/computers-inventory', ok, { section: 'GENERAL', 'page-size': 1 }));
    expect(err.message).toBe(
      'Jamf GET api/v4/computers-inventory?section=GENERAL&page-size=1: HTTP 403, Jamf said: INVALID_PRIVILEGE: Forbidden ' +
        '(hint: the API role of client "nac-client" lacks the privilege "Read Computers" (Jamf Pro → Settings → API roles and clients → API roles))',
    );
  });

  it('a Classic Tomcat HTML page becomes its words', async () => {
    const token = tokenIssuer();
    const html = '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title><style>b{}</style></head><body><h1>Status page</h1><p>Unauthorized</p><p>The request requires user authentication</p></body></html>';
    const { http } = await setup((r) => token(r) ?? { status: 404, body: html, headers: { 'content-type': 'text/html' } });
    const err = await failure(http.get('JSSResource/computergroups', ok));
    expect(err.jamfBody).toBe('Status page Unauthorized The request requires user authentication');
    expect(err.isNotFound).toBe(true);
  });

  it('an answer of the wrong shape names the field', async () => {
    const token = tokenIssuer();
    const { http } = await setup((r) => token(r) ?? { json: { ok: 'yes' } });
    const err = await failure(http.get('api/v1/a', ok));
    expect(err.kind).toBe('parse');
    expect(err.message).toMatch(/^Jamf GET api\/v1\/a: unexpected answer at ok: Expected boolean, received string/);
  });

  it('a redirect is not followed (it would carry the token elsewhere) and says where it points', async () => {
    const token = tokenIssuer();
    const { http } = await setup((r) => token(r) ?? { status: 302, headers: { location: 'https://acme.jamfcloud.com/api/v1/a?x=1' } });
    const err = await failure(http.get('api/v1/a', ok));
    expect(err.status).toBe(302);
    expect(err.hint).toBe('Jamf redirected to https://acme.jamfcloud.com/api/v1/a: set jamf.url to that server');
  });
});

describe('retries with backoff, within a cap', () => {
  it('honours Retry-After on 429', async () => {
    const token = tokenIssuer();
    let n = 0;
    const { stub, http } = await setup((r) => token(r) ?? (n++ === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: '' } : { json: { ok: true } }));
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    const [first, second] = stub.apiRequests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Retry-After is longer than the cap', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { status: 429, headers: { 'retry-after': '3600' }, body: '' });
    const err = await failure(http.get('api/v1/a', ok));
    expect(stub.apiRequests).toHaveLength(1);
    expect(err.status).toBe(429);
    expect(err.hint).toMatch(/Retry-After: 3600/);
  });

  it('survives a storm of 5xx answers shorter than the retry limit', async () => {
    const token = tokenIssuer();
    let n = 0;
    const statuses = [500, 502, 503, 504];
    const { stub, http, log } = await setup((r) => token(r) ?? (n < statuses.length ? { status: statuses[n++], body: 'busy' } : { json: { ok: true } }));
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    expect(stub.apiRequests).toHaveLength(5);
    expect(http.stats.retries).toBe(4);
    const retries = log.lines.filter((l) => l.includes('Jamf request failed; retrying')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(retries.map((r) => [r.endpoint, r.status, r.retry])).toEqual([['GET api/v1/a', 500, 1], ['GET api/v1/a', 502, 2], ['GET api/v1/a', 503, 3], ['GET api/v1/a', 504, 4]]);
  });

  it('stops after the retry limit when the server keeps failing', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { status: 503, json: { httpStatus: 503, errors: [{ code: 'UNAVAILABLE', description: 'maintenance', field: '' }] } }, { retry: { limit: 2, backoff_seconds: 0.01 } });
    const err = await failure(http.get('api/v1/a', ok));
    expect(stub.apiRequests).toHaveLength(3);
    expect(err.message).toMatch(/^Jamf GET api\/v1\/a: HTTP 503, Jamf said: UNAVAILABLE: maintenance \(hint: Jamf Pro had a server error/);
  });

  it('retries dropped connections', async () => {
    const token = tokenIssuer();
    let n = 0;
    const { stub, http } = await setup((r) => token(r) ?? (n++ < 2 ? { destroy: true } : { json: { ok: true } }));
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    expect(stub.apiRequests).toHaveLength(3);
  });

  it('a server that is not there is a network error with a hint', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const log = captureLogger();
    const http = new JamfHttp(stubConfig(`http://127.0.0.1:${port}`, { retry: { limit: 1, backoff_seconds: 0.01 } }), { logger: log.logger });
    open.push({ http });
    const err = await failure(http.get('api/v1/a', ok));
    expect(err.kind).toBe('network');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe(`Jamf POST api/oauth/token: ECONNREFUSED (hint: cannot reach 127.0.0.1:${port}: check jamf.url, DNS and firewalls)`);
    expect(log.lines.filter((l) => l.includes('retrying'))).toHaveLength(1);
  });

  it('a request that takes too long is a timeout', async () => {
    const token = tokenIssuer();
    const { http } = await setup((r) => token(r) ?? { delayMs: 400, json: { ok: true } }, { timeouts: { request_seconds: 0.1 }, retry: { limit: 0 } });
    const err = await failure(http.get('api/v1/a', ok));
    expect(err.kind).toBe('timeout');
    expect(err.code).toBe('ETIMEDOUT');
  });
});

describe('Jamf asks for at most 5 concurrent connections', () => {
  it('never has more than 5 requests or connections open, measured at the server', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { delayMs: 30, json: { ok: true } });
    await Promise.all(Array.from({ length: 30 }, (_, i) => http.get(`api/v1/item/${i}`, ok)));
    expect(stub.apiRequests).toHaveLength(30);
    expect(stub.peakInFlight).toBe(5);
    expect(stub.peakConnections).toBeLessThanOrEqual(5);
    expect(http.stats.peakConcurrency).toBe(5);
  });

  it('honours a lower max_connections', async () => {
    const token = tokenIssuer();
    const { stub, http } = await setup((r) => token(r) ?? { delayMs: 20, json: { ok: true } }, { max_connections: 2 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => http.get(`api/v1/item/${i}`, ok)));
    expect(stub.peakInFlight).toBe(2);
    expect(stub.peakConnections).toBeLessThanOrEqual(2);
  });
});

describe('secrets stay out of errors and logs', () => {
  it('an error body that echoes the request does not leak the client secret or the token', async () => {
    let phase = 0;
    const { http, log } = await setup((r) => {
      if (r.path === 'api/oauth/token') {
        return phase++ === 0
          ? { status: 400, body: `bad request: ${r.body}` }
          : { json: { access_token: 'tok-SECRET-abcdef', expires_in: 600, scope: 'api-role:1', token_type: 'Bearer' } };
      }
      return { status: 500, body: `upstream said: ${r.authorization}` };
    }, { retry: { limit: 1, backoff_seconds: 0.01 } });
    const first = await failure(http.get('api/v1/a', ok));
    const second = await failure(http.get('api/v1/a', ok));
    const everything = [first.message, second.message, JSON.stringify(first), inspect(first), inspect(second), inspect(http.config), JSON.stringify(http.config), ...log.lines].join('\n');
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toContain('tok-SECRET-abcdef');
  });
});
