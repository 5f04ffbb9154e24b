import { beforeAll, describe, expect, it } from 'vitest';
import { startFastResumption, type FastResumptionSettings } from '../../../src/eap/tls/fast-resumption.js';
import { TlsSessionCache } from '../../../src/eap/tls/session-cache.js';
import { parseStoredSession } from '../../../src/eap/tls/session-der.js';
import { AEAD_SUITES, keyBlock, sealRecord } from '../../../src/eap/tls/tls12-crypto.js';
import { silentLogger } from '../../../src/eap/types.js';
import { makeTestPki, type TestPki } from '../../support/pki.js';
import { SESSION_ID_CONTEXT, fullHandshake, resumingClient, type FullHandshake } from './resumption-harness.js';

// The abbreviated TLS 1.2 handshake of fast-resumption.ts against Node's (OpenSSL's) TLS client:
// the client checks our ServerHello, our Finished and our record protection; we check its Finished.

let pki: TestPki;
let aes128: FullHandshake;
let aes256: FullHandshake;
beforeAll(async () => {
  pki = makeTestPki();
  aes128 = await fullHandshake(pki);
  aes256 = await fullHandshake(pki, { ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
});

function settingsWith(...sessions: FullHandshake[]): FastResumptionSettings {
  const cache = new TlsSessionCache(100, 3600);
  for (const s of sessions) {
    cache.set(s.sessionId, s.sessionDer);
    cache.attachPeer(s.sessionId, s.peer);
  }
  return { cache, sessionIdContext: Buffer.from(SESSION_ID_CONTEXT, 'latin1'), tls13: true, log: silentLogger };
}

/** Offset of the extensions length in a ClientHello body (after version, random, session_id, suites, compression). */
function extensionsAt(body: Buffer): number {
  let o = 2 + 32;
  o += 1 + body[o]!;
  o += 2 + body.readUInt16BE(o);
  return o + 1 + body[o]!;
}

/** A single-record ClientHello from a body whose extensions block is `extensions`. */
function rebuild(body: Buffer, extensions: Buffer): Buffer {
  const at = extensionsAt(body);
  const newBody = Buffer.concat([body.subarray(0, at), Buffer.from([extensions.length >> 8, extensions.length & 0xff]), extensions]);
  const hs = Buffer.concat([Buffer.from([1, 0, newBody.length >> 8, newBody.length & 0xff]), newBody]);
  return Buffer.concat([Buffer.from([22, 3, 1, hs.length >> 8, hs.length & 0xff]), hs]);
}

/** `hello` (one record) with its extension `type` removed and, if given, `data` added as that type at the end. */
function withExtension(hello: Buffer, type: number, data?: Buffer): Buffer {
  const body = hello.subarray(9);
  const kept: Buffer[] = [];
  for (let e = extensionsAt(body) + 2; e < body.length; ) {
    const len = body.readUInt16BE(e + 2);
    if (body.readUInt16BE(e) !== type) kept.push(body.subarray(e, e + 4 + len));
    e += 4 + len;
  }
  if (data) kept.push(Buffer.concat([Buffer.from([type >> 8, type & 0xff, data.length >> 8, data.length & 0xff]), data]));
  return rebuild(body, Buffer.concat(kept));
}

const withoutExtension = (hello: Buffer, type: number): Buffer => withExtension(hello, type);

describe('TLS 1.2 session-ID resumption without OpenSSL', () => {
  it.each([
    ['ECDHE-ECDSA-AES128-GCM-SHA256', () => aes128],
    ['ECDHE-ECDSA-AES256-GCM-SHA384', () => aes256],
  ])('%s: Node\'s client accepts our flight, its Finished verifies, and both sides export the same keys', async (name, session) => {
    const full = session();
    expect(full.cipher).toContain(name.includes('AES128') ? 'AES_128_GCM_SHA256' : 'AES_256_GCM_SHA384');
    const settings = settingsWith(full);
    const client = await resumingClient(pki, full.clientSession);
    const conn = startFastResumption(client.hello, settings);
    expect(conn).toBeDefined();
    const answer = await client.deliver(conn!.takeOutput());
    expect(client.error).toBeUndefined();
    expect(client.secure).toBe(true);
    expect(client.socket.isSessionReused()).toBe(true);
    await conn!.feed(answer);
    expect(conn!.phase).toBe('SECURE');
    expect(conn!.failureReason).toBeUndefined();
    expect(conn!.exportKeyingMaterial(128, 'client EAP encryption')).toEqual(client.socket.exportKeyingMaterial(128, 'client EAP encryption', undefined as never));
    const context = Buffer.from('context');
    expect(conn!.exportKeyingMaterial(64, 'EXPORTER-test', context)).toEqual(client.socket.exportKeyingMaterial(64, 'EXPORTER-test', context));
    expect(conn!.cachedPeer).toEqual(full.peer);
    expect(conn!.protocol).toBe('TLSv1.2');
    expect(conn!.resumed).toBe(true);
    client.socket.destroy();
  });

  it('fails a client Finished with the wrong verify_data (correctly encrypted) and forgets the session', async () => {
    const settings = settingsWith(aes128);
    const client = await resumingClient(pki, aes128.clientSession);
    const conn = startFastResumption(client.hello, settings)!;
    const serverFlight = conn.takeOutput();
    const answer = await client.deliver(serverFlight);
    // Re-encrypt a Finished with the right keys but verify_data of zeros: only the Finished check can catch it.
    const suite = AEAD_SUITES.get(0xc02b)!;
    const keys = keyBlock(suite, aes128.masterSecret, conn.clientRandom, conn.serverRandom);
    const forged = sealRecord(suite, keys.clientKey, keys.clientIv, 0n, 22, Buffer.from([20, 0, 0, 12, ...Buffer.alloc(12)]));
    const ccs = answer.subarray(0, 6);
    await conn.feed(Buffer.concat([ccs, forged]));
    expect(conn.phase).toBe('FAILED');
    expect(conn.failureReason).toBe("TLS resumption failed: the peer's Finished does not verify (decrypt_error)");
    expect(() => conn.exportKeyingMaterial(128, 'client EAP encryption')).toThrow();
    expect(settings.cache.resumable(aes128.sessionId)).toBeUndefined();
    expect(settings.cache.get(aes128.sessionId)).toBeUndefined();
    client.socket.destroy();
  });

  it('fails a client Finished record that was tampered with', async () => {
    const settings = settingsWith(aes128);
    const client = await resumingClient(pki, aes128.clientSession);
    const conn = startFastResumption(client.hello, settings)!;
    const answer = Buffer.from(await client.deliver(conn.takeOutput()));
    answer[answer.length - 20]! ^= 0x01;
    await conn.feed(answer);
    expect(conn.phase).toBe('FAILED');
    expect(conn.failureReason).toMatch(/does not decrypt \(bad_record_mac\)/);
    client.socket.destroy();
  });

  it('fails when the peer answers without ChangeCipherSpec or with trailing data', async () => {
    for (const mangle of [(a: Buffer) => a.subarray(6), (a: Buffer) => Buffer.concat([a, Buffer.from([23, 3, 3, 0, 1, 0])])]) {
      const settings = settingsWith(aes128);
      const client = await resumingClient(pki, aes128.clientSession);
      const conn = startFastResumption(client.hello, settings)!;
      await conn.feed(mangle(await client.deliver(conn.takeOutput())));
      expect(conn.phase).toBe('FAILED');
      client.socket.destroy();
    }
  });

  it('a replayed ClientHello and client Finished do not authenticate: the server random is fresh', async () => {
    const settings = settingsWith(aes128);
    const client = await resumingClient(pki, aes128.clientSession);
    const first = startFastResumption(client.hello, settings)!;
    const recordedFinished = await client.deliver(first.takeOutput());
    await first.feed(recordedFinished);
    expect(first.phase).toBe('SECURE');
    client.socket.destroy();

    const replay = startFastResumption(client.hello, settings)!;
    expect(replay.serverRandom.equals(first.serverRandom)).toBe(false);
    await replay.feed(recordedFinished);
    expect(replay.phase).toBe('FAILED');
  });

  it('leaves to OpenSSL a session it does not hold, or holds without a checked certificate', async () => {
    const client = await resumingClient(pki, aes128.clientSession);
    expect(startFastResumption(client.hello, settingsWith(aes256))).toBeUndefined();
    const noPeer = settingsWith();
    noPeer.cache.set(aes128.sessionId, aes128.sessionDer);
    expect(startFastResumption(client.hello, noPeer)).toBeUndefined();
    client.socket.destroy();
  });

  it('leaves to OpenSSL a session made under another session-id context (other trusted CAs)', async () => {
    const client = await resumingClient(pki, aes128.clientSession);
    const settings = { ...settingsWith(aes128), sessionIdContext: Buffer.from('another context') };
    expect(startFastResumption(client.hello, settings)).toBeUndefined();
    client.socket.destroy();
  });

  it('leaves to OpenSSL a session without extended master secret, and a hello that drops it (RFC 7627 §5.3)', async () => {
    const client = await resumingClient(pki, aes128.clientSession);
    const der = Buffer.from(aes128.sessionDer);
    // [13] flags INTEGER 1 (extended master secret) → 0
    const at = der.indexOf(Buffer.from([0xad, 0x03, 0x02, 0x01, 0x01]));
    expect(at).toBeGreaterThan(0);
    der[at + 4] = 0;
    expect(parseStoredSession(der)?.extendedMasterSecret).toBe(false);
    const settings = settingsWith();
    settings.cache.set(aes128.sessionId, der);
    settings.cache.attachPeer(aes128.sessionId, aes128.peer);
    expect(startFastResumption(client.hello, settings)).toBeUndefined();

    expect(startFastResumption(withoutExtension(client.hello, 23), settingsWith(aes128))).toBeUndefined();
    client.socket.destroy();
  });

  it('leaves tickets, TLS 1.3 offers, unknown extensions, renegotiation and expired sessions to OpenSSL', async () => {
    const client = await resumingClient(pki, aes128.clientSession);
    const settings = settingsWith(aes128);
    expect(startFastResumption(withExtension(client.hello, 35, Buffer.from('a ticket')), settings)).toBeUndefined();
    expect(startFastResumption(withExtension(client.hello, 43, Buffer.from([4, 3, 4, 3, 3])), settings)).toBeUndefined();
    expect(startFastResumption(withExtension(client.hello, 0x7777, Buffer.alloc(0)), settings)).toBeUndefined();
    expect(startFastResumption(withExtension(client.hello, 0xff01, Buffer.from([1, 0])), settings)).toBeUndefined();
    expect(startFastResumption(client.hello.subarray(0, client.hello.length - 1), settings)).toBeUndefined();
    // The same hello is fine, also rebuilt with an extension a resumption may ignore (padding).
    expect(startFastResumption(client.hello, settings)).toBeDefined();
    expect(startFastResumption(withExtension(client.hello, 21, Buffer.alloc(16)), settings)).toBeDefined();
    // A server capped at TLS 1.2 resumes a peer that also offers 1.3, and says nothing about a downgrade.
    const capped = startFastResumption(withExtension(client.hello, 43, Buffer.from([4, 3, 4, 3, 3])), { ...settings, tls13: false });
    expect(capped?.serverRandom.subarray(24).toString('latin1')).not.toBe('DOWNGRD\x01');
    const session = parseStoredSession(aes128.sessionDer)!;
    const realNow = Date.now;
    try {
      Date.now = () => (session.time + session.timeout + 1) * 1000;
      expect(startFastResumption(client.hello, settings)).toBeUndefined();
    } finally {
      Date.now = realNow;
    }
    client.socket.destroy();
  });

  it('marks its random as a TLS 1.3-capable server negotiating 1.2 (RFC 8446 §4.1.3)', async () => {
    const client = await resumingClient(pki, aes128.clientSession);
    const conn = startFastResumption(client.hello, settingsWith(aes128))!;
    expect(conn.serverRandom.subarray(24).toString('latin1')).toBe('DOWNGRD\x01');
    client.socket.destroy();
  });

  it('a TLS 1.3-capable client resuming a 1.2 session goes to OpenSSL when the server speaks 1.3', async () => {
    const client = await resumingClient(pki, aes128.clientSession, { maxVersion: 'TLSv1.3' });
    expect(startFastResumption(client.hello, settingsWith(aes128))).toBeUndefined();
    const settings = { ...settingsWith(aes128), tls13: false };
    const conn = startFastResumption(client.hello, settings)!;
    await conn.feed(await client.deliver(conn.takeOutput()));
    expect(client.error).toBeUndefined();
    expect(conn.phase).toBe('SECURE');
    client.socket.destroy();
  });
});
