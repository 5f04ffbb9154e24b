import { beforeAll, describe, expect, it } from 'vitest';
import { initMd4 } from '../../src/crypto/md4.js';
import {
  challengeHash,
  challengeResponse,
  checkAuthenticatorResponse,
  generateAuthenticatorResponse,
  generateNtResponse,
  hashNtPasswordHash,
  ntPasswordHash,
  stripNtDomain,
  verifyNtResponse,
} from '../../src/crypto/mschapv2.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

// RFC 2759 §9.2 "Hash Example": user name "User", password "clientPass".
const RFC = {
  userName: 'User',
  password: 'clientPass',
  authenticatorChallenge: hex('5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28'),
  peerChallenge: hex('21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E'),
  challenge: hex('D0 2E 43 86 BC E9 12 26'),
  passwordHash: hex('44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE'),
  ntResponse: hex('82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF'),
  passwordHashHash: hex('41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F'),
  authenticatorResponse: 'S=407A5589115FD0D6209F510FE9C04566932CDA56',
};

beforeAll(async () => {
  await initMd4();
});

describe('RFC 2759 §9.2 hash example', () => {
  it('ChallengeHash', () => {
    expect(challengeHash(RFC.peerChallenge, RFC.authenticatorChallenge, RFC.userName)).toEqual(RFC.challenge);
  });

  it('NtPasswordHash', () => {
    expect(ntPasswordHash(RFC.password)).toEqual(RFC.passwordHash);
  });

  it('HashNtPasswordHash', () => {
    expect(hashNtPasswordHash(RFC.passwordHash)).toEqual(RFC.passwordHashHash);
  });

  it('ChallengeResponse', () => {
    expect(challengeResponse(RFC.challenge, RFC.passwordHash)).toEqual(RFC.ntResponse);
  });

  it('GenerateNTResponse', () => {
    const nt = generateNtResponse(RFC.authenticatorChallenge, RFC.peerChallenge, RFC.userName, RFC.passwordHash);
    expect(nt).toEqual(RFC.ntResponse);
  });

  it('GenerateAuthenticatorResponse', () => {
    const s = generateAuthenticatorResponse(
      RFC.passwordHash,
      RFC.ntResponse,
      RFC.peerChallenge,
      RFC.authenticatorChallenge,
      RFC.userName,
    );
    expect(s).toBe(RFC.authenticatorResponse);
  });
});

describe('NtPasswordHash beyond ASCII', () => {
  it('RFC 2759 §9.3 password "MyPw"', () => {
    expect(ntPasswordHash('MyPw')).toEqual(hex('FC 15 6A F7 ED CD 6C 0E DD E3 33 7D 42 7F 4E AC'));
  });

  // Expected values from `openssl dgst -md4 -provider legacy` over the UTF-16LE bytes.
  it('hashes non-Latin-1 characters as UTF-16LE code units', () => {
    expect(ntPasswordHash('Pässwörd€').toString('hex')).toBe('04e9d4087e1303bea8e5239aa5ddd064');
  });

  it('hashes characters outside the BMP as surrogate pairs', () => {
    expect(ntPasswordHash('key🔑').toString('hex')).toBe('1726c43e035f7b577de890400bd43111');
  });
});

describe('user names', () => {
  it('strips a DOMAIN\\ prefix at the first backslash', () => {
    expect(stripNtDomain('BIGCO\\johndoe')).toBe('johndoe');
    expect(stripNtDomain('johndoe')).toBe('johndoe');
    expect(stripNtDomain('A\\B\\c')).toBe('B\\c');
  });

  it('ChallengeHash ignores the domain, for strings and raw bytes alike', () => {
    const plain = challengeHash(RFC.peerChallenge, RFC.authenticatorChallenge, 'User');
    expect(challengeHash(RFC.peerChallenge, RFC.authenticatorChallenge, 'EXAMPLE\\User')).toEqual(plain);
    expect(challengeHash(RFC.peerChallenge, RFC.authenticatorChallenge, Buffer.from('EXAMPLE\\User'))).toEqual(plain);
    expect(challengeHash(RFC.peerChallenge, RFC.authenticatorChallenge, 'user')).not.toEqual(plain);
  });
});

describe('verifyNtResponse (server side)', () => {
  const check = {
    ntHash: RFC.passwordHash,
    authenticatorChallenge: RFC.authenticatorChallenge,
    peerChallenge: RFC.peerChallenge,
    userName: RFC.userName,
    ntResponse: RFC.ntResponse,
  };

  it('accepts the RFC response and returns the RFC authenticator response', () => {
    expect(verifyNtResponse(check)).toEqual({ ok: true, authenticatorResponse: RFC.authenticatorResponse });
  });

  it('accepts the Name field with a domain prefix', () => {
    expect(verifyNtResponse({ ...check, userName: 'CORP\\User' }).ok).toBe(true);
  });

  it('rejects the wrong password', () => {
    expect(verifyNtResponse({ ...check, ntHash: ntPasswordHash('clientpass') })).toEqual({ ok: false });
  });

  it('rejects another user name, challenge, or any flipped response bit', () => {
    expect(verifyNtResponse({ ...check, userName: 'Other' }).ok).toBe(false);
    const otherChallenge = Buffer.from(RFC.authenticatorChallenge);
    otherChallenge[0] ^= 1;
    expect(verifyNtResponse({ ...check, authenticatorChallenge: otherChallenge }).ok).toBe(false);
    for (let bit = 0; bit < 24 * 8; bit += 13) {
      const flipped = Buffer.from(RFC.ntResponse);
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(verifyNtResponse({ ...check, ntResponse: flipped }).ok).toBe(false);
    }
  });

  it('answers { ok: false } to peer values of the wrong size instead of throwing', () => {
    expect(verifyNtResponse({ ...check, ntResponse: RFC.ntResponse.subarray(0, 23) })).toEqual({ ok: false });
    expect(verifyNtResponse({ ...check, peerChallenge: Buffer.alloc(15) })).toEqual({ ok: false });
  });

  it('throws on server-side values of the wrong size (a configuration bug)', () => {
    expect(() => verifyNtResponse({ ...check, ntHash: Buffer.alloc(15) })).toThrow(RangeError);
    expect(() => verifyNtResponse({ ...check, authenticatorChallenge: Buffer.alloc(8) })).toThrow(RangeError);
  });
});

describe('checkAuthenticatorResponse (peer side)', () => {
  const args = [RFC.passwordHash, RFC.ntResponse, RFC.peerChallenge, RFC.authenticatorChallenge, RFC.userName] as const;

  it('accepts the RFC authenticator response', () => {
    expect(checkAuthenticatorResponse(...args, RFC.authenticatorResponse)).toBe(true);
  });

  it('rejects a different, lower-case, truncated or padded response', () => {
    expect(checkAuthenticatorResponse(...args, 'S=407A5589115FD0D6209F510FE9C04566932CDA57')).toBe(false);
    expect(checkAuthenticatorResponse(...args, RFC.authenticatorResponse.toLowerCase())).toBe(false);
    expect(checkAuthenticatorResponse(...args, RFC.authenticatorResponse.slice(0, 41))).toBe(false);
    expect(checkAuthenticatorResponse(...args, `${RFC.authenticatorResponse} `)).toBe(false);
  });
});
