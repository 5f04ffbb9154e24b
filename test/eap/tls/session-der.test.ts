import { beforeAll, describe, expect, it } from 'vitest';
import { parseStoredSession, storedSessionVersion } from '../../../src/eap/tls/session-der.js';
import { makeTestPki, type TestPki } from '../../support/pki.js';
import { SESSION_ID_CONTEXT, fullHandshake, type FullHandshake } from './resumption-harness.js';

let pki: TestPki;
let full: FullHandshake;
beforeAll(async () => {
  pki = makeTestPki();
  full = await fullHandshake(pki);
});

describe('serialized OpenSSL sessions (Node newSession data)', () => {
  it('reads version, suite, session ID, master secret, context, verify result and extended master secret', () => {
    const s = parseStoredSession(full.sessionDer)!;
    expect(s).toBeDefined();
    expect(s.protocolVersion).toBe(0x0303);
    expect(s.cipherSuite).toBe(0xc02b); // ECDHE-ECDSA-AES128-GCM-SHA256, what the EC server and Node's client agree on
    expect(s.sessionId).toEqual(full.sessionId);
    expect(s.masterSecret).toEqual(full.masterSecret); // the client's keylog says the same
    expect(s.sessionIdContext.toString('latin1')).toBe(SESSION_ID_CONTEXT);
    expect(s.verifyResult).toBe(0);
    expect(s.extendedMasterSecret).toBe(true);
    expect(s.peerCertificate).toEqual(full.peer.der); // the client certificate, as OpenSSL keeps it
    expect(Math.abs(s.time - Date.now() / 1000)).toBeLessThan(60);
    expect(s.timeout).toBeGreaterThan(0);
    expect(storedSessionVersion(full.sessionDer)).toBe(0x0303);
  });

  it('answers undefined (never throws) for truncated, padded or foreign data', () => {
    const der = full.sessionDer;
    expect(parseStoredSession(der.subarray(0, der.length - 1))).toBeUndefined();
    expect(parseStoredSession(Buffer.concat([der, Buffer.from([0])]))).toBeUndefined();
    expect(parseStoredSession(Buffer.from('not DER at all'))).toBeUndefined();
    expect(parseStoredSession(Buffer.alloc(0))).toBeUndefined();
    for (let i = 0; i < der.length; i += 7) {
      const mangled = Buffer.from(der);
      mangled[i] = mangled[i]! ^ 0xff;
      expect(() => parseStoredSession(mangled)).not.toThrow();
    }
    expect(storedSessionVersion(Buffer.from([0x30, 0x01]))).toBe(0);
  });

  it('reports a failed certificate verification stored with the session', () => {
    // [5] verify_result, appended: a session whose client certificate did not verify.
    const der = full.sessionDer;
    const body = Buffer.concat([der.subarray(4), Buffer.from([0xa5, 0x03, 0x02, 0x01, 0x14])]);
    const withVerify = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
    expect(der[1]).toBe(0x82); // the fixture is a long-form SEQUENCE, as every session with a certificate is
    expect(parseStoredSession(withVerify)?.verifyResult).toBe(20);
  });
});
