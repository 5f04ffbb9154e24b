/** Every way a RADIUS packet can fail to decode; `code` is stable and documented in docs/errors.md. */
export const RadiusDecodeErrorCode = {
  TooShort: 'ERR_RADIUS_TOO_SHORT',
  BadLength: 'ERR_RADIUS_BAD_LENGTH',
  TooLong: 'ERR_RADIUS_TOO_LONG',
  UnknownCode: 'ERR_RADIUS_UNKNOWN_CODE',
  TruncatedAttribute: 'ERR_RADIUS_TRUNCATED_ATTRIBUTE',
  BadAttributeLength: 'ERR_RADIUS_BAD_ATTRIBUTE_LENGTH',
  BadValue: 'ERR_RADIUS_BAD_VALUE',
  BadVsa: 'ERR_RADIUS_BAD_VSA',
  DuplicateMessageAuthenticator: 'ERR_RADIUS_DUPLICATE_MESSAGE_AUTHENTICATOR',
  BadMessageAuthenticatorLength: 'ERR_RADIUS_BAD_MESSAGE_AUTHENTICATOR_LENGTH',
  ValueTooLong: 'ERR_RADIUS_VALUE_TOO_LONG',
  PacketTooLarge: 'ERR_RADIUS_PACKET_TOO_LARGE',
} as const;
export type RadiusDecodeErrorCodeValue = (typeof RadiusDecodeErrorCode)[keyof typeof RadiusDecodeErrorCode];

export class RadiusDecodeError extends Error {
  readonly code: RadiusDecodeErrorCodeValue;
  /** Byte offset in the packet where decoding failed, when known. */
  readonly offset: number;

  constructor(code: RadiusDecodeErrorCodeValue, message: string, offset = -1) {
    super(message);
    this.name = 'RadiusDecodeError';
    this.code = code;
    this.offset = offset;
  }
}

/** Raised when a value cannot be encoded (too long, wrong type): a programming or config error, not wire input. */
export class RadiusEncodeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RadiusEncodeError';
    this.code = code;
  }
}
