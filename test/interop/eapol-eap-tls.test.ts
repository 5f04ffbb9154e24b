import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { silentLogger } from '../../src/log/logger.js';
import { TLS10_11_ONLY, TLS12_ONLY, TLS13_ONLY, eapolTest, writeEapolConfig } from '../support/eapol.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// EAP-TLS proven with eapol_test (wpa_supplicant's EAP peer): TLS 1.2 and 1.3, EC and RSA client
// certificates, EC and RSA server certificates, MPPE keys checked by eapol_test itself.

let pki: TestPki;
let ec: TestServer;
let rsa: TestServer;
let dir: string;

function eapSection(server: 'serverEc' | 'serverRsa', crl = true) {
  return (c: Record<string, unknown>) => {
    c.eap = {
      methods: ['tls'],
      tls: {
        certificate: pki[server].certFile,
        private_key: pki[server].keyFile,
        ca: pki.trustedCasFile,
        crl: crl ? [pki.crl.ecFile, pki.crl.rsaFile] : [],
      },
    };
  };
}

beforeAll(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'portcullis-eapol-'));
  ec = await startTestServer(eapSection('serverEc'), { eap: createEapProvider(silentLogger()) });
  rsa = await startTestServer(eapSection('serverRsa'), { eap: createEapProvider(silentLogger()) });
});
afterAll(async () => {
  await ec?.stop();
  await rsa?.stop();
});

const tls = (name: string, client: keyof TestPki['clients'], phase1: string) =>
  writeEapolConfig(dir, name, { eap: 'TLS', identity: `host/${pki.clients[client].udid}`, caFile: pki.trustedCasFile, client: pki.clients[client], phase1 });

function lastAuthLog(t: TestServer): { user_name: string; result: string; reason: string; method: string; details: string } {
  t.server.flushAuthLog();
  return t.server.db.prepare('SELECT * FROM auth_log ORDER BY id DESC LIMIT 1').get() as never;
}

describe('EAP-TLS with eapol_test', () => {
  it('TLS 1.2, EC client certificate: success, MPPE keys OK, the auth log names the UDID', async () => {
    const r = await eapolTest(tls('ec12', 'ec', TLS12_ONLY), ec.authPort, TEST_SECRET);
    expect(r.success).toBe(true);
    expect(r.mppeOk).toBe(true);
    await new Promise((res) => setTimeout(res, 50));
    const log = lastAuthLog(ec);
    expect(log).toMatchObject({ result: 'accept', method: 'eap-tls', user_name: pki.clients.ec.udid });
    expect(JSON.parse(log.details)).toMatchObject({ udid: pki.clients.ec.udid, tlsVersion: 'TLSv1.2' });
  });

  it('TLS 1.3, EC client certificate: success, MPPE keys OK', async () => {
    const r = await eapolTest(tls('ec13', 'ec', TLS13_ONLY), ec.authPort, TEST_SECRET);
    expect(r.success).toBe(true);
    expect(r.mppeOk).toBe(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(JSON.parse(lastAuthLog(ec).details)).toMatchObject({ tlsVersion: 'TLSv1.3' });
  });

  it('RSA client certificate, with the EC and with the RSA server certificate, TLS 1.2 and 1.3', async () => {
    for (const [server, phase1] of [[ec, TLS12_ONLY], [ec, TLS13_ONLY], [rsa, TLS12_ONLY], [rsa, TLS13_ONLY]] as const) {
      const r = await eapolTest(tls(`rsa-${server.authPort}-${phase1.length}`, 'rsa', phase1), server.authPort, TEST_SECRET);
      expect(r.success, r.stdout.slice(-2000)).toBe(true);
      expect(r.mppeOk).toBe(true);
    }
  });

  it('EC client certificate against the RSA server certificate', async () => {
    const r = await eapolTest(tls('ec-rsasrv', 'ec', TLS12_ONLY), rsa.authPort, TEST_SECRET);
    expect(r.success).toBe(true);
    expect(r.mppeOk).toBe(true);
  });

  const negatives: [string, keyof TestPki['clients'], RegExp][] = [
    ['an expired certificate', 'expired', /expired/i],
    ['a certificate from an untrusted CA', 'untrusted', /not issued by a trusted CA|unable to verify|untrusted/i],
    ['a revoked certificate (CRL)', 'revoked', /revoked/i],
    ['a certificate without the clientAuth EKU', 'serverAuthOnly', /extended key usage|EKU|purpose/i],
  ];
  for (const [what, client, reason] of negatives) {
    it(`rejects ${what} with Access-Reject and the reason in the auth log`, async () => {
      const r = await eapolTest(tls(`neg-${client}`, client, TLS12_ONLY), ec.authPort, TEST_SECRET);
      expect(r.success).toBe(false);
      expect(r.accessReject).toBe(true);
      await new Promise((res) => setTimeout(res, 50));
      const log = lastAuthLog(ec);
      expect(log.result).toBe('reject');
      expect(log.reason).toMatch(reason);
    });
  }

  it('refuses a TLS 1.0/1.1-only client', async () => {
    const r = await eapolTest(tls('tls10', 'ec', `${TLS10_11_ONLY} tls_openssl_seclevel=0`), ec.authPort, TEST_SECRET);
    expect(r.success).toBe(false);
    expect(r.accessReject).toBe(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(lastAuthLog(ec).reason).toMatch(/protocol|version/i);
  });
});
