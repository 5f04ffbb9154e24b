// Token endpoints: API-client credentials (/api/oauth/token and /api/v1/oauth/token, form-encoded,
// RFC 6749 errors) and user tokens (/api/v1/auth/token with Basic, keep-alive, invalidate), plus the
// "who am I" probe and the version endpoint.

import { createHash, timingSafeEqual } from 'node:crypto';
import { ALL_PRIVILEGES } from './privileges.js';
import { apiError, json, noContent, oauthError, type Reply } from './responses.js';
import type { RequestContext, Route } from './router.js';
import { TokenKind } from './tokens.js';

/** Compares secrets without leaking their length or content through timing. */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function clientToken(ctx: RequestContext): Reply {
  const type = String(ctx.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthError(400, 'invalid_request', 'OAuth 2.0 Parameter: grant_type');
  }
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (!grantType) return oauthError(400, 'invalid_request', 'OAuth 2.0 Parameter: grant_type');
  if (grantType !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'OAuth 2.0 Parameter: grant_type');
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  if (!id || !secret) return oauthError(ctx.options.invalidClientStatus, 'invalid_client', 'Client authentication failed');
  const index = ctx.options.clients.findIndex((c) => c.id === id);
  const client = ctx.options.clients[index];
  if (!client || !sameSecret(client.secret, secret)) {
    return oauthError(ctx.options.invalidClientStatus, 'invalid_client', 'Client authentication failed');
  }
  const roles = client.roles ?? [`api-role:${index + 1}`];
  const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
  const unknown = asked.find((s) => !roles.includes(s));
  if (unknown) return oauthError(400, 'invalid_scope', `OAuth 2.0 Parameter: scope (${unknown})`);
  const lifetime = client.tokenLifetimeSeconds ?? ctx.options.tokenLifetimeSeconds;
  const scope = (asked.length > 0 ? asked : roles).join(' ');
  const grant = ctx.tokens.issue(TokenKind.client, client.id, client.privileges ?? ALL_PRIVILEGES, lifetime * 1000, scope);
  return json(200, { access_token: grant.token, scope, token_type: 'Bearer', expires_in: lifetime },
    { 'cache-control': 'no-store', pragma: 'no-cache' });
}

function userToken(ctx: RequestContext): Reply {
  const header = String(ctx.headers.authorization ?? '');
  const m = /^Basic\s+(\S+)$/i.exec(header);
  const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = colon > 0 ? ctx.options.users.find((u) => u.username === decoded.slice(0, colon)) : undefined;
  if (!user || !sameSecret(user.password, decoded.slice(colon + 1))) return apiError(401);
  return issueUserToken(ctx, user.username, user.privileges ?? ALL_PRIVILEGES);
}

function issueUserToken(ctx: RequestContext, username: string, privileges: Iterable<string>): Reply {
  const grant = ctx.tokens.issue(TokenKind.user, username, [...privileges], ctx.options.userTokenLifetimeSeconds * 1000);
  return json(200, { token: grant.token, expires: new Date(grant.expiresAt).toISOString() });
}

/** New token, old one invalidated. Client-credential tokens cannot be kept alive (Jamf ≥ 10.49). */
function keepAlive(ctx: RequestContext): Reply {
  const grant = ctx.grant!;
  if (grant.kind !== TokenKind.user) return apiError(401);
  ctx.tokens.revoke(grant.token);
  return issueUserToken(ctx, grant.principal, grant.privileges);
}

function invalidate(ctx: RequestContext): Reply {
  ctx.tokens.revoke(ctx.grant!.token);
  return noContent();
}

function whoAmI(ctx: RequestContext): Reply {
  const g = ctx.grant!;
  const client = g.kind === TokenKind.client;
  return json(200, {
    account: {
      id: client ? '-1' : '1', username: g.principal, realName: client ? g.principal : 'Mock Administrator', email: '',
      preferences: { language: 'en', dateFormat: 'MM/dd/yyyy', region: 'Europe', timezone: 'Etc/GMT', disableRelativeDates: false },
      multiSiteAdmin: false, accessLevel: 'FullAccess', privilegeSet: 'CUSTOM',
      privilegesBySite: { '-1': [...g.privileges] }, groupIds: [], currentSiteId: '-1',
    },
    accountGroups: [],
    sites: [],
    authenticationType: client ? 'CLIENT_CREDENTIALS' : 'JSS',
  });
}

export const authRoutes: readonly Route[] = [
  { method: 'POST', path: '/api/oauth/token', auth: 'none', handle: clientToken },
  { method: 'POST', path: '/api/v1/oauth/token', auth: 'none', handle: clientToken },
  { method: 'POST', path: '/api/v1/auth/token', auth: 'none', handle: userToken },
  { method: 'POST', path: '/api/v1/auth/keep-alive', auth: 'bearer', handle: keepAlive },
  { method: 'POST', path: '/api/v1/auth/invalidate-token', auth: 'bearer', handle: invalidate },
  { method: 'GET', path: '/api/v1/auth', auth: 'bearer', handle: whoAmI },
  { method: 'GET', path: '/api/v1/jamf-pro-version', auth: 'bearer', handle: (ctx) => json(200, { version: ctx.options.version }) },
];
