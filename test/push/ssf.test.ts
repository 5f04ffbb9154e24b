// The SSF/CAEP push receiver (RFC 8935) with a test transmitter on 127.0.0.1 (own keys, JWKS and SSF
// metadata served locally): a signed device-compliance-change gives one posture change; forged, misaddressed,
// stale, replayed and unsigned SETs are refused with the RFC error code and change nothing.
import { randomUUID } from 'node:crypto';
import { SignJWT, base64url, exportSPKI, importJWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRevoked } from '../../src/push/index.js';
import { closeWorlds, compliantComputer, post, pushWorld, waitFor, type PushWorld } from './support.js';
import {
  CAEP_SESSION_REVOKED, SSF_VERIFICATION, complianceEvent, makeKey, signSet, startTransmitter, type TestKey, type Transmitter,
} from './transmitter.js';

const AUDIENCE = 'https://portcullis.test/';
const transmitters: Transmitter[] = [];

afterEach(async () => {
  await closeWorlds();
  for (const t of transmitters.splice(0)) await t.close();
});

interface SsfWorld extends PushWorld {
  t: Transmitter;
  key: TestKey;
  url: string;
  send(token: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> | undefined }>;
}

async function ssfWorld(ssf: Record<string, unknown> = {}, keys?: TestKey[]): Promise<SsfWorld> {
  const key = keys?.[0] ?? await makeKey('ES256');
  const t = await startTransmitter(keys ?? [key]);
  transmitters.push(t);
  const w = await pushWorld({ push: { listen: '127.0.0.1:0', ssf: { issuer: t.issuer, audience: AUDIENCE, ...ssf } } });
  const url = `${w.receiver.address.url}/ssf/events`;
  return {
    ...w, t, key, url,
    send: async (token, headers = {}) => {
      const res = await post(url, token, { 'content-type': 'application/secevent+jwt', ...headers });
      return { status: res.status, body: res.text ? res.json() : undefined };
    },
  };
}

/** A complex subject naming the device by UDID (the CAEP spec's example shape, device + tenant). */
function byUdid(udid: string): Record<string, unknown> {
  return { sub_id: { format: 'complex', device: { format: 'opaque', id: udid.toLowerCase() }, tenant: { format: 'opaque', id: 'acme' } } };
}

describe('SSF push: accepted SETs', () => {
  it('a signed CAEP device-compliance-change → 202 and one posture change (source signal)', async () => {
    const w = await ssfWorld();
    const d = compliantComputer(w.mock, 0);
    const res = await w.send(await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }));
    expect(res).toEqual({ status: 202, body: undefined });
    expect(w.changes).toHaveLength(1);
    expect(w.changes[0]).toMatchObject({ key: d.udid, from: 'compliant', to: 'non-compliant', source: 'signal' });
    expect(w.service.postureFor({ mac: d.mac })?.state).toBe('non-compliant');

    // The same state again (new jti): accepted, no second event.
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }))).status).toBe(202);
    expect(w.changes).toHaveLength(1);
    // And back.
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('compliant'), { extra: byUdid(d.udid) }))).status).toBe(202);
    expect(w.changes.map((c) => c.to)).toEqual(['non-compliant', 'compliant']);
  });

  it('finds the device by serial (opaque), by MAC (complex device) and by a subject inside the event (older CAEP)', async () => {
    const w = await ssfWorld();
    const [a, b, c] = [1, 2, 3].map((i) => compliantComputer(w.mock, i));
    const serial = w.mock.state.computers.get(a.id)!.serialNumber;
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra: { sub_id: { format: 'opaque', id: serial } } }))).status).toBe(202);
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), {
      extra: { sub_id: { format: 'complex', device: { format: 'opaque', id: b.mac.toUpperCase().replace(/:/g, '-') } } },
    }))).status).toBe(202);
    const inside = { 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change': {
      subject: { subject_type: 'iss-sub', iss: 'https://jamf.example', sub: c.udid }, previous_status: 'compliant', current_status: 'not-compliant',
    } };
    expect((await w.send(await signSet(w.key, w.t.issuer, inside))).status).toBe(202);
    expect(w.changes.map((x) => [x.key, x.to, x.source])).toEqual([
      [a.udid, 'non-compliant', 'signal'], [b.udid, 'non-compliant', 'signal'], [c.udid, 'non-compliant', 'signal'],
    ]);
  });

  it('session-revoked is emitted with the device MACs; verification and unknown events are acknowledged', async () => {
    const w = await ssfWorld();
    const d = compliantComputer(w.mock, 4);
    const revoked: SessionRevoked[] = [];
    w.receiver.events.on('session-revoked', (e) => revoked.push(e));
    const verifications: unknown[] = [];
    w.receiver.events.on('verification', (e) => verifications.push(e));

    expect((await w.send(await signSet(w.key, w.t.issuer, { [CAEP_SESSION_REVOKED]: { event_timestamp: 1_700_000_000 } }, { extra: byUdid(d.udid) }))).status).toBe(202);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ ref: { udid: d.udid }, deviceKey: d.udid, issuer: w.t.issuer, at: 1_700_000_000_000 });
    expect(revoked[0].macs).toContain(d.mac);

    expect((await w.send(await signSet(w.key, w.t.issuer, { [SSF_VERIFICATION]: { state: 'abc123' } }, { extra: { sub_id: { format: 'opaque', id: 'stream-1' } } }))).status).toBe(202);
    expect(verifications).toEqual([expect.objectContaining({ state: 'abc123', issuer: w.t.issuer })]);

    expect((await w.send(await signSet(w.key, w.t.issuer, { 'https://example.com/event/unknown': { x: 1 } }, { extra: byUdid(d.udid) }))).status).toBe(202);
    // A compliance change about a user, not a device: acknowledged, nothing to apply.
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra: { sub_id: { format: 'email', email: 'a@b.example' } } }))).status).toBe(202);
    expect(w.changes).toEqual([]);
  });

  it('picks up a rotated key (unknown kid → one JWKS refetch) but refetches at most once per cooldown', async () => {
    const w = await ssfWorld({ jwks_refresh_seconds: 60 });
    const d = compliantComputer(w.mock, 5);
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('compliant', 'compliant'), { extra: byUdid(d.udid) }))).status).toBe(202);
    const fetches = w.t.jwksFetches;
    // A kid the transmitter does not publish: refused; asking again right away does not refetch.
    const stranger = await makeKey('ES256');
    const r1 = await w.send(await signSet(stranger, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }));
    const r2 = await w.send(await signSet(stranger, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }));
    expect([r1.body?.err, r2.body?.err]).toEqual(['invalid_key', 'invalid_key']);
    expect(w.t.jwksFetches - fetches).toBeLessThanOrEqual(1);
    expect(w.changes).toEqual([]);
  });

  it('a rotated key is accepted once the cooldown has passed', async () => {
    const w = await ssfWorld({ jwks_refresh_seconds: 1 });
    const d = compliantComputer(w.mock, 6);
    expect((await w.send(await signSet(w.key, w.t.issuer, complianceEvent('compliant', 'compliant'), { extra: byUdid(d.udid) }))).status).toBe(202);
    const next = await makeKey('RS256');
    w.t.published = [w.key, next];
    await new Promise((r) => setTimeout(r, 1100));
    expect((await w.send(await signSet(next, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }))).status).toBe(202);
    expect(w.changes.map((c) => c.to)).toEqual(['non-compliant']);
  });
});

describe('SSF push: refused SETs change nothing', () => {
  async function refused(w: SsfWorld, token: string, err: string, headers?: Record<string, string>): Promise<string> {
    const res = await w.send(token, headers);
    expect([res.status, res.body?.err]).toEqual([400, err]);
    expect(typeof res.body?.description).toBe('string');
    expect(w.changes).toEqual([]);
    return String(res.body!.description);
  }

  it('forged signature, wrong aud, wrong iss, expired and future iat, replayed jti', async () => {
    const w = await ssfWorld({ clock_skew_seconds: 30, max_age_seconds: 300 });
    const d = compliantComputer(w.mock, 0);
    const extra = byUdid(d.udid);
    const now = Math.floor(Date.now() / 1000);
    const event = complianceEvent('not-compliant');

    // Same kid as the real key, signed with another private key.
    const forger = await makeKey('ES256', w.key.kid);
    expect(await refused(w, await signSet(forger, w.t.issuer, event, { extra }), 'authentication_failed')).toMatch(/signature/);
    // A signature from another transmitter's SET spliced onto ours.
    const [h, p] = (await signSet(w.key, w.t.issuer, event, { extra })).split('.');
    const other = (await signSet(w.key, w.t.issuer, complianceEvent('compliant'), { extra })).split('.')[2];
    await refused(w, `${h}.${p}.${other}`, 'authentication_failed');

    expect(await refused(w, await signSet(w.key, w.t.issuer, event, { extra, aud: 'https://someone-else.example/' }), 'invalid_audience')).toMatch(/aud/);
    await refused(w, await signSet(w.key, w.t.issuer, event, { extra, iss: 'https://evil.example' }), 'invalid_issuer');
    expect(await refused(w, await signSet(w.key, w.t.issuer, event, { extra, iat: now - 400 }), 'invalid_request')).toMatch(/iat/);
    expect(await refused(w, await signSet(w.key, w.t.issuer, event, { extra, iat: now + 120 }), 'invalid_request')).toMatch(/future/);
    // Within the skew both ways is fine — checked with a state that changes nothing.
    const same = complianceEvent('compliant', 'compliant');
    expect((await w.send(await signSet(w.key, w.t.issuer, same, { extra, iat: now + 20 }))).status).toBe(202);

    const once = await signSet(w.key, w.t.issuer, same, { extra, jti: 'jti-1' });
    expect((await w.send(once)).status).toBe(202);
    expect(await refused(w, once, 'invalid_request')).toMatch(/already received/);
    // The same jti in a new SET (e.g. the other state) is also refused.
    await refused(w, await signSet(w.key, w.t.issuer, event, { extra, jti: 'jti-1' }), 'invalid_request');
    expect(w.service.store.byUdid(d.udid).state).toBe('compliant');
  });

  it('alg none, HS256 with the public key as the secret, and a disallowed algorithm', async () => {
    const w = await ssfWorld({ algorithms: ['ES256'] });
    const d = compliantComputer(w.mock, 1);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: w.t.issuer, aud: AUDIENCE, iat: now, jti: randomUUID(), events: complianceEvent('not-compliant'), ...byUdid(d.udid) };

    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'secevent+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.`;
    expect(await refused(w, unsigned, 'invalid_key')).toMatch(/alg "none"/);

    // The classic confusion attack: HMAC keyed with the transmitter's public key (PEM and JWK forms).
    const pem = await exportSPKI(await importJWK(w.key.publicJwk, 'ES256', { extractable: true }) as CryptoKey);
    for (const secret of [pem, JSON.stringify(w.key.publicJwk)]) {
      const hs = await new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'HS256', kid: w.key.kid, typ: 'secevent+jwt' })
        .sign(new TextEncoder().encode(secret));
      expect(await refused(w, hs, 'invalid_key')).toMatch(/HS256/);
    }

    const rsa = await makeKey('RS256');
    w.t.published = [w.key, rsa];
    await refused(w, await signSet(rsa, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }), 'invalid_key');
  });

  it('bad typ, wrong content type, not a JWS, encrypted, missing claims, malformed event', async () => {
    const w = await ssfWorld();
    const d = compliantComputer(w.mock, 2);
    const extra = byUdid(d.udid);
    await refused(w, await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra, typ: 'JWT' }), 'invalid_request');
    const ok = await signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra });
    expect(await refused(w, ok, 'invalid_request', { 'content-type': 'application/json' })).toMatch(/Content-Type/);
    await refused(w, 'hello', 'invalid_request');
    expect(await refused(w, 'a.b.c.d.e', 'invalid_request')).toMatch(/encrypted/);
    const noEvents = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: w.key.kid, typ: 'secevent+jwt' })
      .setIssuer(w.t.issuer).setAudience(AUDIENCE).setIssuedAt().setJti(randomUUID()).sign(w.key.privateKey);
    expect(await refused(w, noEvents, 'invalid_request')).toMatch(/events/);
    const badStatus = { 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change': { previous_status: 'compliant', current_status: 'maybe' } };
    expect(await refused(w, await signSet(w.key, w.t.issuer, badStatus, { extra }), 'invalid_request')).toMatch(/current_status/);
  });

  it('requires the configured Authorization header', async () => {
    const w = await ssfWorld({ authorization: 'Bearer transmitter-push-token-0123456789' });
    const d = compliantComputer(w.mock, 3);
    const token = () => signSet(w.key, w.t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) });
    await refused(w, await token(), 'authentication_failed');
    await refused(w, await token(), 'authentication_failed', { authorization: 'Bearer transmitter-push-token-012345678' });
    expect((await w.send(await token(), { authorization: 'Bearer transmitter-push-token-0123456789' })).status).toBe(202);
    expect(w.changes).toHaveLength(1);
  });

  it('answers 503 (retry later) when the metadata names another issuer, and changes nothing', async () => {
    const key = await makeKey('ES256');
    const t = await startTransmitter([key]);
    transmitters.push(t);
    t.metadataIssuer = 'https://not-the-issuer.example';
    const w = await pushWorld({ push: { listen: '127.0.0.1:0', ssf: { issuer: t.issuer, audience: AUDIENCE } } });
    const d = compliantComputer(w.mock, 0);
    const res = await post(`${w.receiver.address.url}/ssf/events`, await signSet(key, t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid) }),
      { 'content-type': 'application/secevent+jwt' });
    expect(res.status).toBe(503);
    expect(res.json().description).toMatch(/not the configured issuer/);
    expect(t.jwksFetches).toBe(0);
    expect(w.changes).toEqual([]);
  });
});

describe('SSF poll delivery (RFC 8936)', () => {
  it('polls the transmitter, applies valid SETs, acknowledges them and reports refused ones in setErrs', async () => {
    const key = await makeKey('ES256');
    const t = await startTransmitter([key]);
    transmitters.push(t);
    const w = await pushWorld({
      push: {
        listen: '127.0.0.1:0',
        ssf: { issuer: t.issuer, audience: AUDIENCE, poll: { endpoint_url: `${t.issuer}/poll`, authorization: 'Bearer poll-token-0123456789', interval_seconds: 1 } },
      },
    });
    const d = compliantComputer(w.mock, 0);
    const good = await signSet(key, t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid), jti: 'good-1' });
    t.pollQueue.set('good-1', good);
    t.pollQueue.set('bad-aud', await signSet(key, t.issuer, complianceEvent('not-compliant'), { extra: byUdid(d.udid), jti: 'bad-aud', aud: 'https://other.example/' }));

    expect(await waitFor(() => t.pollQueue.size === 0, 10_000)).toBe(true);
    expect(w.changes.map((c) => [c.key, c.to, c.source])).toEqual([[d.udid, 'non-compliant', 'signal']]);
    // (The two may arrive in different polls: the receiver polls on its own timer.)
    expect(t.polls.some((p) => p.ack.includes('good-1'))).toBe(true);
    expect(t.polls.find((p) => p.setErrs?.['bad-aud'])?.setErrs?.['bad-aud']).toMatchObject({ err: 'invalid_audience' });
    expect(t.polls.some((p) => p.ack.includes('bad-aud'))).toBe(false);
    expect(t.polls.every((p) => p.authorization === 'Bearer poll-token-0123456789')).toBe(true);

    // The transmitter missed the ack and sends the SET again: acknowledged, applied only once.
    const before = t.polls.length;
    t.pollQueue.set('good-1', good);
    expect(await waitFor(() => t.pollQueue.size === 0 && t.polls.length > before, 10_000)).toBe(true);
    expect(w.changes).toHaveLength(1);
  }, 30_000);
});
