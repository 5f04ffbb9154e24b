import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePacket, verifyMessageAuthenticator, verifyResponseAuthenticator } from '../../src/radius/index.js';
import { radclient } from '../support/peers.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';
import { accessRequest, exchange } from '../support/udp-client.js';

// Proven against radclient (freeradius-utils), a RADIUS client we did not write.

const MAB = (mac: string, withMa = true) =>
  `User-Name = "${mac}"\nUser-Password = "${mac}"\nCalling-Station-Id = "${mac.toUpperCase().match(/../g)!.join('-')}"\n` +
  `NAS-Port-Type = Ethernet\nService-Type = Call-Check\n${withMa ? 'Message-Authenticator = 0x00\n' : ''}`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer((c) => {
    (c.clients as unknown[]).push({ name: 'legacy-switch', address: '127.0.0.2', secret: 'legacy-secret-123', require_message_authenticator: false });
  });
});
afterAll(() => t.stop());

describe('MAB with radclient', () => {
  it('accepts a listed MAC, with Message-Authenticator in the reply', async () => {
    const r = await radclient(t.authPort, 'auth', TEST_SECRET, MAB('020000008002'));
    expect(r.stdout).toContain('Received Access-Accept');
    expect(r.stdout).toMatch(/Message-Authenticator = 0x[0-9a-f]{32}/);
    expect(r.code).toBe(0);
  });

  it('rejects an unknown MAC', async () => {
    const r = await radclient(t.authPort, 'auth', TEST_SECRET, MAB('0200000000ff'));
    expect(r.stdout).toContain('Received Access-Reject');
  });

  it('drops an Access-Request without Message-Authenticator (BlastRADIUS) and counts it', async () => {
    const before = t.server.auth.counters.dropped.missing_message_authenticator;
    const r = await radclient(t.authPort, 'auth', TEST_SECRET, MAB('020000008002', false));
    expect(r.stdout).not.toContain('Received');
    expect(r.stdout).toMatch(/No reply from server/);
    expect(t.server.auth.counters.dropped.missing_message_authenticator).toBe(before + 1);
  });

  it('answers without Message-Authenticator when the client is configured not to require it', async () => {
    const packet = accessRequest('legacy-secret-123', '020000008002', '020000008002', { withMa: false });
    const fromLegacy = await exchange(t.authPort, [packet], 300, 0, '127.0.0.2');
    expect(fromLegacy).toHaveLength(1);
    expect(decodePacket(fromLegacy[0]).code).toBe(2);
    // The same packet from 127.0.0.1 (lab-switch, which requires it) is dropped.
    const fromStrict = await exchange(t.authPort, [accessRequest(TEST_SECRET, '020000008002', '020000008002', { withMa: false })]);
    expect(fromStrict).toHaveLength(0);
  });
});

describe('PAP, Status-Server and secrets with radclient', () => {
  it('accepts the right password and rejects a wrong one', async () => {
    const ok = await radclient(t.authPort, 'auth', TEST_SECRET, 'User-Name = "testuser"\nUser-Password = "testpass"\nMessage-Authenticator = 0x00\n');
    expect(ok.stdout).toContain('Received Access-Accept');
    const bad = await radclient(t.authPort, 'auth', TEST_SECRET, 'User-Name = "testuser"\nUser-Password = "nope"\nMessage-Authenticator = 0x00\n');
    expect(bad.stdout).toContain('Received Access-Reject');
  });

  it('answers Status-Server on the auth and the accounting port', async () => {
    const auth = await radclient(t.authPort, 'status', TEST_SECRET, 'Message-Authenticator = 0x00\n');
    expect(auth.stdout).toContain('Received Access-Accept');
    const acct = await radclient(t.acctPort, 'status', TEST_SECRET, 'Message-Authenticator = 0x00\n');
    expect(acct.stdout).toContain('Received Accounting-Response');
  });

  it('gives no answer to an address that is not a configured client, and counts it', async () => {
    const before = t.server.auth.counters.dropped.unknown_client;
    const replies = await exchange(t.authPort, [accessRequest(TEST_SECRET, '020000008002', 'x')], 300, 0, '127.0.0.9');
    expect(replies).toHaveLength(0);
    expect(t.server.auth.counters.dropped.unknown_client).toBe(before + 1);
  });

  it('gives no answer to a wrong shared secret, and counts it', async () => {
    const before = t.server.auth.counters.dropped.bad_authenticator;
    const r = await radclient(t.authPort, 'auth', 'not-the-secret', MAB('020000008002'));
    expect(r.stdout).not.toContain('Received');
    expect(t.server.auth.counters.dropped.bad_authenticator).toBe(before + 1);
  });
});

describe('RFC 5080 duplicate detection', () => {
  it('answers a retransmission from the cache: same bytes, handler ran once', async () => {
    const packet = accessRequest(TEST_SECRET, 'testuser', 'testpass', { id: 77 });
    t.server.flushAuthLog();
    const logBefore = t.server.db.prepare('SELECT count(*) AS n FROM auth_log').get() as { n: number };
    const replies = await exchange(t.authPort, [packet, packet], 300, 100);
    expect(replies).toHaveLength(2);
    expect(replies[1].equals(replies[0])).toBe(true);
    const req = decodePacket(packet);
    expect(verifyResponseAuthenticator(replies[0], req.authenticator, Buffer.from(TEST_SECRET))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    t.server.flushAuthLog();
    const logAfter = t.server.db.prepare('SELECT count(*) AS n FROM auth_log').get() as { n: number };
    expect(logAfter.n - logBefore.n).toBe(1);
    expect(t.server.auth.counters.duplicatesAnswered).toBeGreaterThanOrEqual(1);
  });

  it('treats the same Identifier with a new authenticator as a new request', async () => {
    const a = accessRequest(TEST_SECRET, 'testuser', 'testpass', { id: 78 });
    const b = accessRequest(TEST_SECRET, 'testuser', 'testpass', { id: 78 });
    const replies = await exchange(t.authPort, [a, b], 300, 50);
    expect(replies).toHaveLength(2);
    expect(replies[0].equals(replies[1])).toBe(false);
  });

  it('puts Message-Authenticator first and valid in every Access-Accept and Access-Reject', async () => {
    for (const [user, pass] of [['testuser', 'testpass'], ['testuser', 'wrong'], ['020000008002', 'x'], ['0200000000fe', 'x']]) {
      const packet = accessRequest(TEST_SECRET, user, pass);
      const [reply] = await exchange(t.authPort, [packet], 200);
      const p = decodePacket(reply);
      expect([2, 3]).toContain(p.code);
      expect(p.attributes[0].type).toBe(80);
      expect(verifyMessageAuthenticator(reply, p.messageAuthenticatorOffset, Buffer.from(TEST_SECRET), decodePacket(packet).authenticator)).toBe(true);
    }
  });
});
