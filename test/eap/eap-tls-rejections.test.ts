import { afterAll, describe, expect, it } from 'vitest';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapResult } from '../../src/eap/types.js';
import { runEapTlsClient } from '../support/eap-tls-client.js';
import { makeTestPki } from '../support/pki.js';
import { device, engineOptions, recordingLogger, transportTo } from './fixture.js';

const pki = makeTestPki();
const log = recordingLogger();
const engine = new EapEngine(engineOptions(pki), log);
afterAll(() => engine.close());

type Failure = Extract<EapResult, { kind: 'failure' }>;

async function rejected(opts: Parameters<typeof device>[2] & { cred?: (typeof pki.clients)[keyof typeof pki.clients] } = {}, target = engine) {
  const seen: EapResult[] = [];
  const { cred = pki.clients.ec, ...extra } = opts;
  const r = await runEapTlsClient(transportTo(target, { seen }), device(pki, cred, extra));
  const last = seen.at(-1);
  expect(last?.kind, `expected failure, client says ${r.outcome} ${r.reason ?? ''}`).toBe('failure');
  const f = last as Failure;
  expect(f.eapMessage[0]).toBe(4); // EAP-Failure, never Success
  expect(seen.some((x) => x.kind === 'success')).toBe(false);
  expect(target.conversations).toBe(0);
  expect(target.tlsConnections).toBe(0);
  return { f, r };
}

describe('EAP-TLS rejects bad client certificates with a reason for the auth log', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)('a certificate from an untrusted CA (%s) is REJECTED', async (version) => {
    const { f } = await rejected({ cred: pki.clients.untrusted, maxVersion: version });
    expect(f.reason).toBe('client certificate rejected: certificate is not issued by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(f).toMatchObject({ method: 'tls', outerIdentity: `host/${pki.clients.untrusted.udid}` });
    expect(f.certificate?.udid).toBe(pki.clients.untrusted.udid);
    expect(f.certificate?.issuer).toBe('O=Portcullis Test, CN=Rogue CA');
  });

  it('an expired certificate', async () => {
    const { f } = await rejected({ cred: pki.clients.expired });
    expect(f.reason).toBe('client certificate rejected: certificate has expired (CERT_HAS_EXPIRED)');
    expect(f.certificate?.notAfter).toBe('2020-02-01T00:00:00.000Z');
  });

  it('a certificate that is not yet valid', async () => {
    const { f } = await rejected({ cred: pki.clients.notYetValid, maxVersion: 'TLSv1.3' });
    expect(f.reason).toBe('client certificate rejected: certificate is not yet valid (CERT_NOT_YET_VALID)');
  });

  it('a revoked certificate (CRL)', async () => {
    const { f } = await rejected({ cred: pki.clients.revoked });
    expect(f.reason).toBe('client certificate rejected: certificate is revoked (CERT_REVOKED)');
    expect(f.certificate?.udid).toBe(pki.clients.revoked.udid);
  });

  it('a certificate whose EKU lacks clientAuth', async () => {
    const { f } = await rejected({ cred: pki.clients.serverAuthOnly });
    expect(f.reason).toBe('client certificate rejected: certificate is not valid for client authentication (Extended Key Usage) (INVALID_PURPOSE)');
    expect(f.certificate?.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('no client certificate at all (%s)', async (version) => {
    const r = await runEapTlsClient(transportTo(engine), { identity: 'anonymous', ca: pki.rsaCa.cert, maxVersion: version });
    expect(r.outcome).toBe('failure');
    expect(r.reason).toBe('client certificate rejected: the peer sent no certificate');
  });

  it('does not hand a TLS 1.3 session ticket to a rejected client', async () => {
    const { r } = await rejected({ cred: pki.clients.untrusted, maxVersion: 'TLSv1.3' });
    expect(r.session).toBeUndefined();
    expect(r.commitmentReceived).toBe(false);
  });
});

describe('EAP-TLS rejects unusable TLS', () => {
  it('a client that only speaks TLS 1.1', async () => {
    const { f, r } = await rejected({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    expect(f.reason).toBe('TLS handshake failed: no common TLS version (server allows TLSv1.2..TLSv1.3; alert protocol_version)');
    expect(r.tlsError).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'); // the alert reached the peer before EAP-Failure
  });

  it('a TLS 1.3-only client when the server is capped at TLS 1.2', async () => {
    const capped = new EapEngine(engineOptions(pki, { tls: { maxVersion: 'TLSv1.2' } }));
    try {
      const { f } = await rejected({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }, capped);
      expect(f.reason).toBe('TLS handshake failed: no common TLS version (server allows TLSv1.2..TLSv1.2; alert protocol_version)');
    } finally {
      capped.close();
    }
  });

  it('a peer that refuses our server certificate with a TLS alert', async () => {
    // A supplicant answers an untrusted server certificate with a fatal alert instead of its
    // certificate flight (Node's client cannot: it verifies after the handshake), so send one.
    const unknownCa = Buffer.from([21, 3, 3, 0, 2, 2, 48]);
    let tlsData = 0;
    const transport = transportTo(engine);
    const refusing = (m: Buffer, state: Buffer | undefined) => {
      if (m[4] === 13 && m.length > 6 && ++tlsData === 2) {
        const eap = Buffer.concat([Buffer.from([2, m[1]!, 0, 0, 13, 0]), unknownCa]);
        eap.writeUInt16BE(eap.length, 2);
        return transport(eap, state);
      }
      return transport(m, state);
    };
    const r = await runEapTlsClient(refusing, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2' }));
    expect(r.outcome).toBe('failure');
    expect(r.reason).toBe('TLS handshake failed: peer sent alert unknown_ca (the peer does not accept our server certificate)');
  });

  it('garbage instead of a ClientHello', async () => {
    const start = await engine.process({ nas: 'ap-1', eapMessage: Buffer.from([2, 9, 0, 5, 1]) });
    if (start.kind !== 'challenge') throw new Error('no challenge');
    const id = start.eapMessage[1]!;
    const junk = Buffer.concat([Buffer.from([2, id, 0, 0, 13, 0]), Buffer.from('GET / HTTP/1.1\r\n\r\n')]);
    junk.writeUInt16BE(junk.length, 2);
    let r = await engine.process({ nas: 'ap-1', eapMessage: junk, state: start.state });
    // OpenSSL answers with an alert first (RFC 5216 §2.1.3), then EAP-Failure follows the peer's response.
    if (r.kind === 'challenge') {
      const ack = Buffer.from([2, r.eapMessage[1]!, 0, 6, 13, 0]);
      r = await engine.process({ nas: 'ap-1', eapMessage: ack, state: r.state });
    }
    expect(r).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/^TLS handshake failed/) });
    expect(engine.conversations).toBe(0);
  });
});

describe('CRL configuration', () => {
  it('splits a file holding several CRLs (Node would load only the first)', async () => {
    const both = new EapEngine(engineOptions(pki, { tls: { crl: { file: pki.crl.bothFile } } }));
    try {
      expect((await rejected({ cred: pki.clients.revoked }, both)).f.reason).toMatch(/revoked/);
      // Without splitting, the RSA CA's CRL would be missing and every RSA client would fail.
      expect((await runEapTlsClient(transportTo(both), device(pki, pki.clients.rsa))).outcome).toBe('success');
      expect((await runEapTlsClient(transportTo(both), device(pki, pki.clients.ec))).outcome).toBe('success');
    } finally {
      both.close();
    }
  });

  it('fails closed for a CA without CRL once CRLs are configured', async () => {
    const ecOnly = new EapEngine(engineOptions(pki, { tls: { crl: { file: pki.crl.ecFile } } }));
    try {
      const { f } = await rejected({ cred: pki.clients.rsa }, ecOnly);
      expect(f.reason).toBe('client certificate rejected: no CRL is configured for the issuing CA (UNABLE_TO_GET_CRL)');
    } finally {
      ecOnly.close();
    }
  });
});

describe('auth log', () => {
  it('records each failure once, with its reason', () => {
    const failures = log.lines.filter((l) => l.msg === 'EAP failure');
    expect(failures.length).toBeGreaterThan(5);
    for (const l of failures) expect(typeof l.obj.reason).toBe('string');
  });
});
