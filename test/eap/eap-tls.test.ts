import { afterAll, describe, expect, it } from 'vitest';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapResult } from '../../src/eap/types.js';
import { runEapTlsClient } from '../support/eap-tls-client.js';
import { makeTestPki } from '../support/pki.js';
import { device, engineOptions, transportTo } from './fixture.js';

const pki = makeTestPki();
const engine = new EapEngine(engineOptions(pki));
afterAll(() => engine.close());

type Success = Extract<EapResult, { kind: 'success' }>;

describe('EAP-TLS with an RSA server certificate', () => {
  const cases = [
    ['TLSv1.2', 'EC', pki.clients.ec],
    ['TLSv1.2', 'RSA', pki.clients.rsa],
    ['TLSv1.3', 'EC', pki.clients.ec],
    ['TLSv1.3', 'RSA', pki.clients.rsa],
  ] as const;

  it.each(cases)('%s with an %s client certificate: Success, same MSK/EMSK/Session-Id on both sides', async (version, _kind, cred) => {
    const seen: EapResult[] = [];
    const r = await runEapTlsClient(transportTo(engine, { seen }), device(pki, cred, { minVersion: version, maxVersion: version }));
    expect(r.outcome, r.reason).toBe('success');
    const s = seen.at(-1) as Success;
    expect(s.eapMessage).toEqual(Buffer.from([3, s.eapMessage[1]!, 0, 4]));
    expect(s.msk).toHaveLength(64);
    expect(s.emsk).toHaveLength(64);
    expect(s.msk).toEqual(r.clientMsk);
    expect(s.emsk).toEqual(r.clientEmsk);
    expect(s.sessionId).toHaveLength(65);
    expect(s.sessionId).toEqual(r.clientSessionId);
    expect(s).toMatchObject({
      method: 'tls',
      tlsVersion: version,
      resumed: false,
      outerIdentity: `host/${cred.udid}`,
      certificate: { udid: cred.udid, udidSource: 'san_uri', subjectAltNames: [`DNS:${cred.udid}`, `URI:urn:jamf:udid:${cred.udid}`] },
    });
    expect(r.tlsVersion).toBe(version);
    expect(engine.conversations).toBe(0);
    expect(engine.tlsConnections).toBe(0);
  });

  it('sends the TLS 1.3 commitment message after the session tickets, and Success only after the ACK', async () => {
    const seen: EapResult[] = [];
    const r = await runEapTlsClient(transportTo(engine, { seen }), device(pki, pki.clients.ec, { maxVersion: 'TLSv1.3' }));
    expect(r.outcome).toBe('success');
    expect(r.commitmentReceived).toBe(true);
    expect(r.ticketsBeforeCommitment).toBeGreaterThanOrEqual(1);
    // The response before Success was an empty EAP-TLS ACK: the last challenge carried the final flight.
    expect(r.acksSent).toBeGreaterThanOrEqual(1);
    expect(seen.at(-2)?.kind).toBe('challenge');
  });

  it('sends no commitment message with TLS 1.2', async () => {
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2' }));
    expect(r.outcome).toBe('success');
    expect(r.commitmentReceived).toBe(false);
  });

  it('gives every authentication fresh keys and a fresh Session-Id', async () => {
    const a = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec));
    const b = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec));
    expect(a.clientMsk!.equals(b.clientMsk!)).toBe(false);
    expect(a.clientSessionId!.equals(b.clientSessionId!)).toBe(false);
  });

  it('starts from EAP-Start as well as from an unsolicited Identity', async () => {
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec, { sendEapStart: true }));
    expect(r.outcome).toBe('success');
  });

  it('accepts a certificate without an EKU extension (clientAuth is required only when EKU is present)', async () => {
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.noEku));
    expect(r.outcome, r.reason).toBe('success');
  });

  it('takes the UDID from CN when the certificate has no SAN', async () => {
    const seen: EapResult[] = [];
    const r = await runEapTlsClient(transportTo(engine, { seen }), device(pki, pki.clients.cnOnly));
    expect(r.outcome).toBe('success');
    expect((seen.at(-1) as Success).certificate).toMatchObject({ udid: pki.clients.cnOnly.udid, udidSource: 'cn' });
  });

  it('needs 6 RADIUS round trips for TLS 1.2 with an RSA server certificate (as FreeRADIUS at fragment_size 1024)', async () => {
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2' }));
    expect(r.rounds).toBe(6);
  });
});

describe('EAP-TLS with an EC server certificate', () => {
  const ecEngine = new EapEngine(
    engineOptions(pki, { tls: { certificate: { file: pki.serverEc.certFile }, privateKey: { file: pki.serverEc.keyFile } } }),
  );
  afterAll(() => ecEngine.close());

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('%s succeeds and matches keys', async (version) => {
    const seen: EapResult[] = [];
    const r = await runEapTlsClient(transportTo(ecEngine, { seen }), device(pki, pki.clients.ec, { ca: pki.ecCa.cert, maxVersion: version }));
    expect(r.outcome).toBe('success');
    expect((seen.at(-1) as Success).msk).toEqual(r.clientMsk);
  });
});

describe('EAP-TLS fragment size', () => {
  it('caps server fragments at the configured fragmentSize', async () => {
    const small = new EapEngine(engineOptions(pki, { tls: { fragmentSize: 300 } }));
    try {
      const r = await runEapTlsClient(transportTo(small), device(pki, pki.clients.rsa));
      expect(r.outcome).toBe('success');
      expect(r.largestServerFragment).toBe(300);
    } finally {
      small.close();
    }
  });

  it('never sends more than Framed-MTU allows', async () => {
    const r = await runEapTlsClient(transportTo(engine, { framedMtu: 500 }), device(pki, pki.clients.rsa));
    expect(r.outcome).toBe('success');
    expect(r.largestServerFragment).toBeLessThanOrEqual(500 - 14);
    expect(r.largestServerFragment).toBeGreaterThan(400);
  });

  it('uses the default 1024 octets when Framed-MTU is larger', async () => {
    const r = await runEapTlsClient(transportTo(engine, { framedMtu: 1500 }), device(pki, pki.clients.rsa));
    expect(r.largestServerFragment).toBe(1024);
  });
});
