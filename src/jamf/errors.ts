// One error type for everything that goes wrong talking to Jamf. Its message is one line an admin can act
// on: which endpoint, what Jamf answered, and a hint for the common causes. It never carries secrets.

export const JAMF_ERROR_KINDS = ['http', 'network', 'tls', 'timeout', 'parse', 'incomplete'] as const;
export type JamfErrorKind = (typeof JAMF_ERROR_KINDS)[number];

export interface JamfErrorInit {
  kind: JamfErrorKind;
  /** "GET api/v4/computers-inventory?page=0…". */
  endpoint: string;
  status?: number;
  /** Jamf's error body, summarised to one line. */
  jamfBody?: string;
  /** Network/TLS error code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE …). */
  code?: string;
  /** What is wrong, when there is no body to show (parse and paging errors). */
  detail?: string;
  hint?: string;
}

export class JamfError extends Error {
  readonly kind: JamfErrorKind;
  readonly endpoint: string;
  readonly status?: number;
  readonly jamfBody?: string;
  readonly code?: string;
  readonly hint?: string;

  constructor(init: JamfErrorInit) {
    const what = [
      init.status !== undefined ? `HTTP ${init.status}` : undefined,
      init.code,
      init.detail,
      init.jamfBody ? `Jamf said: ${init.jamfBody}` : undefined,
    ].filter(Boolean).join(', ');
    super(`Jamf ${init.endpoint}: ${what || 'failed'}${init.hint ? ` (hint: ${init.hint})` : ''}`);
    this.name = 'JamfError';
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.jamfBody = init.jamfBody;
    this.code = init.code;
    this.hint = init.hint;
  }

  /** A 404 from Jamf: the endpoint is missing on this server (older version) or the object does not exist. */
  get isNotFound(): boolean {
    return this.kind === 'http' && this.status === 404;
  }
}

const MAX_BODY = 300;

/** Replaces every occurrence of the given secrets with "[redacted]" (defence in depth for echoed bodies). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_BODY ? `${flat.slice(0, MAX_BODY)}…` : flat;
}

/**
 * Jamf's error body in one line: the Pro API `ApiError` ({httpStatus, errors:[{code, field, description}]}),
 * the OAuth RFC 6749 §5.2 body ({error, error_description}), Tomcat's HTML pages (Classic), or raw text.
 */
export function summariseErrorBody(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  if (text.startsWith('{')) {
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      if (Array.isArray(v.errors)) {
        const parts = (v.errors as Record<string, unknown>[]).map((e) =>
          [e.code, e.description].filter((x) => typeof x === 'string' && x).join(': ') + (typeof e.field === 'string' && e.field ? ` (${e.field})` : ''));
        return oneLine(parts.filter(Boolean).join('; ')) || undefined;
      }
      if (typeof v.error === 'string') {
        return oneLine(typeof v.error_description === 'string' ? `${v.error}: ${v.error_description}` : v.error);
      }
    } catch {
      // not JSON after all: show the text
    }
    return oneLine(text);
  }
  if (text.startsWith('<')) {
    // Tomcat/Classic HTML or XML: keep the words. Drop <head> (title and CSS), then every tag.
    const words = text.replace(/<head[\s\S]*?<\/head>/i, ' ').replace(/<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]*>/g, ' ');
    return oneLine(words.replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) || undefined;
  }
  return oneLine(text);
}

/** The API role privilege a read endpoint needs (Jamf's x-required-privileges). */
export function privilegeFor(path: string): string | undefined {
  const p = path.toLowerCase().split('?')[0];
  if (p.includes('mobile-device-groups/smart-group-membership')) return 'Read Smart Mobile Device Groups" and "Read Mobile Devices';
  if (p.includes('mobile-device-groups') || p.includes('jssresource/mobiledevicegroups')) return 'Read Smart Mobile Device Groups';
  if (p.includes('mobile-devices') || p.includes('jssresource/mobiledevices')) return 'Read Mobile Devices';
  if (p.includes('computer-groups') || p.includes('jssresource/computergroups')) return 'Read Smart Computer Groups';
  if (p.includes('computers-inventory') || p.includes('jssresource/computers')) return 'Read Computers';
  return undefined;
}

const UNTRUSTED_CERT = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED_CERT = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/** Kind and hint for a failure without an HTTP answer. */
export function classifyNetworkError(code: string | undefined, host: string, timeoutMs: number): { kind: JamfErrorKind; hint?: string } {
  if (!code) return { kind: 'network' };
  if (UNTRUSTED_CERT.has(code)) return { kind: 'tls', hint: `the certificate of ${host} is not trusted: set jamf.tls.ca_file to the CA that signed it` };
  if (EXPIRED_CERT.has(code)) return { kind: 'tls', hint: `the certificate of ${host} is expired or not yet valid (check the Jamf server and this machine's clock)` };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'tls', hint: `the certificate does not name ${host}: use the host name printed in the certificate in jamf.url` };
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return { kind: 'timeout', hint: `no answer from ${host} within ${timeoutMs / 1000} s: check the network or raise jamf.timeouts` };
  if (UNREACHABLE.has(code)) return { kind: 'network', hint: `cannot reach ${host}: check jamf.url, DNS and firewalls` };
  return { kind: 'network' };
}

export interface HintContext {
  clientId: string;
  /** Where the secret came from ("env JAMF_SECRET"), safe to show. */
  secretSource: string;
  isTokenEndpoint: boolean;
  /** OAuth `error` field from the token endpoint's body. */
  oauthError?: string;
}

/** A hint for the HTTP answers admins meet most. */
export function hintForStatus(status: number, path: string, ctx: HintContext): string | undefined {
  if (ctx.isTokenEndpoint) {
    if (ctx.oauthError === 'invalid_scope') return `the API client "${ctx.clientId}" asked for a role it does not hold: check its API roles in Jamf Pro → Settings → API roles and clients`;
    if (status === 400 || status === 401) {
      return `Jamf rejected the API client credentials: check jamf.client_id "${ctx.clientId}" and the client secret (${ctx.secretSource}); in Jamf Pro → Settings → API roles and clients the client must be enabled and the secret current`;
    }
    if (status === 404) return 'this server offers no OAuth token endpoint: API clients need Jamf Pro 10.49 or later (and check jamf.url)';
  }
  if (status === 401) return `Jamf refused a fresh token for API client "${ctx.clientId}": the client may have been disabled, or its role changed (a role change needs a new client secret)`;
  if (status === 403) {
    const priv = privilegeFor(path);
    return priv
      ? `the API role of client "${ctx.clientId}" lacks the privilege "${priv}" (Jamf Pro → Settings → API roles and clients → API roles)`
      : `the API role of client "${ctx.clientId}" lacks a privilege for this endpoint`;
  }
  if (status === 429) return 'Jamf is throttling requests: lower jamf.max_connections or poll less often';
  if (status >= 500) return 'Jamf Pro had a server error; the request was retried up to jamf.retry.limit times';
  return undefined;
}
