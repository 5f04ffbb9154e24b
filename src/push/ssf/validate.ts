import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { SsfSettings } from '../config.js';
import { ReplayCache } from '../replay-cache.js';
import { KeysUnavailableError, SetError } from './errors.js';

// RFC 8417 SET validation for RFC 8935 push delivery, in this order: a compact JWS (not JWE, not unsigned);
// alg in the allow-list and typ secevent+jwt; iss is the configured issuer (checked on the unverified payload
// too, so a foreign issuer never makes us fetch keys); signature with the transmitter's key; aud contains
// ours; iat neither in the future nor older than max_age (both ± clock skew); jti not seen before; events.

export interface VerifiedSet {
  iss: string;
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
  aud: string[];
  /** Event type URI → event payload. */
  events: Record<string, Record<string, unknown>>;
  /** SSF 1.0 subject (older CAEP events carry theirs inside the event). */
  sub_id?: unknown;
  txn?: string;
}

const TYP = /^(application\/)?secevent\+jwt$/i;

export class SetValidator {
  readonly #s: SsfSettings;
  readonly #getKey: JWTVerifyGetKey;
  readonly #now: () => number;
  readonly #seen: ReplayCache;

  constructor(settings: SsfSettings, getKey: JWTVerifyGetKey, now: () => number = Date.now) {
    this.#s = settings;
    this.#getKey = getKey;
    this.#now = now;
    this.#seen = new ReplayCache({ capacity: settings.replayCacheSize, now });
  }

  /** The verified claims, or throws SetError (answer 400) / KeysUnavailableError (answer 503). */
  async validate(token: string): Promise<VerifiedSet> {
    const parts = token.split('.');
    if (parts.length === 5) throw new SetError('invalid_request', 'encrypted SETs (JWE) are not supported; send a signed SET');
    if (parts.length !== 3) throw new SetError('invalid_request', 'the body is not a compact JWS (header.payload.signature)');

    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch (err) {
      throw new SetError('invalid_request', `not a JWT: ${(err as Error).message}`);
    }
    const alg = String(header.alg ?? '');
    if (!this.#s.algorithms.includes(alg)) {
      throw new SetError('invalid_key', `alg "${alg}" is not accepted (allowed: ${this.#s.algorithms.join(', ')})`);
    }
    if (typeof header.typ !== 'string' || !TYP.test(header.typ)) {
      throw new SetError('invalid_request', `typ must be "secevent+jwt" (got ${header.typ === undefined ? 'none' : `"${header.typ}"`})`);
    }
    if (unverified.iss !== this.#s.issuer) {
      throw new SetError('invalid_issuer', `iss ${JSON.stringify(unverified.iss ?? null)} is not the configured issuer`);
    }

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#getKey, {
        issuer: this.#s.issuer,
        audience: this.#s.audience,
        algorithms: this.#s.algorithms,
        typ: 'secevent+jwt',
        clockTolerance: this.#s.clockSkewSeconds,
        maxTokenAge: this.#s.maxAgeSeconds,
        requiredClaims: ['iat', 'jti', 'events'],
        currentDate: new Date(this.#now()),
      }));
    } catch (err) {
      throw this.#mapError(err, header.kid);
    }
    return this.#claims(payload);
  }

  #claims(p: JWTPayload): VerifiedSet {
    if (typeof p.jti !== 'string' || p.jti.length === 0 || p.jti.length > 256) throw new SetError('invalid_request', 'jti must be a non-empty string');
    const events = p.events;
    if (!events || typeof events !== 'object' || Array.isArray(events) || Object.keys(events).length === 0) {
      throw new SetError('invalid_request', 'events must be an object with at least one event type');
    }
    for (const [type, payload] of Object.entries(events)) {
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new SetError('invalid_request', `event ${type} must be a JSON object`);
    }
    // Remembered until it could no longer pass the iat check, so a replay is refused by one or the other.
    const until = (p.iat! + this.#s.maxAgeSeconds + 2 * this.#s.clockSkewSeconds) * 1000;
    if (!this.#seen.claim(`${p.iss}\u0000${p.jti}`, until)) throw new SetError('invalid_request', `jti ${JSON.stringify(p.jti)} was already received`, true);
    return {
      iss: p.iss!,
      jti: p.jti,
      iat: p.iat!,
      aud: Array.isArray(p.aud) ? p.aud : [p.aud!],
      events: events as VerifiedSet['events'],
      sub_id: p.sub_id,
      txn: typeof p.txn === 'string' ? p.txn : undefined,
    };
  }

  #mapError(err: unknown, kid: string | undefined): Error {
    if (err instanceof KeysUnavailableError) return err;
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
      return new SetError('invalid_key', `the transmitter's JWKS has no usable key${kid ? ` with kid "${kid}"` : ' (no kid in the header)'}`);
    }
    if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return new SetError('invalid_key', err.message);
    if (err instanceof errors.JWSSignatureVerificationFailed) return new SetError('authentication_failed', 'the signature does not verify with the transmitter\'s key');
    if (err instanceof errors.JWTExpired) {
      return new SetError('invalid_request', err.claim === 'iat' ? `issued more than ${this.#s.maxAgeSeconds} s ago (iat too old)` : `expired (${err.claim})`);
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'iss') return new SetError('invalid_issuer', 'iss is not the configured issuer');
      if (err.claim === 'aud') return new SetError('invalid_audience', `aud does not contain ${this.#s.audience.map((a) => `"${a}"`).join(' or ')}`);
      if (err.claim === 'iat' && err.reason === 'check_failed') return new SetError('invalid_request', 'iat is in the future (beyond the clock skew)');
      return new SetError('invalid_request', err.message);
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return new SetError('invalid_request', err.message);
    // Anything else came from fetching the keys (timeout, HTTP error, not a JWKS): temporary on our side.
    return new KeysUnavailableError(`cannot read the transmitter's keys: ${(err as Error)?.message ?? String(err)}`);
  }
}
