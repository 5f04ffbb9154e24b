import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initMd4 } from '../../src/crypto/md4.js';
import { ntPasswordHash } from '../../src/crypto/mschapv2.js';
import type { CredentialStore, InnerCredentials } from '../../src/eap/credentials.js';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapResult } from '../../src/eap/types.js';
import { runTunnelClient, type TunnelClientOptions } from '../support/eap-tunnel-client.js';
import { makeTestPki } from '../support/pki.js';
import { engineOptions, recordingLogger, requestOf, response, transportTo } from './fixture.js';

// PEAPv0 / EAP-MSCHAPv2 through the engine with a Node TLS peer: inner Identity, MSCHAPv2,
// Result TLV, MPPE keys per MS-PEAP without crypto binding ("client EAP encryption").

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
    ['dave', { password: Buffer.from('domain pw') }],
  ]);
  engine = new EapEngine(engineOptions(pki, { methods: ['tls', 'ttls', 'peap'], credentials: store }), log);
});
afterAll(() => engine.close());

type Success = Extract<EapResult, { kind: 'success' }>;

function peap(user: string, password: string, extra: Partial<TunnelClientOptions> = {}): TunnelClientOptions {
  return { method: 'peap', outerIdentity: 'anonymous', inner: { kind: 'mschapv2', user, password }, ca: pki.rsaCa.cert, ...extra };
}

async function run(options: TunnelClientOptions) {
  const seen: EapResult[] = [];
  const r = await runTunnelClient(transportTo(engine, { seen }), options);
  return { r, last: seen.at(-1)! };
}

describe('PEAPv0 / EAP-MSCHAPv2', () => {
  it('succeeds: inner Identity, MSCHAPv2, Result TLV; inner identity reported; same keys on both sides', async () => {
    const { r, last } = await run(peap('alice', 'correct horse'));
    expect(r.outcome, r.reason).toBe('success');
    expect(r.proposedTypes).toEqual([13, 25]);
    expect(r.startVersion).toBe(0);
    // Identity, Challenge, Success request, then the EAP-TLV Result.
    expect(r.innerRequests).toEqual([1, 26, 26, 33]);
    expect(r.serverAuthenticated).toBe(true);
    expect(r.resultTlv).toBe('success');
    expect(last).toMatchObject({ kind: 'success', method: 'peap', outerIdentity: 'anonymous', innerIdentity: 'alice', tlsVersion: 'TLSv1.2', resumed: false });
    const s = last as Success;
    expect(s.msk).toEqual(r.clientMsk);
    expect(s.emsk).toEqual(r.clientEmsk);
    expect(s.sessionId?.[0]).toBe(0x19);
    expect(s.sessionId).toHaveLength(65);
  });

  it('works from an nt_hash-only user', async () => {
    const { r, last } = await run(peap('carol', 'nt only'));
    expect(r.outcome, r.reason).toBe('success');
    expect(last).toMatchObject({ kind: 'success', innerIdentity: 'carol' });
  });

  it('accepts DOMAIN\\user for a user listed without the domain', async () => {
    const { r, last } = await run(peap('CORP\\dave', 'domain pw'));
    expect(r.outcome, r.reason).toBe('success');
    expect(last).toMatchObject({ kind: 'success', innerIdentity: 'CORP\\dave' });
  });

  it('wrong password: MSCHAPv2 Failure E=691, Result TLV failure, then EAP-Failure with the reason', async () => {
    const { r, last } = await run(peap('alice', 'wrong'));
    expect(r.outcome).toBe('failure');
    expect(r.mschapFailure).toMatch(/^E=691 R=0 C=[0-9A-F]{32} V=3 M=/);
    expect(r.serverAuthenticated).toBe(false);
    expect(r.resultTlv).toBe('failure');
    expect(r.innerRequests).toEqual([1, 26, 26, 33]);
    expect(last).toMatchObject({ kind: 'failure', method: 'peap', outerIdentity: 'anonymous', reason: 'inner user "alice": wrong password' });
  });

  it('unknown user: the same E=691 path as a wrong password', async () => {
    const { r, last } = await run(peap('mallory', 'x'));
    expect(r.mschapFailure).toMatch(/^E=691/);
    expect(r.resultTlv).toBe('failure');
    expect(last).toMatchObject({ kind: 'failure', reason: 'inner user "mallory": unknown user' });
  });

  it('a bcrypt-only user cannot do MSCHAPv2, and the reason says so', async () => {
    const { r, last } = await run(peap('bob', 'battery staple'));
    expect(r.resultTlv).toBe('failure');
    expect(last).toMatchObject({ kind: 'failure', reason: 'inner user "bob": user has only a password_hash; MSCHAPv2 needs a clear password or an nt_hash' });
  });

  it('refuses an MSCHAPv2 Name that is not the inner identity', async () => {
    const { last } = await run({ ...peap('alice', 'correct horse'), inner: { kind: 'mschapv2', user: 'alice', password: 'correct horse', mschapName: 'dave' } });
    expect(last).toMatchObject({ kind: 'failure', reason: 'inner user "alice": MSCHAPv2 name "dave" does not match the inner identity' });
  });

  it('never logs the password or the keys', async () => {
    const { last } = await run(peap('alice', 'correct horse'));
    const dump = JSON.stringify(log.lines);
    expect(dump).not.toContain('correct horse');
    expect(dump).not.toContain((last as Success).msk.toString('hex').slice(0, 32));
  });
});

describe('PEAP version negotiation', () => {
  it('starts with version 0 and fails a peer that answers with version 1', async () => {
    const start = await engine.process({ nas: 'ap-1', eapMessage: response(1, 1, Buffer.from('anonymous')), allowedMethods: ['peap'] });
    const req = requestOf(start);
    expect(req.type).toBe(25);
    expect(req.data[0]).toBe(0x20); // S flag, version 0
    const state = start.kind === 'challenge' ? start.state : undefined;
    // PEAPv1 flags, an empty "ClientHello": refused on the version before anything else.
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(req.id, 25, [0x01]), state });
    expect(r).toMatchObject({ kind: 'failure', method: 'peap', reason: 'PEAP version 1 not supported' });
  });
});
