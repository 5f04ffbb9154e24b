import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEapProvider } from '../../src/server/eap-wiring.js';
import { TLS12_ONLY, TLS13_ONLY, eapolTest, writeEapolConfig } from '../support/eapol.js';
import { makeTestPki, type TestPki } from '../support/pki.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// EAP-TLS session resumption with eapol_test (wpa_supplicant 2.10): `-r 2` re-authenticates twice in
// one run, and wpa_supplicant offers its TLS session again each time. TLS 1.2 sessions come back by
// session ID (wpa_supplicant refuses tickets for EAP-TLS), which portcullis answers without OpenSSL
// (src/eap/tls/fast-resumption.ts); eapol_test checks the MPPE keys of every authentication.

let pki: TestPki;
/** Defaults: no stateless tickets. */
let server: TestServer;
/** eap.tls.resumption.tickets: true */
let withTickets: TestServer;
let dir: string;
/** The EAP layer's debug lines (JSON), to see which resumptions skipped OpenSSL. */
const logLines: string[] = [];
const fastResumptions = () => logLines.filter((l) => l.includes('"msg":"TLS 1.2 session-ID resumption answered without OpenSSL"')).length;

const start = (tickets?: boolean) =>
  startTestServer(
    (c) => {
      c.eap = {
        methods: ['tls'],
        tls: {
          certificate: pki.serverEc.certFile,
          private_key: pki.serverEc.keyFile,
          ca: pki.trustedCasFile,
          crl: [pki.crl.ecFile, pki.crl.rsaFile],
          ...(tickets === undefined ? {} : { resumption: { tickets } }),
        },
      };
    },
    { eap: createEapProvider(pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) })) },
  );

beforeAll(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'portcullis-eapol-resume-'));
  server = await start();
  withTickets = await start(true);
});
afterAll(async () => {
  await server?.stop();
  await withTickets?.stop();
});

function authLog(t: TestServer, limit: number): { result: string; reason: string; details: string }[] {
  t.server.flushAuthLog();
  return t.server.db.prepare('SELECT result, reason, details FROM auth_log ORDER BY id DESC LIMIT ?').all(limit) as never;
}

const handshakes = (stdout: string) => (stdout.match(/OpenSSL: Handshake finished - resumed=\d/g) ?? []).map((l) => l.endsWith('1'));

describe('EAP-TLS resumption with eapol_test', () => {
  it.each([
    ['TLS 1.2 (session ID, answered without OpenSSL)', () => server, TLS12_ONLY, 'TLSv1.2', 'ec'],
    ['TLS 1.2 (session ID, answered without OpenSSL), RSA client certificate', () => server, TLS12_ONLY, 'TLSv1.2', 'rsa'],
    ['TLS 1.2 with tickets: true (wpa_supplicant still resumes by session ID)', () => withTickets, TLS12_ONLY, 'TLSv1.2', 'ec'],
    ['TLS 1.3 with tickets: true (stateless ticket)', () => withTickets, TLS13_ONLY, 'TLSv1.3', 'ec'],
  ] as const)('%s: the re-authentications resume, with the device identity and MPPE keys OK', async (_what, target, phase1, version, client) => {
    const t = target();
    const fastBefore = fastResumptions();
    const conf = writeEapolConfig(dir, `resume-${client}-${version}-${t.authPort}`, { eap: 'TLS', identity: `host/${pki.clients[client].udid}`, caFile: pki.trustedCasFile, client: pki.clients[client], phase1 });
    const r = await eapolTest(conf, t.authPort, TEST_SECRET, ['-r', '2']);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    // wpa_supplicant logs "Handshake finished" once more per TLS 1.3 ticket it reads: count the distinct verdicts.
    const verdicts = handshakes(r.stdout);
    expect(verdicts[0]).toBe(false);
    expect(verdicts.filter(Boolean)).toHaveLength(version === 'TLSv1.3' ? verdicts.length - 2 : 2);
    expect(r.stdout).toMatch(/MPPE keys OK: 3 {2}mismatch: 0/);
    expect(fastResumptions() - fastBefore).toBe(version === 'TLSv1.2' ? 2 : 0);
    await new Promise((res) => setTimeout(res, 50));
    const rows = authLog(t, 3).reverse();
    expect(rows.map((row) => row.result)).toEqual(['accept', 'accept', 'accept']);
    expect(rows.map((row) => JSON.parse(row.details).resumed)).toEqual([false, true, true]);
    expect(rows[1]!.reason).toMatch(/^EAP success \(resumed session\)/);
    for (const row of rows) expect(JSON.parse(row.details)).toMatchObject({ udid: pki.clients[client].udid, tlsVersion: version });
  });

  it('TLS 1.3 without stateless tickets: wpa_supplicant (no legacy session ID) gets a full handshake each time, and succeeds', async () => {
    // Node only asks for a stored session when the ClientHello has a legacy session ID; wpa_supplicant
    // sends none, so its TLS 1.3 stateful ticket cannot be looked up (BENCHMARKS.md, tickets knob).
    const conf = writeEapolConfig(dir, 'resume-13-noticket', { eap: 'TLS', identity: `host/${pki.clients.ec.udid}`, caFile: pki.trustedCasFile, client: pki.clients.ec, phase1: TLS13_ONLY });
    const r = await eapolTest(conf, server.authPort, TEST_SECRET, ['-r', '1']);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    expect(handshakes(r.stdout).some(Boolean)).toBe(false);
    expect(r.stdout).toMatch(/MPPE keys OK: 2 {2}mismatch: 0/);
  });
});
