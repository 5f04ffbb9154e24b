import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initMd4 } from '../../src/crypto/md4.js';
import { ntPasswordHash } from '../../src/crypto/mschapv2.js';
import type { CredentialStore, InnerCredentials } from '../../src/eap/credentials.js';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapResult } from '../../src/eap/types.js';
import { runTunnelClient, type InnerAuth, type TunnelClientOptions } from '../support/eap-tunnel-client.js';
import { makeTestPki } from '../support/pki.js';
import { engineOptions, recordingLogger, transportTo } from './fixture.js';

// EAP-TTLSv0 through the engine with a Node TLS peer: PAP and EAP-MSCHAPv2 inside the tunnel,
// keys from "ttls keying material", the inner identity reported for policy.

const pki = makeTestPki();
let users: Map<string, InnerCredentials>;
const store: CredentialStore = { lookup: (name) => users.get(name) };
const log = recordingLogger();
let engine: EapEngine;

beforeAll(async () => {
  await initMd4();
  users = new Map<string, InnerCredentials>([
    ['alice', { password: Buffer.from('correct horse') }],
    ['bob', { passwordHash: bcrypt.hashSync('battery staple', 4) }],
    ['carol', { ntHash: ntPasswordHash('nt only') }],
    ['CORP\\dave', { password: Buffer.from('domain pw') }],
  ]);
  engine = new EapEngine(engineOptions(pki, { methods: ['tls', 'ttls', 'peap'], credentials: store }), log);
});
afterAll(() => engine.close());

type Success = Extract<EapResult, { kind: 'success' }>;
type Failure = Extract<EapResult, { kind: 'failure' }>;

function ttls(inner: InnerAuth, extra: Partial<TunnelClientOptions> = {}): TunnelClientOptions {
  return { method: 'ttls', outerIdentity: 'anonymous', inner, ca: pki.rsaCa.cert, ...extra };
}

async function run(options: TunnelClientOptions) {
  const seen: EapResult[] = [];
  const r = await runTunnelClient(transportTo(engine, { seen }), options);
  return { r, last: seen.at(-1)! };
}

describe('EAP-TTLS/PAP', () => {
  it('succeeds with an anonymous outer identity; the inner user is reported and both sides hold the same keys', async () => {
    const { r, last } = await run(ttls({ kind: 'pap', user: 'alice', password: 'correct horse' }));
    expect(r.outcome, r.reason).toBe('success');
    // The server proposes EAP-TLS first; the peer NAKs to TTLS, which starts with version 0.
    expect(r.proposedTypes).toEqual([13, 21]);
    expect(r.startVersion).toBe(0);
    const s = last as Success;
    expect(s).toMatchObject({ kind: 'success', method: 'ttls', outerIdentity: 'anonymous', innerIdentity: 'alice', tlsVersion: 'TLSv1.2', resumed: false });
    expect(s.msk).toHaveLength(64);
    expect(s.msk).toEqual(r.clientMsk);
    expect(s.emsk).toEqual(r.clientEmsk);
    // Session-Id = 0x15 ‖ client.random ‖ server.random (RFC 5281 + RFC 5247).
    expect(s.sessionId?.[0]).toBe(0x15);
    expect(s.sessionId).toHaveLength(65);
  });

  it('caps the tunnel at TLS 1.2 even when the peer offers 1.3', async () => {
    const { r, last } = await run(ttls({ kind: 'pap', user: 'alice', password: 'correct horse' }, { maxVersion: 'TLSv1.3' }));
    expect(r.outcome, r.reason).toBe('success');
    expect(r.tlsVersion).toBe('TLSv1.2');
    expect((last as Success).msk).toEqual(r.clientMsk);
  });

  it('rejects a wrong password with EAP-Failure and names the inner user in the reason', async () => {
    const { r, last } = await run(ttls({ kind: 'pap', user: 'alice', password: 'wrong' }));
    expect(r.outcome).toBe('failure');
    expect((last as Failure).eapMessage[0]).toBe(4);
    expect(last).toMatchObject({ kind: 'failure', method: 'ttls', outerIdentity: 'anonymous', reason: 'inner user "alice": wrong password' });
  });

  it('rejects an unknown user', async () => {
    const { last } = await run(ttls({ kind: 'pap', user: 'mallory', password: 'x' }));
    expect(last).toMatchObject({ kind: 'failure', reason: 'inner user "mallory": unknown user' });
  });

  it('accepts a bcrypt password_hash user and refuses the wrong password for it', async () => {
    expect((await run(ttls({ kind: 'pap', user: 'bob', password: 'battery staple' }))).last).toMatchObject({ kind: 'success', innerIdentity: 'bob' });
    expect((await run(ttls({ kind: 'pap', user: 'bob', password: 'battery' }))).last).toMatchObject({ kind: 'failure', reason: 'inner user "bob": wrong password' });
  });

  it('checks PAP against an nt_hash-only user', async () => {
    expect((await run(ttls({ kind: 'pap', user: 'carol', password: 'nt only' }))).last).toMatchObject({ kind: 'success', innerIdentity: 'carol' });
    expect((await run(ttls({ kind: 'pap', user: 'carol', password: 'NT only' }))).last).toMatchObject({ kind: 'failure' });
  });

  it('finds DOMAIN\\user as listed, and reports the name as sent', async () => {
    const { last } = await run(ttls({ kind: 'pap', user: 'CORP\\dave', password: 'domain pw' }));
    expect(last).toMatchObject({ kind: 'success', innerIdentity: 'CORP\\dave' });
  });

  it('refuses an unknown mandatory AVP (RFC 5281 §10.1) but ignores an unknown optional one', async () => {
    const mandatory = { code: 3000, mandatory: true, data: Buffer.from('x') };
    const optional = { code: 3001, mandatory: false, data: Buffer.from('y') };
    const bad = await run(ttls({ kind: 'pap', user: 'alice', password: 'correct horse', extraAvps: [mandatory] }));
    expect(bad.last).toMatchObject({ kind: 'failure', reason: 'peer sent unsupported mandatory AVP(s) 3000 in the TTLS tunnel' });
    const ok = await run(ttls({ kind: 'pap', user: 'alice', password: 'correct horse', extraAvps: [optional] }));
    expect(ok.last).toMatchObject({ kind: 'success' });
  });

  it('fails without a User-Password', async () => {
    const { last } = await run(ttls({ kind: 'pap', user: 'alice', password: '', omitPassword: true }));
    expect(last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/^inner user "alice": no User-Password/) });
  });

  it('never logs the password or the keys', async () => {
    const { last } = await run(ttls({ kind: 'pap', user: 'alice', password: 'correct horse' }));
    const dump = JSON.stringify(log.lines);
    expect(dump).not.toContain('correct horse');
    expect(dump).not.toContain((last as Success).msk.toString('hex').slice(0, 32));
  });
});

describe('EAP-TTLS/EAP-MSCHAPv2', () => {
  it('succeeds; the server proves it knows the password; keys still come from "ttls keying material"', async () => {
    const { r, last } = await run(ttls({ kind: 'mschapv2', user: 'alice', password: 'correct horse' }));
    expect(r.outcome, r.reason).toBe('success');
    expect(r.serverAuthenticated).toBe(true);
    expect(r.innerRequests).toEqual([26, 26]);
    expect(last).toMatchObject({ kind: 'success', method: 'ttls', innerIdentity: 'alice' });
    expect((last as Success).msk).toEqual(r.clientMsk);
  });

  it('sends MSCHAPv2 Failure E=691 for a wrong password, then EAP-Failure', async () => {
    const { r, last } = await run(ttls({ kind: 'mschapv2', user: 'alice', password: 'nope' }));
    expect(r.mschapFailure).toMatch(/^E=691 R=0 /);
    expect(last).toMatchObject({ kind: 'failure', reason: 'inner user "alice": wrong password' });
  });

  it('cannot use a bcrypt-only user and says why', async () => {
    const { r, last } = await run(ttls({ kind: 'mschapv2', user: 'bob', password: 'battery staple' }));
    expect(r.mschapFailure).toMatch(/^E=691/);
    expect(last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/only a password_hash; MSCHAPv2 needs a clear password or an nt_hash/) });
  });
});
