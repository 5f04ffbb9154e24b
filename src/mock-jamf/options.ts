// Options for startMockJamf and their defaults.

import type { FaultRule } from './faults.js';
import type { SeedOptions } from './seed.js';
import type { MockJamfState } from './state.js';
import type { WebhookDeliveryOptions } from './webhook-delivery.js';

export interface MockJamfClient {
  /** API client id (client_id). */
  id: string;
  secret: string;
  /** Privileges of the client's API roles; default: every privilege the mock knows. */
  privileges?: readonly string[];
  /** The roles the client holds, reported as the token's scope; default ["api-role:<n>"]. */
  roles?: readonly string[];
  /** accessTokenLifetimeSeconds of this client; default the server's tokenLifetimeSeconds. */
  tokenLifetimeSeconds?: number;
}

export interface MockJamfUser {
  username: string;
  password: string;
  privileges?: readonly string[];
}

export interface MockJamfOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Fleet to serve; default a fleet seeded from `seed`. */
  state?: MockJamfState;
  /** Used when `state` is not given. Default 20 computers, 10 mobile devices, seed 1. */
  seed?: SeedOptions;
  /** Default one client: mock-client / mock-client-secret with every privilege. */
  clients?: readonly MockJamfClient[];
  /** Basic-auth accounts for POST /api/v1/auth/token. Default admin / mock-admin-password. */
  users?: readonly MockJamfUser[];
  /** API-client token lifetime; reported as expires_in. Default 599 (the Jamf docs example). */
  tokenLifetimeSeconds?: number;
  /** User bearer token lifetime. Default 1800 (30 minutes, Jamf's default). */
  userTokenLifetimeSeconds?: number;
  /** Largest page Jamf will return whatever page-size asks for. Default 2000. */
  pageSizeCap?: number;
  /** GET /api/v1/jamf-pro-version. Default "11.30.1-t1784555528405". */
  version?: string;
  /** Added to every response. Default 0. */
  latencyMs?: number;
  faults?: readonly FaultRule[];
  /** Answer 404 for the newer endpoints (v4/v3 inventory, v3/v2 computer groups, v2 mobile groups). */
  olderServer?: boolean;
  /** Further paths that answer 404 (exact path, route template, "prefix*" or a RegExp). */
  unavailablePaths?: readonly (string | RegExp)[];
  /** Status for a wrong client_id/secret: 400 (the OpenAPI document) or 401 (RFC 6749 allows it). */
  invalidClientStatus?: 400 | 401;
  /** Clock for token expiry (epoch ms). Default Date.now. */
  now?: () => number;
  /** Serve HTTPS with this key and certificate instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Delivery of registered webhooks when the state changes (on by default; loopback URLs only). */
  webhookDelivery?: WebhookDeliveryOptions;
}

export const DEFAULT_CLIENT: MockJamfClient = { id: 'mock-client', secret: 'mock-client-secret' };
export const DEFAULT_USER: MockJamfUser = { username: 'admin', password: 'mock-admin-password' };
export const DEFAULT_VERSION = '11.30.1-t1784555528405';
export const DEFAULT_PAGE_SIZE_CAP = 2000;

/** Endpoints a pre-11.x server does not have, so a client must fall back to v1 or Classic. */
export const OLDER_SERVER_MISSING: readonly RegExp[] = [
  /^\/api\/v[234]\/computers-inventory(\/|$)/,
  /^\/api\/v[23]\/computer-groups\//,
  /^\/api\/v2\/mobile-device-groups(\/|$)/,
];

export interface ResolvedOptions {
  clients: readonly MockJamfClient[];
  users: readonly MockJamfUser[];
  tokenLifetimeSeconds: number;
  userTokenLifetimeSeconds: number;
  pageSizeCap: number;
  version: string;
  latencyMs: number;
  unavailable: readonly (string | RegExp)[];
  invalidClientStatus: 400 | 401;
  now: () => number;
}

export function resolveOptions(o: MockJamfOptions): ResolvedOptions {
  return {
    clients: o.clients ?? [DEFAULT_CLIENT],
    users: o.users ?? [DEFAULT_USER],
    tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? 599,
    userTokenLifetimeSeconds: o.userTokenLifetimeSeconds ?? 1800,
    pageSizeCap: o.pageSizeCap ?? DEFAULT_PAGE_SIZE_CAP,
    version: o.version ?? DEFAULT_VERSION,
    latencyMs: o.latencyMs ?? 0,
    unavailable: [...(o.olderServer ? OLDER_SERVER_MISSING : []), ...(o.unavailablePaths ?? [])],
    invalidClientStatus: o.invalidClientStatus ?? 400,
    now: o.now ?? Date.now,
  };
}
