import { describe, expect, it } from 'vitest';
import {
  PacketCode, decodePacket, decryptUserPassword, encodePacket, encryptUserPassword, findAttribute, signResponse,
  verifyResponseAuthenticator, Attr,
} from '../../src/radius/index.js';

// RFC 2865 §7.1 "User Telnet to Specified Host", secret "xyzzy5461", password "arctangent".
const secret = Buffer.from('xyzzy5461');
const request = Buffer.from(
  '01000038 0f403f94 739780 57bd83d5 cb98f422 7a 01066e656d6f 02120dbe708d93d413ce3196e43f782a0aee 0406c0a80110 050600000003'.replace(/ /g, ''),
  'hex',
);
const accept = Buffer.from(
  '02000026 86fe220e 7624ba2a 1005f6bf 9b55e0b2 060600000001 0f0600000000 0e06c0a80103'.replace(/ /g, ''),
  'hex',
);

describe('RFC 2865 §7.1 test vectors', () => {
  it('decodes the Access-Request', () => {
    const p = decodePacket(request);
    expect(p.code).toBe(PacketCode.AccessRequest);
    expect(p.identifier).toBe(0);
    expect(p.attributes.map((a) => a.type)).toEqual([1, 2, 4, 5]);
    expect(findAttribute(p.attributes, Attr.UserName)?.toString()).toBe('nemo');
    expect(p.messageAuthenticatorOffset).toBe(-1);
  });

  it('recovers the User-Password "arctangent"', () => {
    const p = decodePacket(request);
    const hidden = findAttribute(p.attributes, Attr.UserPassword)!;
    expect(decryptUserPassword(hidden, secret, p.authenticator).toString()).toBe('arctangent');
  });

  it('hides "arctangent" into the exact bytes of the example', () => {
    const p = decodePacket(request);
    expect(encryptUserPassword(Buffer.from('arctangent'), secret, p.authenticator)).toEqual(findAttribute(p.attributes, Attr.UserPassword));
  });

  it('verifies the Access-Accept Response Authenticator', () => {
    const req = decodePacket(request);
    expect(verifyResponseAuthenticator(accept, req.authenticator, secret)).toBe(true);
    expect(verifyResponseAuthenticator(accept, req.authenticator, Buffer.from('wrong'))).toBe(false);
  });

  it('encodes and signs the Access-Accept byte for byte', () => {
    const req = decodePacket(request);
    const out = encodePacket({
      code: PacketCode.AccessAccept,
      identifier: 0,
      attributes: [
        { type: 6, value: Buffer.from([0, 0, 0, 1]) },
        { type: 15, value: Buffer.from([0, 0, 0, 0]) },
        { type: 14, value: Buffer.from([192, 168, 1, 3]) },
      ],
    });
    expect(signResponse(out, req.authenticator, secret)).toEqual(accept);
  });

  it('re-encodes the decoded request to the same bytes', () => {
    const p = decodePacket(request);
    expect(encodePacket({ code: p.code, identifier: p.identifier, authenticator: p.authenticator, attributes: p.attributes })).toEqual(request);
  });
});
