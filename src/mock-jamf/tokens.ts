// Bearer tokens for both flows. They look like Jamf's (HS256/HS512 JWTs with Jamf's claim names) but
// the mock only trusts its own table: a token is valid while it is in the table, not revoked and
// before its expiry on the mock's clock.

import { createHmac, randomBytes, randomUUID } from 'node:crypto';

export const TokenKind = { client: 'client', user: 'user' } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface TokenGrant {
  token: string;
  kind: TokenKind;
  /** Client id or username. */
  principal: string;
  privileges: ReadonlySet<string>;
  /** Space-separated api-role list for client tokens ("api-role:1"). */
  scope: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true; grant: TokenGrant } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export class TokenStore {
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #key = randomBytes(32);
  issued = 0;

  constructor(readonly now: () => number, readonly issuer: () => string) {}

  issue(kind: TokenKind, principal: string, privileges: readonly string[], lifetimeMs: number, scope = ''): TokenGrant {
    const issuedAt = this.now();
    const expiresAt = issuedAt + lifetimeMs;
    const iat = Math.floor(issuedAt / 1000);
    const exp = Math.floor(expiresAt / 1000);
    // Claim names follow the decoded samples: client tokens from the Jamf docs, user tokens from the OpenAPI example.
    const [alg, claims] = kind === TokenKind.client
      ? ['HS256', {
        sub: principal, aud: principal, nbf: iat, 'token-uuid': randomUUID(), 'subject-type': 'REGISTERED_CLIENT_ID',
        'authentication-type': 'CLIENT_CREDENTIALS', scope: scope.split(' ').filter(Boolean), iss: this.issuer(), exp, iat,
      }]
      : ['HS512', {
        'authenticated-app': 'GENERIC', 'authentication-type': 'JSS', groups: [], 'current-site-id': -1,
        'token-uuid': randomUUID(), username: principal, 'subject-type': 'JSS_USER_ID', subject: '1', exp,
      }];
    const unsigned = `${b64url({ alg })}.${b64url(claims)}`;
    const signature = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', this.#key).update(unsigned).digest('base64url');
    const grant: TokenGrant = {
      token: `${unsigned}.${signature}`, kind, principal, privileges: new Set(privileges), scope, issuedAt, expiresAt,
      revoked: false,
    };
    this.#prune();
    this.#tokens.set(grant.token, grant);
    this.issued++;
    return grant;
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const grant = this.#tokens.get(token);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (this.now() >= grant.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  revoke(token: string): void {
    const grant = this.#tokens.get(token);
    if (grant) grant.revoked = true;
  }

  /** Makes every token issued so far expired, as if their lifetime had passed. */
  expireAll(): void {
    const now = this.now();
    for (const g of this.#tokens.values()) g.expiresAt = Math.min(g.expiresAt, now);
  }

  /** Tokens that are still usable right now. */
  liveCount(): number {
    let n = 0;
    for (const t of this.#tokens.keys()) if (this.check(t).ok) n++;
    return n;
  }

  #prune(): void {
    if (this.#tokens.size < 1000) return;
    const cutoff = this.now() - 3_600_000;
    for (const [t, g] of this.#tokens) if (g.expiresAt < cutoff) this.#tokens.delete(t);
  }
}
