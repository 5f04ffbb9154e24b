import bcrypt from 'bcryptjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { TLS12_ONLY, eapolTest, writeEapolConfig, type EapolNetwork, type EapolOutcome } from '../support/eapol.js';
import { radclient } from '../support/peers.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// EAP-TTLS/PAP and PEAPv0/EAP-MSCHAPv2 proven with eapol_test (wpa_supplicant 2.10's peer code):
// MPPE keys checked by eapol_test itself, anonymous outer identity, inner identity in the auth log.
// The server offers the default method list (tls, ttls, peap), so each run pays one NAK round trip,
// as against FreeRADIUS with default_eap_type = tls (anchors/freeradius: TTLS 6, PEAP 10).

let pki: TestPki;
let srv: TestServer;
let dir: string;

beforeAll(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'portcullis-eapol-tunnels-'));
  srv = await startTestServer(
    (c) => {
      c.users = [
        { name: 'testuser', password: 'testpass' },
        { name: 'hashuser', password_hash: bcrypt.hashSync('hashed secret', 6) },
        { name: 'ntuser', nt_hash: '8846F7EAEE8FB117AD06BDD830B7586C' }, // NT hash of "password"
      ];
      c.eap = { tls: { certificate: pki.serverEc.certFile, private_key: pki.serverEc.keyFile, ca: pki.trustedCasFile } };
    },
    { eap: createEapProvider(silentLogger()) },
  );
});
afterAll(async () => {
  await srv?.stop();
});

const ttls = (name: string, identity: string, password: string, extra: Partial<EapolNetwork> = {}) =>
  writeEapolConfig(dir, name, { eap: 'TTLS', identity, anonymousIdentity: 'anonymous', password, caFile: pki.trustedCasFile, phase1: TLS12_ONLY, phase2: 'auth=PAP', ...extra });
const peap = (name: string, identity: string, password: string, extra: Partial<EapolNetwork> = {}) =>
  writeEapolConfig(dir, name, { eap: 'PEAP', identity, anonymousIdentity: 'anonymous', password, caFile: pki.trustedCasFile, phase1: `peapver=0 ${TLS12_ONLY}`, phase2: 'auth=MSCHAPV2', ...extra });

interface AuthLogRow {
  user_name: string;
  result: string;
  reason: string;
  method: string;
  details: string;
}

function authLogRows(): number {
  return (srv.server.db.prepare('SELECT count(*) AS n FROM auth_log').get() as { n: number }).n;
}

/** Runs eapol_test and returns its outcome with the auth log entry it produced (written within ~200 ms). */
async function authenticate(configFile: string): Promise<{ r: EapolOutcome; log: AuthLogRow | undefined }> {
  const before = authLogRows();
  const r = await eapolTest(configFile, srv.authPort, TEST_SECRET);
  for (let i = 0; i < 100 && authLogRows() === before; i++) await new Promise((res) => setTimeout(res, 20));
  const log = srv.server.db.prepare('SELECT * FROM auth_log ORDER BY id DESC LIMIT 1').get() as AuthLogRow | undefined;
  return { r, log };
}

describe('EAP-TTLS/PAP with eapol_test', () => {
  it('succeeds with MPPE keys OK; the auth log names the inner user, not the anonymous outer identity', async () => {
    const { r, log } = await authenticate(ttls('ttls-pap', 'testuser', 'testpass'));
    expect(r.success, r.stdout.slice(-3000)).toBe(true);
    expect(r.mppeOk).toBe(true);
    expect(r.stdout).toMatch(/EAP-TTLS: Derived key - hexdump\(len=64\)/);
    // Identity, NAK, ClientHello, ACK of the first server fragment (the EC server flight is > 1024
    // octets), Finished, AVPs: 6, as FreeRADIUS.
    expect(r.roundTrips).toBe(6);
    expect(log).toMatchObject({ result: 'accept', method: 'eap-ttls', user_name: 'testuser' });
    expect(JSON.parse(log!.details)).toMatchObject({ identity: 'testuser', innerIdentity: 'testuser', outerIdentity: 'anonymous', tlsVersion: 'TLSv1.2' });
  });

  it('stays on TLS 1.2 when the supplicant also enables TLS 1.3', async () => {
    const { r, log } = await authenticate(ttls('ttls-13', 'testuser', 'testpass', { phase1: 'tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=0' }));
    expect(r.success, r.stdout.slice(-3000)).toBe(true);
    expect(r.mppeOk).toBe(true);
    expect(JSON.parse(log!.details)).toMatchObject({ tlsVersion: 'TLSv1.2' });
  });

  it('a bcrypt password_hash user succeeds', async () => {
    const { r, log } = await authenticate(ttls('ttls-bcrypt', 'hashuser', 'hashed secret'));
    expect(r.success, r.stdout.slice(-3000)).toBe(true);
    expect(r.mppeOk).toBe(true);
    expect(log).toMatchObject({ result: 'accept', user_name: 'hashuser' });
  });

  it('wrong password: Access-Reject, reason in the auth log', async () => {
    const { r, log } = await authenticate(ttls('ttls-bad', 'testuser', 'wrongpass'));
    expect(r.success).toBe(false);
    expect(r.accessReject).toBe(true);
    expect(r.roundTrips).toBe(6);
    expect(log).toMatchObject({ result: 'reject', method: 'eap-ttls', reason: 'inner user "testuser": wrong password' });
  });

  it('inner EAP-MSCHAPv2 also works, with MPPE keys OK', async () => {
    const { r, log } = await authenticate(ttls('ttls-eap-mschapv2', 'testuser', 'testpass', { phase2: 'autheap=MSCHAPV2' }));
    expect(r.success, r.stdout.slice(-3000)).toBe(true);
    expect(r.mppeOk).toBe(true);
    expect(log).toMatchObject({ result: 'accept', method: 'eap-ttls', user_name: 'testuser' });
  });
});

describe('PEAPv0/EAP-MSCHAPv2 with eapol_test', () => {
  it('succeeds with MPPE keys OK; the auth log names the inner user', async () => {
    const { r, log } = await authenticate(peap('peap', 'testuser', 'testpass'));
    expect(r.success, r.stdout.slice(-3000)).toBe(true);
    expect(r.mppeOk).toBe(true);
    expect(r.stdout).toMatch(/EAP-PEAP: Derived key - hexdump\(len=64\)/);
    // Identity, NAK, ClientHello, fragment ACK, Finished, ACK → inner Identity, Identity → Challenge,
    // Response → Success request, Success ack → Result TLV, Result echo → Accept: 10, as FreeRADIUS.
    expect(r.roundTrips).toBe(10);
    expect(log).toMatchObject({ result: 'accept', method: 'peap', user_name: 'testuser' });
    expect(JSON.parse(log!.details)).toMatchObject({ innerIdentity: 'testuser', outerIdentity: 'anonymous', tlsVersion: 'TLSv1.2' });
  });

  it('an nt_hash user succeeds', async () => {
    const { r, log } = await authenticate(peap('peap-nt', 'ntuser', 'password'));
    expect(r.success, r.stdout.slice(-3000)).toBe(true);
    expect(r.mppeOk).toBe(true);
    expect(log).toMatchObject({ result: 'accept', user_name: 'ntuser' });
  });

  it('wrong password: MSCHAPv2 E=691, Result TLV failure, Access-Reject with the reason', async () => {
    const { r, log } = await authenticate(peap('peap-bad', 'testuser', 'wrongpass'));
    expect(r.success).toBe(false);
    expect(r.accessReject).toBe(true);
    expect(r.stdout).toMatch(/EAP-MSCHAPV2: failure message: .*error 691/);
    expect(r.stdout).toMatch(/EAP-TLV: TLV Result - Failure/);
    expect(log).toMatchObject({ result: 'reject', method: 'peap', reason: 'inner user "testuser": wrong password' });
  });

  it('a bcrypt-only user is refused with a reason that says why', async () => {
    const { r, log } = await authenticate(peap('peap-bcrypt', 'hashuser', 'hashed secret'));
    expect(r.accessReject).toBe(true);
    expect(log?.reason).toMatch(/only a password_hash; MSCHAPv2 needs a clear password or an nt_hash/);
  });
});

describe('plain RADIUS PAP against the same users (radclient)', () => {
  const pap = (user: string, password: string) => `User-Name = "${user}"\nUser-Password = "${password}"\nMessage-Authenticator = 0x00\n`;

  it('checks a bcrypt password_hash and an nt_hash', async () => {
    expect((await radclient(srv.authPort, 'auth', TEST_SECRET, pap('hashuser', 'hashed secret'))).stdout).toContain('Received Access-Accept');
    expect((await radclient(srv.authPort, 'auth', TEST_SECRET, pap('hashuser', 'hashed secreT'))).stdout).toContain('Received Access-Reject');
    expect((await radclient(srv.authPort, 'auth', TEST_SECRET, pap('ntuser', 'password'))).stdout).toContain('Received Access-Accept');
    expect((await radclient(srv.authPort, 'auth', TEST_SECRET, pap('ntuser', 'Password'))).stdout).toContain('Received Access-Reject');
  });
});
