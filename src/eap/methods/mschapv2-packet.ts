/**
 * EAP-MSCHAPv2 (EAP type 26) packet codec, draft-kamath-pppext-eap-mschapv2-02 / [MS-CHAP] §2.2.
 * Works on the EAP Type-Data (the bytes after the Type octet); the EAP header is the caller's.
 *
 *   OpCode (1) | MS-CHAPv2-ID (1) | MS-Length (2) | data
 *
 * MS-Length equals the Type-Data length. Success and Failure *responses* are the OpCode alone.
 * Decoders are split by direction: `decodeMschapV2Response` is what a server reads.
 * The only error thrown is MschapV2PacketError.
 */

export const EAP_TYPE_MSCHAPV2 = 26;
export const MschapV2OpCode = { Challenge: 1, Response: 2, Success: 3, Failure: 4, ChangePassword: 7 } as const;
/** RFC 2759 §6 error codes for the Failure request's E= field. */
export const MschapV2ErrorCode = {
  RestrictedLogonHours: 646,
  AccountDisabled: 647,
  PasswordExpired: 648,
  NoDialinPermission: 649,
  AuthenticationFailure: 691,
  ChangingPassword: 709,
} as const;

const HEADER_LENGTH = 4;
const CHALLENGE_LENGTH = 16;
/** Response value: Peer-Challenge 16 | Reserved 8 | NT-Response 24 | Flags 1. */
const RESPONSE_VALUE_SIZE = 49;
/** Encrypted-Password 516 | Encrypted-Hash 16 | Peer-Challenge 16 | Reserved 8 | NT-Response 24 | Flags 2. */
const CHANGE_PASSWORD_BODY_LENGTH = 582;
const NT_RESPONSE_LENGTH = 24;
/** Type-Data can be at most 65535 - 5 bytes (EAP Length covers Code, Id, Length, Type). */
const MAX_TYPE_DATA_LENGTH = 0xffff - 5;

/** Server → peer (EAP Request). `message` is the raw text; see parseSuccessMessage / parseFailureMessage. */
export type MschapV2Request =
  | { kind: 'challenge'; mschapId: number; challenge: Buffer; name: string }
  | { kind: 'success'; mschapId: number; message: string }
  | { kind: 'failure'; mschapId: number; message: string };

/** Peer → server (EAP Response). */
export type MschapV2Response =
  | { kind: 'response'; mschapId: number; peerChallenge: Buffer; ntResponse: Buffer; flags: number; name: string }
  | { kind: 'success' }
  | { kind: 'failure' }
  | {
      kind: 'change-password';
      mschapId: number;
      encryptedPassword: Buffer;
      encryptedHash: Buffer;
      peerChallenge: Buffer;
      ntResponse: Buffer;
      flags: number;
    };

const ERROR_TEXT = {
  ERR_MSCHAPV2_EMPTY: 'empty packet',
  ERR_MSCHAPV2_TRUNCATED: 'packet shorter than its OpCode requires',
  ERR_MSCHAPV2_BAD_VALUE_SIZE: 'unexpected Value-Size',
  ERR_MSCHAPV2_UNKNOWN_OPCODE: 'unknown or wrong-direction OpCode',
  ERR_MSCHAPV2_BAD_SUCCESS_MESSAGE: 'malformed Success message',
  ERR_MSCHAPV2_BAD_FAILURE_MESSAGE: 'malformed Failure message',
  ERR_MSCHAPV2_BAD_FIELD: 'field has the wrong size or range',
  ERR_MSCHAPV2_TOO_LONG: 'packet too long',
} as const;
export type MschapV2PacketErrorCode = keyof typeof ERROR_TEXT;

export class MschapV2PacketError extends Error {
  override readonly name = 'MschapV2PacketError';
  constructor(readonly code: MschapV2PacketErrorCode) {
    super(`EAP-MSCHAPv2: ${ERROR_TEXT[code]}`);
  }
}

function fail(code: MschapV2PacketErrorCode): never {
  throw new MschapV2PacketError(code);
}

function checkBytes(value: Uint8Array, length: number): void {
  if (value.length !== length) fail('ERR_MSCHAPV2_BAD_FIELD');
}

function checkByte(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) fail('ERR_MSCHAPV2_BAD_FIELD');
}

/** OpCode | MS-CHAPv2-ID | MS-Length, then `body`. */
function withHeader(opCode: number, mschapId: number, body: readonly Uint8Array[]): Buffer {
  checkByte(mschapId);
  const length = HEADER_LENGTH + body.reduce((n, part) => n + part.length, 0);
  if (length > MAX_TYPE_DATA_LENGTH) fail('ERR_MSCHAPV2_TOO_LONG');
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = opCode;
  header[1] = mschapId;
  header.writeUInt16BE(length, 2);
  return Buffer.concat([header, ...body]);
}

/** Server's Challenge request: Value-Size 16, the challenge, then the server name. */
export function encodeChallengeRequest(p: { mschapId: number; challenge: Uint8Array; name: string }): Buffer {
  checkBytes(p.challenge, CHALLENGE_LENGTH);
  return withHeader(MschapV2OpCode.Challenge, p.mschapId, [
    Buffer.of(CHALLENGE_LENGTH),
    p.challenge,
    Buffer.from(p.name, 'utf8'),
  ]);
}

/** Server's Success request: "S=<40 upper hex> M=<message>" (RFC 2759 §5). */
export function encodeSuccessRequest(p: {
  mschapId: number;
  authenticatorResponse: string;
  message?: string;
}): Buffer {
  if (!/^S=[0-9A-F]{40}$/.test(p.authenticatorResponse)) fail('ERR_MSCHAPV2_BAD_FIELD');
  const text = `${p.authenticatorResponse} M=${p.message ?? 'OK'}`;
  return withHeader(MschapV2OpCode.Success, p.mschapId, [Buffer.from(text, 'utf8')]);
}

/**
 * Server's Failure request: "E=<error> R=<0|1> C=<32 hex> V=3 M=<message>" (RFC 2759 §6).
 * Defaults: E=691, R=0, C = sixteen zero bytes (only meaningful when a retry is offered).
 */
export function encodeFailureRequest(p: {
  mschapId: number;
  error?: number;
  retry?: boolean;
  challenge?: Uint8Array;
  version?: number;
  message?: string;
}): Buffer {
  const error = p.error ?? MschapV2ErrorCode.AuthenticationFailure;
  if (!Number.isInteger(error) || error < 0) fail('ERR_MSCHAPV2_BAD_FIELD');
  const challenge = p.challenge ?? Buffer.alloc(CHALLENGE_LENGTH);
  checkBytes(challenge, CHALLENGE_LENGTH);
  const hex = Buffer.from(challenge).toString('hex').toUpperCase();
  const message = p.message ?? 'Authentication failed';
  const text = `E=${error} R=${p.retry ? 1 : 0} C=${hex} V=${p.version ?? 3} M=${message}`;
  return withHeader(MschapV2OpCode.Failure, p.mschapId, [Buffer.from(text, 'utf8')]);
}

/** Peer's Response: Value-Size 49, Peer-Challenge, 8 reserved zeros, NT-Response, Flags, Name. */
export function encodeResponse(p: {
  mschapId: number;
  peerChallenge: Uint8Array;
  ntResponse: Uint8Array;
  flags?: number;
  name: string;
}): Buffer {
  checkBytes(p.peerChallenge, CHALLENGE_LENGTH);
  checkBytes(p.ntResponse, NT_RESPONSE_LENGTH);
  const flags = p.flags ?? 0;
  checkByte(flags);
  return withHeader(MschapV2OpCode.Response, p.mschapId, [
    Buffer.of(RESPONSE_VALUE_SIZE),
    p.peerChallenge,
    Buffer.alloc(8),
    p.ntResponse,
    Buffer.of(flags),
    Buffer.from(p.name, 'utf8'),
  ]);
}

/** Peer's Success / Failure response: the OpCode alone. */
export function encodeSuccessResponse(): Buffer {
  return Buffer.of(MschapV2OpCode.Success);
}
export function encodeFailureResponse(): Buffer {
  return Buffer.of(MschapV2OpCode.Failure);
}

/** Peer's Change-Password packet (RFC 2759 §7 fields, no Value-Size octet). */
export function encodeChangePassword(p: {
  mschapId: number;
  encryptedPassword: Uint8Array;
  encryptedHash: Uint8Array;
  peerChallenge: Uint8Array;
  ntResponse: Uint8Array;
  flags?: number;
}): Buffer {
  checkBytes(p.encryptedPassword, 516);
  checkBytes(p.encryptedHash, 16);
  checkBytes(p.peerChallenge, CHALLENGE_LENGTH);
  checkBytes(p.ntResponse, NT_RESPONSE_LENGTH);
  const flags = Buffer.alloc(2);
  const flagValue = p.flags ?? 0;
  if (!Number.isInteger(flagValue) || flagValue < 0 || flagValue > 0xffff) fail('ERR_MSCHAPV2_BAD_FIELD');
  flags.writeUInt16BE(flagValue, 0);
  return withHeader(MschapV2OpCode.ChangePassword, p.mschapId, [
    p.encryptedPassword,
    p.encryptedHash,
    p.peerChallenge,
    Buffer.alloc(8),
    p.ntResponse,
    flags,
  ]);
}

function asBuffer(typeData: Uint8Array): Buffer {
  if (typeData.length === 0) fail('ERR_MSCHAPV2_EMPTY');
  if (typeData.length > MAX_TYPE_DATA_LENGTH) fail('ERR_MSCHAPV2_TOO_LONG');
  return Buffer.from(typeData.buffer, typeData.byteOffset, typeData.byteLength);
}

/*
 * Decoders ignore MS-Length and use the real Type-Data length: hostapd's server does the same,
 * and wpa_supplicant carries a workaround for servers that fill MS-Length in wrongly.
 */

/** What a server receives. Byte fields are copies; Name is decoded as UTF-8. */
export function decodeMschapV2Response(typeData: Uint8Array): MschapV2Response {
  const buf = asBuffer(typeData);
  switch (buf[0]) {
    case MschapV2OpCode.Response: {
      if (buf.length < HEADER_LENGTH + 1 + RESPONSE_VALUE_SIZE) fail('ERR_MSCHAPV2_TRUNCATED');
      if (buf[HEADER_LENGTH] !== RESPONSE_VALUE_SIZE) fail('ERR_MSCHAPV2_BAD_VALUE_SIZE');
      const value = HEADER_LENGTH + 1;
      return {
        kind: 'response',
        mschapId: buf[1],
        peerChallenge: Buffer.from(buf.subarray(value, value + 16)),
        ntResponse: Buffer.from(buf.subarray(value + 24, value + 48)),
        flags: buf[value + 48],
        name: buf.subarray(value + RESPONSE_VALUE_SIZE).toString('utf8'),
      };
    }
    // Only the OpCode matters here; hostapd ignores anything after it too.
    case MschapV2OpCode.Success:
      return { kind: 'success' };
    case MschapV2OpCode.Failure:
      return { kind: 'failure' };
    case MschapV2OpCode.ChangePassword: {
      if (buf.length < HEADER_LENGTH + CHANGE_PASSWORD_BODY_LENGTH) fail('ERR_MSCHAPV2_TRUNCATED');
      const at = (offset: number, length: number): Buffer =>
        Buffer.from(buf.subarray(HEADER_LENGTH + offset, HEADER_LENGTH + offset + length));
      return {
        kind: 'change-password',
        mschapId: buf[1],
        encryptedPassword: at(0, 516),
        encryptedHash: at(516, 16),
        peerChallenge: at(532, 16),
        ntResponse: at(556, 24),
        flags: buf.readUInt16BE(HEADER_LENGTH + 580),
      };
    }
    default:
      return fail('ERR_MSCHAPV2_UNKNOWN_OPCODE');
  }
}

/** What a peer receives (useful for test clients). */
export function decodeMschapV2Request(typeData: Uint8Array): MschapV2Request {
  const buf = asBuffer(typeData);
  if (buf.length < HEADER_LENGTH) fail('ERR_MSCHAPV2_TRUNCATED');
  const mschapId = buf[1];
  switch (buf[0]) {
    case MschapV2OpCode.Challenge: {
      if (buf.length < HEADER_LENGTH + 1) fail('ERR_MSCHAPV2_TRUNCATED');
      if (buf[HEADER_LENGTH] !== CHALLENGE_LENGTH) fail('ERR_MSCHAPV2_BAD_VALUE_SIZE');
      const value = HEADER_LENGTH + 1;
      if (buf.length < value + CHALLENGE_LENGTH) fail('ERR_MSCHAPV2_TRUNCATED');
      return {
        kind: 'challenge',
        mschapId,
        challenge: Buffer.from(buf.subarray(value, value + CHALLENGE_LENGTH)),
        name: buf.subarray(value + CHALLENGE_LENGTH).toString('utf8'),
      };
    }
    case MschapV2OpCode.Success:
      return { kind: 'success', mschapId, message: buf.subarray(HEADER_LENGTH).toString('utf8') };
    case MschapV2OpCode.Failure:
      return { kind: 'failure', mschapId, message: buf.subarray(HEADER_LENGTH).toString('utf8') };
    default:
      return fail('ERR_MSCHAPV2_UNKNOWN_OPCODE');
  }
}

/** Splits "S=<40 hex> M=<message>" (the " M=" part may be missing). */
export function parseSuccessMessage(text: string): { authenticatorResponse: string; message: string } {
  const match = /^(S=[0-9A-Fa-f]{40})(?: *M=(.*))?$/s.exec(text);
  if (match === null) fail('ERR_MSCHAPV2_BAD_SUCCESS_MESSAGE');
  return { authenticatorResponse: match[1], message: match[2] ?? '' };
}

export interface MschapV2Failure {
  error: number;
  retry: boolean;
  /** From C=, when present and 32 hex digits. */
  challenge?: Buffer;
  version?: number;
  message: string;
}

/** Parses "E=eeee R=r C=<32 hex> V=vvv M=<message>"; only E= is required (RFC 2759 §6). */
export function parseFailureMessage(text: string): MschapV2Failure {
  const match = /^E=(\d{1,10})(?: R=([01]))?(?: C=([0-9A-Fa-f]{32}))?(?: V=(\d{1,10}))?(?: M=(.*))?$/s.exec(text);
  if (match === null) fail('ERR_MSCHAPV2_BAD_FAILURE_MESSAGE');
  const failure: MschapV2Failure = {
    error: Number(match[1]),
    retry: match[2] === '1',
    message: match[5] ?? '',
  };
  if (match[3] !== undefined) failure.challenge = Buffer.from(match[3], 'hex');
  if (match[4] !== undefined) failure.version = Number(match[4]);
  return failure;
}
