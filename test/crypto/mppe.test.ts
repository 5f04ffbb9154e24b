import { beforeAll, describe, expect, it } from 'vitest';
import { initMd4 } from '../../src/crypto/md4.js';
import {
  deriveMschapv2ServerKeys,
  getAsymmetricStartKey,
  getMasterKey,
  getNewKeyFromSha,
} from '../../src/crypto/mppe.js';
import { generateNtResponse, hashNtPasswordHash, ntPasswordHash } from '../../src/crypto/mschapv2.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

// RFC 3079 §3.5 sample key derivations (same inputs as RFC 2759 §9.2: "User" / "clientPass").
const RFC = {
  authenticatorChallenge: hex('5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28'),
  peerChallenge: hex('21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E'),
  ntResponse: hex('82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF'),
  passwordHash: hex('44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE'),
  passwordHashHash: hex('41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F'),
  masterKey: hex('FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31'),
  sendStartKey128: hex('8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB'),
  sendSessionKey128: hex('40 5C B2 24 7A 79 56 E6 E2 11 00 7A E2 7B 22 D4'),
  sendStartKey40: hex('8B 7C DC 14 9B 99 3A 1B'),
  sendSessionKey40: hex('D1 26 9E C4 9F A6 2E 3E'),
  sendSessionKey56: hex('D1 5C 00 C4 9F A6 2E 3E'),
};

beforeAll(async () => {
  await initMd4();
});

describe('RFC 3079 §3.5.3 (128-bit keys)', () => {
  it('the NT-Response and PasswordHashHash inputs are the ones this code derives', () => {
    const nt = generateNtResponse(RFC.authenticatorChallenge, RFC.peerChallenge, 'User', ntPasswordHash('clientPass'));
    expect(nt).toEqual(RFC.ntResponse);
    expect(hashNtPasswordHash(RFC.passwordHash)).toEqual(RFC.passwordHashHash);
  });

  it('GetMasterKey', () => {
    expect(getMasterKey(RFC.passwordHashHash, RFC.ntResponse)).toEqual(RFC.masterKey);
  });

  it('GetAsymmetricStartKey: the printed send key is the server send key (Magic3)', () => {
    expect(getAsymmetricStartKey(RFC.masterKey, 16, true, true)).toEqual(RFC.sendStartKey128);
  });

  it('GetNewKeyFromSHA: initial send session key', () => {
    expect(getNewKeyFromSha(RFC.sendStartKey128, RFC.sendStartKey128, 16)).toEqual(RFC.sendSessionKey128);
  });
});

describe('RFC 3079 §3.5.1–3.5.2 (8-byte start keys)', () => {
  it('the 8-byte start key is the first half of the 16-byte one', () => {
    expect(getAsymmetricStartKey(RFC.masterKey, 8, true, true)).toEqual(RFC.sendStartKey40);
  });

  it('GetNewKeyFromSHA matches the printed session keys past the bytes MPPE overwrites', () => {
    // 40-bit keys replace the first 3 bytes with D1 26 9E, 56-bit keys the first byte with D1.
    const key = getNewKeyFromSha(RFC.sendStartKey40, RFC.sendStartKey40, 8);
    expect(key.subarray(3)).toEqual(RFC.sendSessionKey40.subarray(3));
    expect(key.subarray(1)).toEqual(RFC.sendSessionKey56.subarray(1));
  });
});

describe('GetAsymmetricStartKey directions', () => {
  it("server send = peer receive, server receive = peer send, and the two differ", () => {
    const serverSend = getAsymmetricStartKey(RFC.masterKey, 16, true, true);
    const serverRecv = getAsymmetricStartKey(RFC.masterKey, 16, false, true);
    expect(getAsymmetricStartKey(RFC.masterKey, 16, false, false)).toEqual(serverSend);
    expect(getAsymmetricStartKey(RFC.masterKey, 16, true, false)).toEqual(serverRecv);
    expect(serverSend).not.toEqual(serverRecv);
  });

  it('rejects a master key that is not 16 bytes', () => {
    expect(() => getAsymmetricStartKey(Buffer.alloc(15), 16, true, true)).toThrow(RangeError);
  });
});

describe('deriveMschapv2ServerKeys', () => {
  const keys = () => deriveMschapv2ServerKeys(RFC.passwordHash, RFC.ntResponse);

  it('starts from the RFC master key and sends with the RFC send key', () => {
    expect(keys().masterKey).toEqual(RFC.masterKey);
    expect(keys().sendKey).toEqual(RFC.sendStartKey128);
    expect(keys().recvKey).toEqual(getAsymmetricStartKey(RFC.masterKey, 16, false, true));
  });

  it('MSK = MasterReceiveKey ‖ MasterSendKey ‖ 32 zero bytes ([MS-CHAP] §3.1.5.1)', () => {
    const { msk, recvKey, sendKey } = keys();
    expect(msk).toHaveLength(64);
    expect(msk.subarray(0, 16)).toEqual(recvKey);
    expect(msk.subarray(16, 32)).toEqual(sendKey);
    expect(msk.subarray(32)).toEqual(Buffer.alloc(32));
  });

  it('PEAP server ISK = InnerMPPERecvKey ‖ InnerMPPESendKey = MSK[0..32) ([MS-PEAP] §3.1.5.5.2.2)', () => {
    const { isk, msk } = keys();
    expect(isk).toEqual(msk.subarray(0, 32));
  });
});
