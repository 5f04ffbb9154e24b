// TLS to Jamf: system CAs by default, a custom CA file, and verification off (explicit, with a warning).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JamfError } from '../../src/jamf/errors.js';
import { JamfHttp } from '../../src/jamf/http.js';
import { JamfStub, captureLogger, stubConfig, tokenIssuer } from './stub.js';

let dir: string;
let stub: JamfStub;
const ok = z.object({ ok: z.boolean() });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jamf-tls-'));
  // A throw-away CA and a server certificate for 127.0.0.1.
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Jamf CA');
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=jamf.test');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  const token = tokenIssuer();
  stub = await JamfStub.start((r) => token(r) ?? { json: { ok: true } }, { cert: readFileSync(join(dir, 'server.pem'), 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8') });
}, 30_000);

afterAll(async () => {
  await stub?.close();
});

describe('TLS verification of the Jamf server', () => {
  it('refuses a server the system CAs do not trust, with a hint to set ca_file', async () => {
    const http = new JamfHttp(stubConfig(stub.url, { retry: { limit: 0 } }), { logger: captureLogger().logger });
    const err = await http.get('api/v1/a', ok).catch((e: unknown) => e as JamfError);
    http.close();
    expect(err).toBeInstanceOf(JamfError);
    expect((err as JamfError).kind).toBe('tls');
    expect((err as JamfError).message).toMatch(/^Jamf POST api\/oauth\/token: UNABLE_TO_VERIFY_LEAF_SIGNATURE \(hint: the certificate of 127\.0\.0\.1:\d+ is not trusted: set jamf\.tls\.ca_file to the CA that signed it\)$/);
  });

  it('trusts the server with the CA from tls.ca_file', async () => {
    const log = captureLogger();
    const http = new JamfHttp(stubConfig(stub.url, { tls: { ca_file: join(dir, 'ca.pem') } }), { logger: log.logger });
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    http.close();
    expect(log.lines.filter((l) => l.includes('"level":40'))).toEqual([]);
  });

  it('connects with verification off, and warns about it', async () => {
    const log = captureLogger();
    const http = new JamfHttp(stubConfig(stub.url, { tls: { verify: false } }), { logger: log.logger });
    expect(await http.get('api/v1/a', ok)).toEqual({ ok: true });
    http.close();
    expect(log.lines.filter((l) => l.includes('"level":40')).map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      `jamf.tls.verify is false: the certificate of ${stub.url} is NOT checked; anyone in the path can read the client secret and forge device posture`,
    ]);
  });
});
