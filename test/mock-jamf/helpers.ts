// Small HTTP helpers for the mock Jamf tests (global fetch, loopback only).

import { DEFAULT_CLIENT, type MockJamf } from '../../src/mock-jamf/index.js';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

async function toResult(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function postForm(server: MockJamf, path: string, form: Record<string, string>): Promise<HttpResult> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return toResult(res);
}

/** A client-credentials token from the default (or given) API client. */
export async function clientToken(
  server: MockJamf, path = '/api/oauth/token', id = DEFAULT_CLIENT.id, secret = DEFAULT_CLIENT.secret,
): Promise<string> {
  const r = await postForm(server, path, { grant_type: 'client_credentials', client_id: id, client_secret: secret });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return (r.json as { access_token: string }).access_token;
}

export async function request(
  server: MockJamf, path: string, init: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(server.url + path, { method: init.method ?? 'GET', headers, body: init.body });
  return toResult(res);
}

/** GET with a bearer token; the body parsed as JSON (throws when it is not JSON). */
export async function getJson<T = Record<string, unknown>>(server: MockJamf, path: string, token: string): Promise<{ status: number; body: T }> {
  const r = await request(server, path, { token });
  if (r.json === undefined) throw new Error(`not JSON (${r.status}): ${r.text.slice(0, 200)}`);
  return { status: r.status, body: r.json as T };
}

/** A controllable clock for token expiry. */
export function manualClock(start = Date.UTC(2025, 0, 15, 12)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}
