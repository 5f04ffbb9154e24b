/**
 * EAP layer errors. Every error thrown by this layer carries a stable `code`
 * (ERR_EAP_*), so callers and tests never match on message text.
 */

export const EapErrorCode = {
  /** Fewer than 4 octets: no EAP header. */
  Truncated: 'ERR_EAP_TRUNCATED',
  /** Length field smaller than the header or larger than the buffer. */
  BadLength: 'ERR_EAP_BAD_LENGTH',
  /** Code other than 1..4. */
  UnknownCode: 'ERR_EAP_UNKNOWN_CODE',
  /** Request/Response without the Type octet. */
  MissingType: 'ERR_EAP_MISSING_TYPE',
  /** Packet would exceed 65535 octets (encode only). */
  TooLong: 'ERR_EAP_TOO_LONG',
  /** EAP-TLS/TTLS/PEAP Type-Data without the flags octet or with a cut TLS Message Length. */
  TlsFrameTruncated: 'ERR_EAP_TLS_FRAME_TRUNCATED',
  /** Engine options are invalid (see `problems`). */
  Config: 'ERR_EAP_CONFIG',
} as const;
export type EapErrorCode = (typeof EapErrorCode)[keyof typeof EapErrorCode];

export class EapError extends Error {
  readonly code: EapErrorCode;
  constructor(code: EapErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EapError';
    this.code = code;
  }
}

/** Thrown by the pure decoders for malformed input; decoders never throw anything else. */
export class EapDecodeError extends EapError {
  constructor(code: EapErrorCode, message: string) {
    super(code, message);
    this.name = 'EapDecodeError';
  }
}

/** Thrown by option resolution; lists every problem found, not just the first. */
export class EapConfigError extends EapError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(EapErrorCode.Config, `invalid EAP options: ${problems.join('; ')}`, options);
    this.name = 'EapConfigError';
    this.problems = problems;
  }
}
