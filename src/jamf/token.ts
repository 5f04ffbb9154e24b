// OAuth client-credentials tokens (POST /api/oauth/token). Jamf issues no refresh token and keep-alive does not
// work for API clients, so a new token is requested shortly before the old one expires.

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
  scope?: string;
}

/** Renew this long before expires_in runs out (a quarter of the lifetime for short-lived tokens). */
export const TOKEN_RENEW_MARGIN_SECONDS = 30;

export function renewMarginMs(expiresInSeconds: number): number {
  return Math.min(TOKEN_RENEW_MARGIN_SECONDS, expiresInSeconds / 4) * 1000;
}

/** Caches one token; concurrent callers share a single request for a new one. */
export class TokenManager {
  readonly #issue: () => Promise<IssuedToken>;
  readonly #now: () => number;
  #token?: { value: string; renewAt: number; scope?: string; expiresInSeconds: number };
  #pending?: Promise<string>;
  /** Tokens obtained so far. */
  issued = 0;

  constructor(issue: () => Promise<IssuedToken>, now: () => number = Date.now) {
    this.#issue = issue;
    this.#now = now;
  }

  /** A token valid for at least the renew margin. */
  async get(): Promise<string> {
    if (this.#token && this.#now() < this.#token.renewAt) return this.#token.value;
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Drops `token` if it is still the cached one (a 401 said it is no longer good). */
  invalidate(token: string): void {
    if (this.#token?.value === token) this.#token = undefined;
  }

  /** Scope and lifetime of the current token (for `jamf test`). */
  describe(): { scope?: string; expiresInSeconds: number } | undefined {
    return this.#token ? { scope: this.#token.scope, expiresInSeconds: this.#token.expiresInSeconds } : undefined;
  }

  async #fetch(): Promise<string> {
    const t = await this.#issue();
    this.issued++;
    this.#token = {
      value: t.accessToken,
      renewAt: this.#now() + t.expiresInSeconds * 1000 - renewMarginMs(t.expiresInSeconds),
      scope: t.scope,
      expiresInSeconds: t.expiresInSeconds,
    };
    return t.accessToken;
  }
}
