// RFC 8935 §2.4 error codes, answered as 400 {"err", "description"}. Which check maps to which code:
// - invalid_request: not a signed SET, bad typ, claims missing or malformed, iat outside the window, a jti
//   already received, an event payload that does not follow its definition;
// - invalid_key: an algorithm outside the allow-list (incl. "none" and HS*), a key id the JWKS does not have;
// - authentication_failed: the signature does not verify, or the Authorization header is missing/wrong;
// - invalid_issuer / invalid_audience: iss / aud are not ours.

export const SET_ERRORS = ['invalid_request', 'invalid_key', 'invalid_issuer', 'invalid_audience', 'authentication_failed', 'access_denied'] as const;
export type SetErrorCode = (typeof SET_ERRORS)[number];

export class SetError extends Error {
  readonly err: SetErrorCode;
  /** A jti already received: refused on push, acknowledged on poll (the transmitter missed our ack). */
  readonly duplicate: boolean;
  constructor(err: SetErrorCode, description: string, duplicate = false) {
    super(description);
    this.name = 'SetError';
    this.err = err;
    this.duplicate = duplicate;
  }
}

/** The transmitter's keys cannot be fetched right now: answered 503 so the transmitter retries later. */
export class KeysUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeysUnavailableError';
  }
}
