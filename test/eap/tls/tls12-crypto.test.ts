import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AEAD_SUITES, TranscriptHash, finishedVerifyData, keyBlock, openRecord, sealRecord, tls12Prf } from '../../../src/eap/tls/tls12-crypto.js';
import { makeTestPki } from '../../support/pki.js';
import { wireHandshake } from './resumption-harness.js';

// The TLS 1.2 PRF has no RFC test vector; OpenSSL is the oracle. A full handshake between Node's
// server and client is watched byte by byte: the master secret (client keylog) and the randoms through
// our PRF must give what SSL_export_keying_material and the Finished messages say.

const pki = makeTestPki();

describe('TLS 1.2 PRF, key block, Finished and AES-GCM records', () => {
  it.each([
    ['ECDHE-ECDSA-AES128-GCM-SHA256', 0xc02b],
    ['ECDHE-ECDSA-AES256-GCM-SHA384', 0xc02c],
  ] as const)('%s: keying material and both Finished messages equal OpenSSL\'s', async (ciphers, id) => {
    const w = await wireHandshake(pki, ciphers);
    try {
      const suite = AEAD_SUITES.get(id)!;
      const seed = Buffer.concat([w.clientRandom, w.serverRandom]);
      // RFC 5216 §2.3 / RFC 5705 without context
      expect(tls12Prf(suite.prfHash, w.masterSecret, 'client EAP encryption', seed, 128)).toEqual(
        w.client.exportKeyingMaterial(128, 'client EAP encryption', undefined as never),
      );
      // RFC 7627 §4: the full handshake transcript up to the client's Finished
      const transcript = createHash(suite.prfHash).update(w.handshakeMessages);
      const clientVerify = finishedVerifyData(suite, w.masterSecret, 'client', transcript.copy().digest());
      expect(clientVerify).toEqual(w.client.getFinished());
      const clientFinished = Buffer.concat([Buffer.from([20, 0, 0, 12]), clientVerify]);
      const serverVerify = finishedVerifyData(suite, w.masterSecret, 'server', transcript.update(clientFinished).digest());
      expect(serverVerify).toEqual(w.client.getPeerFinished());
    } finally {
      w.close();
    }
  });

  it('PRF equals RFC 5246 §5 P_hash written plainly on node:crypto HMAC, for short and long secrets and seeds', () => {
    const reference = (hash: 'sha256' | 'sha384', secret: Buffer, labelSeed: Buffer, length: number): Buffer => {
      const out: Buffer[] = [];
      let a = labelSeed;
      while (Buffer.concat(out).length < length) {
        a = createHmac(hash, secret).update(a).digest();
        out.push(createHmac(hash, secret).update(Buffer.concat([a, labelSeed])).digest());
      }
      return Buffer.concat(out).subarray(0, length);
    };
    for (const hash of ['sha256', 'sha384'] as const) {
      for (const secretLength of [0, 48, 64, 128, 200]) {
        const secret = Buffer.alloc(secretLength, 0x5a);
        for (const seed of [Buffer.from('seed of any length'), Buffer.alloc(0), Buffer.alloc(2000, 0xc3)]) {
          for (const length of [1, 12, 100]) {
            expect(tls12Prf(hash, secret, 'test label', seed, length)).toEqual(reference(hash, secret, Buffer.concat([Buffer.from('test label'), seed]), length));
          }
        }
      }
    }
  });

  it('keeps two transcript hashes apart although they share one hasher', () => {
    const a = new TranscriptHash('sha256').update(Buffer.from('client hello'));
    const b = new TranscriptHash('sha384').update(Buffer.from('other'));
    const c = new TranscriptHash('sha256').update(Buffer.from('unrelated'));
    a.update(Buffer.from('server hello'));
    expect(a.digest()).toEqual(createHash('sha256').update('client helloserver hello').digest());
    a.update(Buffer.from('finished'));
    expect(a.digest()).toEqual(createHash('sha256').update('client helloserver hellofinished').digest());
    expect(b.digest()).toEqual(createHash('sha384').update('other').digest());
    expect(c.digest()).toEqual(createHash('sha256').update('unrelated').digest());
  });

  it('PRF output is a prefix-stable stream (longer output extends shorter)', () => {
    const secret = Buffer.alloc(48, 7);
    const seed = Buffer.alloc(64, 9);
    const long = tls12Prf('sha256', secret, 'key expansion', seed, 100);
    expect(tls12Prf('sha256', secret, 'key expansion', seed, 40)).toEqual(long.subarray(0, 40));
    expect(tls12Prf('sha384', secret, 'key expansion', seed, 40).equals(long.subarray(0, 40))).toBe(false);
  });

  it('splits the key block per RFC 5246 §6.3 (AEAD: no MAC keys, 4-octet implicit IVs)', () => {
    const suite = AEAD_SUITES.get(0xc02c)!;
    const master = Buffer.alloc(48, 1);
    const cr = Buffer.alloc(32, 2);
    const sr = Buffer.alloc(32, 3);
    const block = tls12Prf('sha384', master, 'key expansion', Buffer.concat([sr, cr]), 72);
    expect(keyBlock(suite, master, cr, sr)).toEqual({
      clientKey: block.subarray(0, 32),
      serverKey: block.subarray(32, 64),
      clientIv: block.subarray(64, 68),
      serverIv: block.subarray(68, 72),
    });
  });

  it('opens what it seals, and nothing that was changed: header fields, sequence number, body or tag', () => {
    const suite = AEAD_SUITES.get(0xc02b)!;
    const key = Buffer.alloc(16, 5);
    const iv = Buffer.alloc(4, 6);
    const plaintext = Buffer.from('fourteen bytes');
    const record = sealRecord(suite, key, iv, 3n, 22, plaintext);
    expect(record.subarray(0, 5)).toEqual(Buffer.from([22, 3, 3, 0, 8 + 14 + 16]));
    expect(record.readBigUInt64BE(5)).toBe(3n); // nonce_explicit = sequence number
    const fragment = record.subarray(5);
    expect(openRecord(suite, key, iv, 3n, 22, fragment)).toEqual(plaintext);
    expect(openRecord(suite, key, iv, 4n, 22, fragment)).toBeUndefined();
    expect(openRecord(suite, key, iv, 3n, 23, fragment)).toBeUndefined();
    expect(openRecord(suite, Buffer.alloc(16, 9), iv, 3n, 22, fragment)).toBeUndefined();
    for (const at of [0, 8, fragment.length - 1]) {
      const bad = Buffer.from(fragment);
      bad[at]! ^= 1;
      expect(openRecord(suite, key, iv, 3n, 22, bad)).toBeUndefined();
    }
    expect(openRecord(suite, key, iv, 3n, 22, fragment.subarray(0, 20))).toBeUndefined();
  });
});
