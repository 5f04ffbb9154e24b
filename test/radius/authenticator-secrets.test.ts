import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PacketCode, decodePacket, encodePacket, messageAuthenticatorPlaceholder, signResponse, verifyMessageAuthenticator,
} from '../../src/radius/index.js';

// The HMAC pads are cached per secret Buffer: a Buffer refilled with another secret must not sign with the old one.
describe('authenticators with a reused secret Buffer', () => {
  const requestAuth = Buffer.alloc(16, 7);
  const reply = () => encodePacket({ code: PacketCode.AccessAccept, identifier: 9, attributes: [messageAuthenticatorPlaceholder()] });

  function expected(secret: Buffer): Buffer {
    const b = reply();
    requestAuth.copy(b, 4);
    const ma = createHmac('md5', secret).update(b).digest();
    ma.copy(b, 22);
    const auth = createHash('md5').update(b).update(secret).digest();
    auth.copy(b, 4);
    return b;
  }

  it('signs with whatever the Buffer holds now', () => {
    const secret = Buffer.from('first-secret');
    expect(signResponse(reply(), requestAuth, secret)).toEqual(expected(Buffer.from('first-secret')));
    secret.write('other-secret');
    expect(signResponse(reply(), requestAuth, secret)).toEqual(expected(Buffer.from('other-secret')));
  });

  it('verifies a Message-Authenticator only under the secret it was made with', () => {
    const secret = Buffer.from('first-secret');
    const signed = signResponse(reply(), requestAuth, secret);
    const p = decodePacket(signed);
    expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, secret, requestAuth)).toBe(true);
    secret.write('other-secret');
    expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, secret, requestAuth)).toBe(false);
  });
});
