// Reply builders in Jamf's three error dialects: the Pro API's ApiError JSON, the OAuth token
// endpoint's RFC 6749 §5.2 body, and the Classic API's HTML status page.

import { classicXml } from './xml.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiErrorCause {
  code: string;
  field: string;
  description: string;
  id: string | null;
}

const NO_CACHE = { 'cache-control': 'no-cache, no-store, must-revalidate', expires: '0' };

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...NO_CACHE, ...headers }, body: JSON.stringify(value) };
}

/** `{"httpStatus":401,"errors":[]}`: the Pro API error shape (ApiError in the OpenAPI document). */
export function apiError(status: number, errors: ApiErrorCause[] = []): Reply {
  return json(status, { httpStatus: status, errors });
}

export function cause(code: string, description: string, field = '', id: string | null = null): ApiErrorCause {
  return { code, field, description, id };
}

export function missingPrivileges(privileges: readonly string[]): Reply {
  return apiError(403, [cause('INVALID_PRIVILEGE', `Forbidden: requires privilege ${privileges.join(', ')}`)]);
}

export function badRequest(field: string, description: string): Reply {
  return apiError(400, [cause('INVALID_FIELD', description, field)]);
}

export function notFound(what: string, id: string): Reply {
  return apiError(404, [cause('INVALID_ID', `${what} with id ${id} not found`, 'id', id)]);
}

/** RFC 6749 §5.2 error from the token endpoint ("differs from standard Jamf Pro API error response"). */
export function oauthError(status: number, error: string, description: string): Reply {
  return json(status, {
    error, error_description: description, error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#section-5.2',
  }, { pragma: 'no-cache', 'cache-control': 'no-store' });
}

export function noContent(): Reply {
  return { status: 204, headers: { ...NO_CACHE }, body: '' };
}

// --- Classic API -------------------------------------------------------------------------------

/** Classic answers JSON when asked, but labels it text/plain (seen on Jamf Cloud 10.42.1). */
export function classic(accept: string | undefined, doc: Record<string, unknown>, status = 200): Reply {
  if (accept !== undefined && /application\/json/i.test(accept)) {
    return { status, headers: { 'content-type': 'text/plain;charset=UTF-8', ...NO_CACHE }, body: JSON.stringify(doc) };
  }
  return { status, headers: { 'content-type': 'application/xml;charset=UTF-8', ...NO_CACHE }, body: classicXml(doc) };
}

const CLASSIC_TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'The request could not be understood by the server due to malformed syntax'],
  401: ['Unauthorized', 'The request requires user authentication'],
  403: ['Forbidden', 'The server understood the request, but is refusing to fulfill it'],
  404: ['Not Found', 'The server has not found anything matching the request URI'],
  405: ['Method Not Allowed', 'The method specified in the request is not allowed for the resource identified by the request URI'],
  409: ['Conflict', 'The request could not be completed due to a conflict with the current state of the resource'],
  415: ['Unsupported Media Type', 'The server is refusing to service the request because the entity of the request is in a format not supported'],
};

/** The HTML status page the Classic API answers errors with. `detail` goes in a second paragraph. */
export function classicError(status: number, detail?: string): Reply {
  const [title, text] = CLASSIC_TEXT[status] ?? ['Error', 'The server encountered an error'];
  const body = `<html>\n<head>\n   <title>Status page</title>\n</head>\n<body style="font-family: sans-serif;">\n` +
    `<p style="font-size: 1.2em;font-weight: bold;margin: 1em 0px;">${title}</p>\n<p>${text}</p>\n` +
    (detail ? `<p>${detail.replace(/</g, '&lt;')}</p>\n` : '') + `</body>\n</html>\n`;
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8' }, body };
}

/** What a load balancer in front of Jamf sends for 429/502/503/504: plain HTML, not ApiError. */
export function gatewayError(status: number, retryAfterSeconds?: number): Reply {
  const reason: Record<number, string> = {
    429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out',
  };
  const title = `${status} ${reason[status] ?? 'Error'}`;
  const headers: Record<string, string> = { 'content-type': 'text/html' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return { status, headers, body: `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n</body>\n</html>\n` };
}
