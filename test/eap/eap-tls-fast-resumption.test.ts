import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapEngineOptions } from '../../src/eap/options.js';
import type { EapResult } from '../../src/eap/types.js';
import { runEapTlsClient, type EapTlsClientOptions } from '../support/eap-tls-client.js';
import { makeTestPki, type TestCredential } from '../support/pki.js';
import { device, engineOptions, recordingLogger, transportTo } from './fixture.js';

// EAP-TLS 1.2 session-ID resumption answered by portcullis itself (src/eap/tls/fast-resumption.ts)
// and the eap.tls.resumption.tickets knob, end to end through the engine with Node's TLS client.

const pki = makeTestPki();
const FAST = 'TLS 1.2 session-ID resumption answered without OpenSSL';

type Success = Extract<EapResult, { kind: 'success' }>;

const engines: EapEngine[] = [];
function newEngine(options: EapEngineOptions = engineOptions(pki)) {
  const log = recordingLogger();
  const engine = new EapEngine(options, log);
  engines.push(engine);
  return { engine, fastResumptions: () => log.lines.filter((l) => l.msg === FAST).length };
}
afterEach(() => {
  vi.useRealTimers();
  for (const e of engines.splice(0)) e.close();
});

async function authenticate(engine: EapEngine, opts: EapTlsClientOptions) {
  const seen: EapResult[] = [];
  const r = await runEapTlsClient(transportTo(engine, { seen }), opts);
  return { r, last: seen.at(-1)! };
}

describe('EAP-TLS 1.2 resumption without OpenSSL', () => {
  it.each([
    ['a peer that refuses tickets (wpa_supplicant)', true],
    ['a peer that would take tickets (none are issued)', false],
  ])('resumes %s by session ID: same device identity, keys both sides agree on, fewer round trips', async (_what, noTickets) => {
    const { engine, fastResumptions } = newEngine();
    const cred = pki.clients.ec;
    const opts = device(pki, cred, { maxVersion: 'TLSv1.2', noTickets });
    const full = await authenticate(engine, opts);
    expect(full.r.outcome).toBe('success');
    expect(fastResumptions()).toBe(0);

    for (let i = 0; i < 2; i++) {
      const again = await authenticate(engine, { ...opts, session: full.r.session });
      expect(again.r.outcome, again.r.reason).toBe('success');
      expect(again.r.resumed).toBe(true);
      const s = again.last as Success;
      expect(s).toMatchObject({ resumed: true, tlsVersion: 'TLSv1.2', method: 'tls', outerIdentity: `host/${cred.udid}` });
      expect(s.certificate).toEqual((full.last as Success).certificate);
      expect(s.msk).toEqual(again.r.clientMsk);
      expect(s.emsk).toEqual(again.r.clientEmsk);
      expect(s.sessionId).toEqual(again.r.clientSessionId);
      expect(s.msk.equals((full.last as Success).msk)).toBe(false);
      expect(again.r.rounds).toBe(3);
      expect(again.r.rounds).toBeLessThan(full.r.rounds);
    }
    expect(fastResumptions()).toBe(2);
    expect(engine.tlsConnections).toBe(0);
    expect(engine.conversations).toBe(0);
  });

  it('gives the same result through OpenSSL when the fast path is off', async () => {
    const { engine, fastResumptions } = newEngine(engineOptions(pki, { tls: { resumption: { fastPath: false } } }));
    const opts = device(pki, pki.clients.rsa, { maxVersion: 'TLSv1.2', noTickets: true });
    const full = await authenticate(engine, opts);
    const again = await authenticate(engine, { ...opts, session: full.r.session });
    expect(again.last).toMatchObject({ kind: 'success', resumed: true, certificate: (full.last as Success).certificate });
    expect((again.last as Success).msk).toEqual(again.r.clientMsk);
    expect(again.r.rounds).toBe(3);
    expect(fastResumptions()).toBe(0);
  });

  it('leaves TLS 1.3 peers to OpenSSL', async () => {
    const { engine, fastResumptions } = newEngine();
    const opts = device(pki, pki.clients.ec, { maxVersion: 'TLSv1.3' });
    const full = await authenticate(engine, opts);
    const again = await authenticate(engine, { ...opts, session: full.r.session });
    expect(again.last).toMatchObject({ kind: 'success', resumed: true, tlsVersion: 'TLSv1.3' });
    expect(fastResumptions()).toBe(0);
  });

  it('does not fast-resume a session whose full authentication was rejected', async () => {
    const { engine, fastResumptions } = newEngine();
    const opts = device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', noTickets: true });
    // Our clock past notAfter: OpenSSL (real clock) accepts the handshake, our policy rejects it.
    const probe = await authenticate(engine, opts);
    const expiry = Date.parse((probe.last as Success).certificate!.notAfter);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(expiry + 60_000);
    const rejected = await authenticate(engine, opts);
    expect(rejected.last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/certificate has expired/) });
    vi.useRealTimers();
    const again = await authenticate(engine, { ...opts, session: rejected.r.session });
    // OpenSSL may resume it (the policy is checked again and now passes), but never the fast path.
    expect(again.last).toMatchObject({ kind: 'success' });
    expect(fastResumptions()).toBe(0);
  });

  it('re-checks revocation on a fast resumption', async () => {
    const { engine, fastResumptions } = newEngine();
    const cred = pki.clients.revokedLater;
    const opts = device(pki, cred, { maxVersion: 'TLSv1.2', noTickets: true });
    const first = await authenticate(engine, opts);
    expect(first.r.outcome).toBe('success');
    engine.reload(engineOptions(pki, { tls: { crl: [{ file: pki.crl.ecLaterFile }, { file: pki.crl.rsaFile }] } }));
    const r = await authenticate(engine, { ...opts, session: first.r.session });
    expect(fastResumptions()).toBe(1);
    expect(r.last).toMatchObject({ kind: 'failure', reason: 'client certificate rejected: certificate is revoked (CRL)', certificate: { udid: cred.udid } });
  });

  it('re-checks the validity period on a fast resumption', async () => {
    const cred = shortLivedDevice();
    const week = 7 * 86_400;
    const { engine, fastResumptions } = newEngine(engineOptions(pki, { tls: { resumption: { lifetimeSeconds: week } } }));
    const opts = device(pki, cred, { maxVersion: 'TLSv1.2', noTickets: true });
    const first = await authenticate(engine, opts);
    expect(first.r.outcome, first.r.reason).toBe('success');
    const notAfter = Date.parse((first.last as Success).certificate!.notAfter);
    expect(notAfter - Date.now()).toBeLessThan(2 * 86_400_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(notAfter + 3_600_000); // within the session lifetime, after the certificate's
    const r = await authenticate(engine, { ...opts, session: first.r.session });
    expect(fastResumptions()).toBe(1);
    expect(r.last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/^client certificate rejected: certificate has expired \(notAfter /) });
  });

  it('reads the identity again when a reload changed where the UDID comes from', async () => {
    const { engine, fastResumptions } = newEngine();
    const opts = device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', noTickets: true });
    const first = await authenticate(engine, opts);
    expect((first.last as Success).certificate).toMatchObject({ udidSource: 'san_uri' });
    engine.reload(engineOptions(pki, { udidSources: ['cn'] }));
    const r = await authenticate(engine, { ...opts, session: first.r.session });
    expect(fastResumptions()).toBe(1);
    expect(r.last).toMatchObject({ kind: 'success', resumed: true, certificate: { udid: pki.clients.ec.udid, udidSource: 'cn' } });
  });

  it('stops resuming TLS 1.2 after a reload to TLS 1.3 only', async () => {
    const { engine, fastResumptions } = newEngine();
    const opts = device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', noTickets: true });
    const first = await authenticate(engine, opts);
    engine.reload(engineOptions(pki, { tls: { minVersion: 'TLSv1.3' } }));
    const r = await authenticate(engine, { ...opts, session: first.r.session });
    expect(r.last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/no common TLS version/) });
    expect(fastResumptions()).toBe(0);
  });

  it('does not fast-resume across a change of trusted CAs', async () => {
    const { engine, fastResumptions } = newEngine();
    const opts = device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2', noTickets: true });
    const first = await authenticate(engine, opts);
    engine.reload(engineOptions(pki, { tls: { ca: { file: pki.ecCa.certFile }, crl: { file: pki.crl.ecFile } } }));
    const r = await authenticate(engine, { ...opts, session: first.r.session });
    expect(r.last).toMatchObject({ kind: 'success', resumed: false });
    expect(fastResumptions()).toBe(0);
  });
});

describe('eap.tls.resumption.tickets', () => {
  it('off (default): no stateless tickets, TLS 1.3 resumes from the session cache, the last flight is smaller', async () => {
    const off = newEngine();
    const on = newEngine(engineOptions(pki, { tls: { resumption: { tickets: true } } }));
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const opts = device(pki, pki.clients.rsa, { maxVersion: version });
      const withoutTickets = await authenticate(off.engine, opts);
      const withTickets = await authenticate(on.engine, opts);
      expect(withoutTickets.r.outcome).toBe('success');
      expect(withTickets.r.outcome).toBe('success');
      // RSA server chain: the ticket flight of the ticket-issuing server needs one more round trip (1.3: two tickets).
      expect(withoutTickets.r.rounds).toBeLessThan(withTickets.r.rounds);
      const again = await authenticate(off.engine, { ...opts, session: withoutTickets.r.session });
      expect(again.last).toMatchObject({ kind: 'success', resumed: true, tlsVersion: version });
      expect((again.last as Success).msk).toEqual(again.r.clientMsk);
    }
  });

  it('on: a ticket-taking TLS 1.2 peer resumes by ticket, through OpenSSL', async () => {
    const { engine, fastResumptions } = newEngine(engineOptions(pki, { tls: { resumption: { tickets: true } } }));
    const opts = device(pki, pki.clients.ec, { maxVersion: 'TLSv1.2' });
    const full = await authenticate(engine, opts);
    const again = await authenticate(engine, { ...opts, session: full.r.session });
    expect(again.last).toMatchObject({ kind: 'success', resumed: true });
    expect(fastResumptions()).toBe(0);
    // A peer that refuses tickets still resumes by session ID, now without OpenSSL.
    const sidOpts = { ...opts, noTickets: true };
    const sidFull = await authenticate(engine, sidOpts);
    const sidAgain = await authenticate(engine, { ...sidOpts, session: sidFull.r.session });
    expect(sidAgain.last).toMatchObject({ kind: 'success', resumed: true });
    expect(fastResumptions()).toBe(1);
  });
});

/** A device certificate of the test EC CA that expires in one day (a fresh key, our own temp dir). */
function shortLivedDevice(): TestCredential {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-short-cert-'));
  const udid = randomUUID().toUpperCase();
  const ca = join(pki.dir, 'ec-ca');
  writeFileSync(
    join(dir, 'ext.cnf'),
    ['[ ext ]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth', `subjectAltName=DNS:${udid},URI:urn:jamf:udid:${udid}`, ''].join('\n'),
  );
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-subj', `/O=Portcullis Test/CN=${udid}`]);
  openssl(['x509', '-req', '-in', 'req.csr', '-CA', join(ca, 'ca.pem'), '-CAkey', join(ca, 'ca.key'), '-set_serial', `0x${randomUUID().replace(/-/g, '')}`,
    '-days', '1', '-sha256', '-extfile', 'ext.cnf', '-extensions', 'ext', '-out', 'cert.pem']);
  return { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8'), udid };
}
