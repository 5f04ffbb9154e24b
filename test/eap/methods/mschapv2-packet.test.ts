import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initMd4 } from '../../../src/crypto/md4.js';
import { checkAuthenticatorResponse, verifyNtResponse } from '../../../src/crypto/mschapv2.js';
import {
  MschapV2PacketError,
  decodeMschapV2Request,
  decodeMschapV2Response,
  encodeChallengeRequest,
  encodeChangePassword,
  encodeFailureRequest,
  encodeFailureResponse,
  encodeResponse,
  encodeSuccessRequest,
  encodeSuccessResponse,
  parseFailureMessage,
  parseSuccessMessage,
} from '../../../src/eap/methods/mschapv2-packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

// RFC 2759 §9.2 values.
const AUTH_CHALLENGE = hex('5B5D7C7D7B3F2F3E3C2C602132262628');
const PEER_CHALLENGE = hex('21402324255E262A28295F2B3A337C7E');
const NT_RESPONSE = hex('82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF');
const NT_HASH = hex('44EBBA8D5312B8D611474411F56989AE');
const AUTH_RESPONSE = 'S=407A5589115FD0D6209F510FE9C04566932CDA56';

beforeAll(async () => {
  await initMd4();
});

describe('Challenge request', () => {
  it('OpCode 1, MS-CHAPv2-ID, MS-Length = Type-Data length, Value-Size 16, challenge, name', () => {
    const bytes = encodeChallengeRequest({ mschapId: 5, challenge: AUTH_CHALLENGE, name: 'portcullis' });
    expect(bytes).toEqual(Buffer.concat([hex('01 05 001F 10'), AUTH_CHALLENGE, Buffer.from('portcullis')]));
  });

  it('round trips through the peer-side decoder', () => {
    const bytes = encodeChallengeRequest({ mschapId: 200, challenge: AUTH_CHALLENGE, name: '' });
    expect(decodeMschapV2Request(bytes)).toEqual({ kind: 'challenge', mschapId: 200, challenge: AUTH_CHALLENGE, name: '' });
  });
});

describe('Response', () => {
  // A peer's Response for the RFC example, built field by field.
  const wire = Buffer.concat([
    hex('02 05 003A 31'),
    PEER_CHALLENGE,
    Buffer.alloc(8),
    NT_RESPONSE,
    hex('00'),
    Buffer.from('User'),
  ]);

  it('is 4 + 1 + 49 bytes plus the name, and the encoder agrees', () => {
    expect(wire).toHaveLength(58);
    const encoded = encodeResponse({ mschapId: 5, peerChallenge: PEER_CHALLENGE, ntResponse: NT_RESPONSE, name: 'User' });
    expect(encoded).toEqual(wire);
  });

  it('decodes into the fields the server verifies', () => {
    expect(decodeMschapV2Response(wire)).toEqual({
      kind: 'response',
      mschapId: 5,
      peerChallenge: PEER_CHALLENGE,
      ntResponse: NT_RESPONSE,
      flags: 0,
      name: 'User',
    });
  });

  it('tolerates a wrong MS-Length (hostapd ignores it too)', () => {
    const bad = Buffer.from(wire);
    bad.writeUInt16BE(0x1234, 2);
    expect(decodeMschapV2Response(bad)).toMatchObject({ kind: 'response', name: 'User' });
  });

  it('full server exchange: Response → verify → Success request → peer checks the "S=" text', () => {
    const response = decodeMschapV2Response(wire);
    if (response.kind !== 'response') throw new Error('expected a Response');
    const verdict = verifyNtResponse({
      ntHash: NT_HASH,
      authenticatorChallenge: AUTH_CHALLENGE,
      peerChallenge: response.peerChallenge,
      userName: response.name,
      ntResponse: response.ntResponse,
    });
    if (!verdict.ok) throw new Error('RFC response must verify');
    const success = decodeMschapV2Request(
      encodeSuccessRequest({ mschapId: response.mschapId, authenticatorResponse: verdict.authenticatorResponse }),
    );
    expect(success).toEqual({ kind: 'success', mschapId: 5, message: `${AUTH_RESPONSE} M=OK` });
    if (success.kind !== 'success') throw new Error('expected a Success request');
    const { authenticatorResponse } = parseSuccessMessage(success.message);
    expect(
      checkAuthenticatorResponse(NT_HASH, NT_RESPONSE, PEER_CHALLENGE, AUTH_CHALLENGE, 'User', authenticatorResponse),
    ).toBe(true);
  });
});

describe('Success and Failure', () => {
  it('Success request text: "S=<40 hex> M=<message>"', () => {
    const bytes = encodeSuccessRequest({ mschapId: 9, authenticatorResponse: AUTH_RESPONSE, message: 'Welcome' });
    expect(bytes).toEqual(Buffer.concat([hex('03 09 0038'), Buffer.from(`${AUTH_RESPONSE} M=Welcome`)]));
  });

  it('Failure request defaults: E=691 R=0, zero challenge, V=3', () => {
    const bytes = encodeFailureRequest({ mschapId: 9 });
    const text = `E=691 R=0 C=${'0'.repeat(32)} V=3 M=Authentication failed`;
    const msLength = hex((4 + text.length).toString(16).padStart(4, '0'));
    expect(bytes).toEqual(Buffer.concat([hex('04 09'), msLength, Buffer.from(text)]));
  });

  it('Failure request with retry and a new challenge', () => {
    const bytes = encodeFailureRequest({
      mschapId: 1,
      error: 648,
      retry: true,
      challenge: AUTH_CHALLENGE,
      message: 'expired',
    });
    const challengeHex = AUTH_CHALLENGE.toString('hex').toUpperCase();
    expect(decodeMschapV2Request(bytes)).toEqual({
      kind: 'failure',
      mschapId: 1,
      message: `E=648 R=1 C=${challengeHex} V=3 M=expired`,
    });
  });

  it('Success and Failure responses are the OpCode alone, and extra bytes are ignored', () => {
    expect(encodeSuccessResponse()).toEqual(hex('03'));
    expect(encodeFailureResponse()).toEqual(hex('04'));
    expect(decodeMschapV2Response(hex('03'))).toEqual({ kind: 'success' });
    expect(decodeMschapV2Response(hex('04'))).toEqual({ kind: 'failure' });
    expect(decodeMschapV2Response(hex('03 05 0004'))).toEqual({ kind: 'success' });
  });
});

describe('message parsing', () => {
  it('Success messages with and without M=', () => {
    expect(parseSuccessMessage(`${AUTH_RESPONSE} M=OK`)).toEqual({ authenticatorResponse: AUTH_RESPONSE, message: 'OK' });
    expect(parseSuccessMessage(AUTH_RESPONSE)).toEqual({ authenticatorResponse: AUTH_RESPONSE, message: '' });
    expect(parseSuccessMessage(`${AUTH_RESPONSE} M=two words`).message).toBe('two words');
  });

  it.each(['S=407A', `X${AUTH_RESPONSE.slice(1)}`, `${AUTH_RESPONSE}0 M=OK`, ''])(
    'rejects malformed Success message %j',
    (text) => {
      expect(caught(() => parseSuccessMessage(text))).toMatchObject({ code: 'ERR_MSCHAPV2_BAD_SUCCESS_MESSAGE' });
    },
  );

  it('Failure messages as hostapd and RFC 2759 §6 write them', () => {
    expect(parseFailureMessage(`E=691 R=0 C=${'0'.repeat(32)} V=3 M=FAILED`)).toEqual({
      error: 691,
      retry: false,
      challenge: Buffer.alloc(16),
      version: 3,
      message: 'FAILED',
    });
    expect(parseFailureMessage(`E=648 R=1 C=${AUTH_CHALLENGE.toString('hex')} V=3 M=Password expired`)).toMatchObject({
      error: 648,
      retry: true,
      challenge: AUTH_CHALLENGE,
      message: 'Password expired',
    });
    expect(parseFailureMessage('E=647')).toEqual({ error: 647, retry: false, message: '' });
  });

  it.each(['', 'E=', 'E=691 R=2', `E=691 R=0 C=${'0'.repeat(31)} V=3`, 'M=only'])(
    'rejects malformed Failure message %j',
    (text) => {
      expect(caught(() => parseFailureMessage(text))).toMatchObject({ code: 'ERR_MSCHAPV2_BAD_FAILURE_MESSAGE' });
    },
  );
});

describe('Change-Password', () => {
  it('round trips with MS-Length 586', () => {
    const fields = {
      mschapId: 7,
      encryptedPassword: Buffer.alloc(516, 0xa1),
      encryptedHash: Buffer.alloc(16, 0xb2),
      peerChallenge: PEER_CHALLENGE,
      ntResponse: NT_RESPONSE,
      flags: 0,
    };
    const bytes = encodeChangePassword(fields);
    expect(bytes).toHaveLength(586);
    expect(bytes.subarray(0, 4)).toEqual(hex('07 07 024A'));
    expect(decodeMschapV2Response(bytes)).toEqual({ kind: 'change-password', ...fields });
  });
});

describe('malformed packets give MschapV2PacketError', () => {
  const response = encodeResponse({ mschapId: 1, peerChallenge: PEER_CHALLENGE, ntResponse: NT_RESPONSE, name: 'u' });
  const withValueSize = (size: number) => {
    const b = Buffer.from(response);
    b[4] = size;
    return b;
  };

  const responseCases: [string, Buffer, string][] = [
    ['empty', Buffer.alloc(0), 'ERR_MSCHAPV2_EMPTY'],
    ['Response cut inside the value', response.subarray(0, 53), 'ERR_MSCHAPV2_TRUNCATED'],
    ['Response with Value-Size 48', withValueSize(48), 'ERR_MSCHAPV2_BAD_VALUE_SIZE'],
    ['Change-Password cut short', hex('07 01 024A 00'), 'ERR_MSCHAPV2_TRUNCATED'],
    ['Challenge sent as a response', hex('01 01 0015 10'), 'ERR_MSCHAPV2_UNKNOWN_OPCODE'],
    ['unknown OpCode 9', hex('09'), 'ERR_MSCHAPV2_UNKNOWN_OPCODE'],
  ];
  for (const [name, input, code] of responseCases) {
    it(`server side: ${name}`, () => {
      const err = caught(() => decodeMschapV2Response(input));
      expect(err).toBeInstanceOf(MschapV2PacketError);
      expect(err).toMatchObject({ code });
    });
  }

  const requestCases: [string, Buffer, string][] = [
    ['empty', Buffer.alloc(0), 'ERR_MSCHAPV2_EMPTY'],
    ['header cut short', hex('03 01 00'), 'ERR_MSCHAPV2_TRUNCATED'],
    ['Challenge without Value-Size', hex('01 01 0004'), 'ERR_MSCHAPV2_TRUNCATED'],
    ['Challenge with Value-Size 8', hex('01 01 000D 08 0000000000000000'), 'ERR_MSCHAPV2_BAD_VALUE_SIZE'],
    ['Challenge cut short', hex('01 01 0015 10 00'), 'ERR_MSCHAPV2_TRUNCATED'],
    ['Response sent as a request', response, 'ERR_MSCHAPV2_UNKNOWN_OPCODE'],
  ];
  for (const [name, input, code] of requestCases) {
    it(`peer side: ${name}`, () => {
      const err = caught(() => decodeMschapV2Request(input));
      expect(err).toBeInstanceOf(MschapV2PacketError);
      expect(err).toMatchObject({ code });
    });
  }

  it('random bytes never raise anything but MschapV2PacketError, in either direction (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        for (const decode of [decodeMschapV2Response, decodeMschapV2Request]) {
          const err = caught(() => decode(bytes));
          expect(err === undefined || err instanceof MschapV2PacketError).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('random OpCode-led packets exercise every branch without other errors (property)', () => {
    const packet = fc
      .tuple(fc.constantFrom(1, 2, 3, 4, 7), fc.uint8Array({ maxLength: 600 }))
      .map(([op, rest]) => Buffer.concat([Buffer.of(op), rest]));
    fc.assert(
      fc.property(packet, (bytes) => {
        for (const decode of [decodeMschapV2Response, decodeMschapV2Request]) {
          const err = caught(() => decode(bytes));
          expect(err === undefined || err instanceof MschapV2PacketError).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('random message text never raises anything but MschapV2PacketError (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        for (const parse of [parseSuccessMessage, parseFailureMessage]) {
          const err = caught(() => parse(text));
          expect(err === undefined || err instanceof MschapV2PacketError).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('encoders refuse bad fields', () => {
  it.each([
    ['15-byte challenge', () => encodeChallengeRequest({ mschapId: 1, challenge: Buffer.alloc(15), name: '' })],
    ['MS-CHAPv2-ID 256', () => encodeChallengeRequest({ mschapId: 256, challenge: AUTH_CHALLENGE, name: '' })],
    [
      'lower-case S= text',
      () => encodeSuccessRequest({ mschapId: 1, authenticatorResponse: AUTH_RESPONSE.toLowerCase() }),
    ],
    [
      '23-byte NT-Response',
      () => encodeResponse({ mschapId: 1, peerChallenge: PEER_CHALLENGE, ntResponse: Buffer.alloc(23), name: '' }),
    ],
    ['Failure with a short challenge', () => encodeFailureRequest({ mschapId: 1, challenge: Buffer.alloc(8) })],
  ])('%s', (_name, build) => {
    expect(caught(build)).toMatchObject({ code: 'ERR_MSCHAPV2_BAD_FIELD' });
  });

  it('a name too long for one EAP packet', () => {
    const err = caught(() => encodeChallengeRequest({ mschapId: 1, challenge: AUTH_CHALLENGE, name: 'x'.repeat(70000) }));
    expect(err).toMatchObject({ code: 'ERR_MSCHAPV2_TOO_LONG' });
  });
});
