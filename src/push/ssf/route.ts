import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../auth.js';
import type { SsfSettings } from '../config.js';
import { mediaType, type Reply, type Route } from '../http-io.js';
import { KeysUnavailableError, SetError, type SetErrorCode } from './errors.js';
import type { SetValidator, VerifiedSet } from './validate.js';

// POST /ssf/events: RFC 8935 push delivery. 202 with an empty body once the SET is verified and applied;
// 400 {"err", "description"} otherwise; 503 when the transmitter's keys cannot be read (retry later).

export interface SsfRouteDeps {
  settings: SsfSettings;
  validator: SetValidator;
  apply: (set: VerifiedSet) => void;
}

function setError(err: SetErrorCode, description: string): Reply {
  return { status: 400, body: { err, description }, reason: `${err}: ${description}` };
}

export function ssfRoute(deps: SsfRouteDeps): Route {
  const { settings, validator, apply } = deps;
  return {
    name: 'ssf',
    error: (status, reason) => (status < 500 ? setError('invalid_request', reason) : { status, body: { description: reason }, reason }),

    precheck(req: IncomingMessage): Reply | undefined {
      if (!settings.authorization) return undefined;
      const presented = req.headers.authorization;
      if (sameSecret(presented, settings.authorization)) return undefined;
      return setError('authentication_failed', presented === undefined ? 'no Authorization header' : 'wrong Authorization header');
    },

    async handle(body: Buffer, req: IncomingMessage): Promise<Reply> {
      const type = mediaType(req);
      if (type !== 'application/secevent+jwt') {
        return setError('invalid_request', `Content-Type must be application/secevent+jwt (got ${type || 'none'})`);
      }
      try {
        apply(await validator.validate(body.toString('latin1').trim()));
      } catch (err) {
        if (err instanceof SetError) return setError(err.err, err.message);
        if (err instanceof KeysUnavailableError) return { status: 503, body: { description: err.message }, reason: err.message, headers: { 'retry-after': '30' } };
        throw err;
      }
      return { status: 202 };
    },
  };
}
