// Error-Cause (101), RFC 5176 §3.5: why a NAS answered NAK (or, for 201, a detail of an ACK). The log and the CLI
// show these words, not the number.

export const ErrorCause = {
  ResidualSessionContextRemoved: 201,
  InvalidEapPacket: 202,
  UnsupportedAttribute: 401,
  MissingAttribute: 402,
  NasIdentificationMismatch: 403,
  InvalidRequest: 404,
  UnsupportedService: 405,
  UnsupportedExtension: 406,
  InvalidAttributeValue: 407,
  AdministrativelyProhibited: 501,
  RequestNotRoutable: 502,
  SessionContextNotFound: 503,
  SessionContextNotRemovable: 504,
  OtherProxyProcessingError: 505,
  ResourcesUnavailable: 506,
  RequestInitiated: 507,
  MultipleSessionSelectionUnsupported: 508,
} as const;

const words: Record<number, string> = {
  201: 'Residual Session Context Removed',
  202: 'Invalid EAP Packet (Ignored)',
  401: 'Unsupported Attribute',
  402: 'Missing Attribute',
  403: 'NAS Identification Mismatch',
  404: 'Invalid Request',
  405: 'Unsupported Service',
  406: 'Unsupported Extension',
  407: 'Invalid Attribute Value',
  501: 'Administratively Prohibited',
  502: 'Request Not Routable (Proxy)',
  503: 'Session Context Not Found',
  504: 'Session Context Not Removable',
  505: 'Other Proxy Processing Error',
  506: 'Resources Unavailable',
  507: 'Request Initiated',
  508: 'Multiple Session Selection Unsupported',
};

/** "Session Context Not Found (503)"; codes outside RFC 5176 by their class (2xx/4xx/5xx) and number. */
export function errorCauseText(code: number): string {
  const known = words[code];
  if (known) return `${known} (${code})`;
  const kind = code >= 200 && code < 300 ? 'success' : code >= 400 && code < 500 ? 'fatal error' : code >= 500 && code < 600 ? 'non-fatal error' : 'unknown';
  return `unknown Error-Cause ${code} (${kind})`;
}
