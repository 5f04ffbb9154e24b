import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapResult } from '../../src/eap/types.js';
import { runEapTlsClient, type EapTlsClientOptions } from '../support/eap-tls-client.js';
import { makeTestPki } from '../support/pki.js';
import { device, engineOptions, transportTo } from './fixture.js';

const pki = makeTestPki();
const engines: EapEngine[] = [];
function newEngine(options = engineOptions(pki)): EapEngine {
  const e = new EapEngine(options);
  engines.push(e);
  return e;
}
afterEach(() => {
  vi.useRealTimers();
  for (const e of engines.splice(0)) e.close();
});

type Success = Extract<EapResult, { kind: 'success' }>;

async function authenticate(engine: EapEngine, opts: EapTlsClientOptions) {
  const seen: EapResult[] = [];
  const r = await runEapTlsClient(transportTo(engine, { seen }), opts);
  return { r, last: seen.at(-1)! };
}

describe('EAP-TLS session resumption', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)('%s: a returning device skips the full handshake and still has its identity', async (version) => {
    const engine = newEngine();
    const cred = pki.clients.ec;
    const full = await authenticate(engine, device(pki, cred, { maxVersion: version }));
    expect(full.r.outcome).toBe('success');
    expect(full.r.session).toBeDefined();

    const again = await authenticate(engine, device(pki, cred, { maxVersion: version, session: full.r.session }));
    expect(again.r.outcome, again.r.reason).toBe('success');
    const s = again.last as Success;
    expect(s.resumed).toBe(true);
    expect(again.r.resumed).toBe(true);
    expect(s.certificate).toMatchObject({ udid: cred.udid, fingerprint256: (full.last as Success).certificate!.fingerprint256 });
    expect(s.msk).toEqual(again.r.clientMsk);
    expect(s.sessionId).toEqual(again.r.clientSessionId);
    expect(s.msk.equals((full.last as Success).msk)).toBe(false);
    expect(again.r.rounds).toBeLessThan(full.r.rounds);
  });

  it('TLSv1.2: resumes by session ID for a peer that refuses tickets (wpa_supplicant, Android)', async () => {
    const engine = newEngine();
    const opts = device(pki, pki.clients.rsa, { maxVersion: 'TLSv1.2', noTickets: true });
    const full = await authenticate(engine, opts);
    expect(full.r.outcome).toBe('success');
    const again = await authenticate(engine, { ...opts, session: full.r.session });
    expect(again.last).toMatchObject({ kind: 'success', resumed: true, certificate: { udid: pki.clients.rsa.udid } });
    expect((again.last as Success).msk).toEqual(again.r.clientMsk);
  });

  it('does not resume when resumption is disabled', async () => {
    const on = newEngine();
    const first = await authenticate(on, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2' }));
    const off = newEngine(engineOptions(pki, { tls: { resumption: { enabled: false } } }));
    const r = await authenticate(off, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', session: first.r.session }));
    expect(r.r.outcome).toBe('success');
    expect((r.last as Success).resumed).toBe(false);
    expect(r.r.resumed).toBe(false);
    const byId = await authenticate(off, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', noTickets: true }));
    const byIdAgain = await authenticate(off, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', noTickets: true, session: byId.r.session }));
    expect(byIdAgain.r.outcome).toBe('success');
    expect((byIdAgain.last as Success).resumed).toBe(false);
  });

  it('resumes across engines that share ticketKeys (several processes)', async () => {
    const ticketKeys = randomBytes(48);
    const resumption = { tickets: true };
    const a = newEngine(engineOptions(pki, { tls: { ticketKeys, resumption } }));
    const b = newEngine(engineOptions(pki, { tls: { ticketKeys, resumption } }));
    const first = await authenticate(a, device(pki, pki.clients.ec));
    const other = await authenticate(b, device(pki, pki.clients.ec, { session: first.r.session }));
    expect((other.last as Success).resumed).toBe(true);
    const stranger = newEngine();
    const fresh = await authenticate(stranger, device(pki, pki.clients.ec, { session: first.r.session }));
    expect((fresh.last as Success).resumed).toBe(false);
  });

  it('does a full handshake after a reload that changed the trusted CAs', async () => {
    const engine = newEngine();
    const first = await authenticate(engine, device(pki, pki.clients.ec));
    engine.reload(engineOptions(pki, { tls: { ca: { file: pki.ecCa.certFile }, crl: { file: pki.crl.ecFile } } }));
    const r = await authenticate(engine, device(pki, pki.clients.ec, { session: first.r.session }));
    expect(r.r.outcome).toBe('success');
    expect((r.last as Success).resumed).toBe(false);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('%s: re-checks revocation of a resumed session', async (version) => {
    const engine = newEngine();
    const cred = pki.clients.revokedLater;
    const first = await authenticate(engine, device(pki, cred, { maxVersion: version }));
    expect(first.r.outcome).toBe('success');
    // Same CAs, newer CRL that lists the device: OpenSSL resumes without looking at the CRL.
    engine.reload(engineOptions(pki, { tls: { crl: [{ file: pki.crl.ecLaterFile }, { file: pki.crl.rsaFile }] } }));
    const r = await authenticate(engine, device(pki, cred, { maxVersion: version, session: first.r.session }));
    expect(r.r.resumed).toBe(true);
    expect(r.last).toMatchObject({ kind: 'failure', reason: 'client certificate rejected: certificate is revoked (CRL)', certificate: { udid: cred.udid } });
    // A full handshake is refused by OpenSSL itself.
    const full = await authenticate(engine, device(pki, cred, { maxVersion: version }));
    expect(full.last).toMatchObject({ kind: 'failure', reason: 'client certificate rejected: certificate is revoked (CERT_REVOKED)' });
  });

  it('re-checks the validity period of a resumed session (ticket)', async () => {
    // A ticket carries its own time; our clock moves past the certificate's notAfter only here.
    const engine = newEngine(engineOptions(pki, { tls: { resumption: { tickets: true } } }));
    const first = await authenticate(engine, device(pki, pki.clients.ec));
    const notAfter = Date.parse((first.last as Success).certificate!.notAfter);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(notAfter + 86_400_000); // our clock only; OpenSSL still honours the ticket
    const r = await authenticate(engine, device(pki, pki.clients.ec, { session: first.r.session }));
    expect(r.r.resumed).toBe(true);
    expect(r.last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/^client certificate rejected: certificate has expired \(notAfter /) });
  });

  it('honours the ticket lifetime', async () => {
    const engine = newEngine(engineOptions(pki, { tls: { resumption: { lifetimeSeconds: 1 } } }));
    const first = await authenticate(engine, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2' }));
    await new Promise((r) => setTimeout(r, 2100));
    const r = await authenticate(engine, device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', session: first.r.session }));
    expect(r.r.outcome).toBe('success');
    expect((r.last as Success).resumed).toBe(false);
  });
});
