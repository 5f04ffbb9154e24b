import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PacketCode, decodePacket, encodePacket, messageAuthenticatorPlaceholder, randomAuthenticator, requestHmacAuthenticator,
  signAccessRequest, signResponse, signZeroedRequest, verifyMessageAuthenticator, verifyResponseAuthenticator,
  verifyZeroedRequestAuthenticator,
} from '../../src/radius/index.js';

const secret = Buffer.from('testing123');

// Independent oracle: HMAC-MD5 over a copy of the packet with the MA zeroed and the header authenticator
// replaced, computed the slow and obvious way (RFC 3579 §3.2).
function oracleMa(packet: Buffer, headerAuth: Buffer): Buffer {
  const copy = Buffer.from(packet);
  headerAuth.copy(copy, 4);
  const p = decodePacket(copy);
  copy.fill(0, p.messageAuthenticatorOffset, p.messageAuthenticatorOffset + 16);
  return createHmac('md5', secret).update(copy).digest();
}

describe('Message-Authenticator (RFC 3579 §3.2)', () => {
  it('signs an Access-Request over its own authenticator and verifies it', () => {
    const auth = randomAuthenticator();
    const buf = signAccessRequest(
      encodePacket({ code: PacketCode.AccessRequest, identifier: 7, authenticator: auth, attributes: [
        { type: 1, value: Buffer.from('bob') }, messageAuthenticatorPlaceholder(),
      ] }),
      secret,
    );
    const p = decodePacket(buf);
    expect(buf.subarray(p.messageAuthenticatorOffset, p.messageAuthenticatorOffset + 16)).toEqual(oracleMa(buf, auth));
    expect(verifyMessageAuthenticator(buf, p.messageAuthenticatorOffset, secret, requestHmacAuthenticator(buf))).toBe(true);
    const tampered = Buffer.from(buf);
    tampered[22] ^= 1;
    expect(verifyMessageAuthenticator(tampered, p.messageAuthenticatorOffset, secret, requestHmacAuthenticator(tampered))).toBe(false);
  });

  it('signs a response with the REQUEST authenticator in the HMAC, then the Response Authenticator', () => {
    const reqAuth = randomAuthenticator();
    const buf = signResponse(
      encodePacket({ code: PacketCode.AccessAccept, identifier: 7, attributes: [messageAuthenticatorPlaceholder(), { type: 18, value: Buffer.from('hi') }] }),
      reqAuth,
      secret,
    );
    const p = decodePacket(buf);
    expect(p.attributes[0].type).toBe(80);
    expect(buf.subarray(22, 38)).toEqual(oracleMa(buf, reqAuth));
    expect(verifyResponseAuthenticator(buf, reqAuth, secret)).toBe(true);
    expect(verifyMessageAuthenticator(buf, p.messageAuthenticatorOffset, secret, reqAuth)).toBe(true);
  });

  it('signs Accounting/CoA/Disconnect requests over a zeroed authenticator', () => {
    for (const code of [PacketCode.AccountingRequest, PacketCode.CoaRequest, PacketCode.DisconnectRequest]) {
      const buf = signZeroedRequest(
        encodePacket({ code, identifier: 1, attributes: [messageAuthenticatorPlaceholder(), { type: 44, value: Buffer.from('ABCD') }] }),
        secret,
      );
      const p = decodePacket(buf);
      expect(buf.subarray(22, 38)).toEqual(oracleMa(buf, Buffer.alloc(16)));
      expect(verifyZeroedRequestAuthenticator(buf, secret)).toBe(true);
      expect(verifyMessageAuthenticator(buf, p.messageAuthenticatorOffset, secret, requestHmacAuthenticator(buf))).toBe(true);
      expect(verifyZeroedRequestAuthenticator(buf, Buffer.from('other'))).toBe(false);
    }
  });
});
