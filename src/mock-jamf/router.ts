// A tiny route table: "GET /api/v3/computer-groups/smart-group-membership/{id}" → handler.
// Templates match raw (still percent-encoded) segments, so a group name with "%2F" stays one segment.

import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedOptions } from './options.js';
import type { ViewCache } from './paging.js';
import type { Reply } from './responses.js';
import type { MockJamfState } from './state.js';
import type { TokenGrant, TokenStore } from './tokens.js';

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set for bearer-authenticated routes. */
  grant: TokenGrant | undefined;
  state: MockJamfState;
  options: ResolvedOptions;
  tokens: TokenStore;
  views: ViewCache;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** "bearer": a valid token is required; "none": the handler authenticates (token endpoints). */
  auth: 'bearer' | 'none';
  /** All of these are required (Jamf's x-required-privileges). */
  privileges?: readonly string[];
  /** Classic API: errors are HTML status pages, not ApiError JSON. */
  classic?: boolean;
  handle: (ctx: RequestContext) => Reply;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; route: Route }
  | { kind: 'none' };

interface Compiled {
  route: Route;
  segments: string[];
}

export class Router {
  readonly #routes: Compiled[];

  constructor(routes: readonly Route[]) {
    this.#routes = routes.map((route) => ({ route, segments: route.path.split('/') }));
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.length > 1 && path.endsWith('/') ? path.slice(0, -1).split('/') : path.split('/');
    let wrongMethod: Route | undefined;
    for (const c of this.#routes) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method === method) return { kind: 'found', route: c.route, params };
      wrongMethod ??= c.route;
    }
    return wrongMethod ? { kind: 'wrong-method', route: wrongMethod } : { kind: 'none' };
  }
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t.startsWith('{') && t.endsWith('}')) {
      if (parts[i] === '') return undefined;
      try {
        params[t.slice(1, -1)] = decodeURIComponent(parts[i]);
      } catch {
        return undefined;
      }
    } else if (t !== parts[i]) {
      return undefined;
    }
  }
  return params;
}
