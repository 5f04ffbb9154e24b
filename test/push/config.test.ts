// The push: section in the config file: plain HTTP is refused off loopback, unsafe algorithms and Jamf-forbidden
// header names are refused with a reason, secrets come from env/file; and the HTTPS listener works.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { defaultMetadataUrl, isLoopback, parsePushSection } from '../../src/push/index.js';
import { makeTestPki } from '../support/pki.js';
import { WEBHOOK_PASSWORD, WEBHOOK_USER, basic, closeWorlds, post, pushWorld, tempDir } from './support.js';

afterEach(closeWorlds);

function configText(push: unknown, withJamf = true): { text: string; file: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'jamf-secret'), 'jamf-secret-value\n');
  writeFileSync(join(dir, 'hook-password'), `${WEBHOOK_PASSWORD}\n`);
  const doc: Record<string, unknown> = { store: { path: join(dir, 'p.db') } };
  if (withJamf) doc.jamf = { url: 'https://jamf.example', client_id: 'nac', client_secret: { file: 'jamf-secret' }, computer_groups: ['Compliant Macs'] };
  doc.push = push;
  return { text: stringify(doc), file: join(dir, 'portcullis.yaml') };
}

function problems(push: unknown, withJamf = true): string {
  const { text, file } = configText(push, withJamf);
  try {
    parseConfig(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('config was accepted');
}

const hook = { auth: { basic: { username: WEBHOOK_USER, password: { file: 'hook-password' } } } };

describe('push: config', () => {
  it('refuses plain HTTP on a non-loopback address, with a clear reason', () => {
    expect(problems({ listen: '0.0.0.0:8443', jamf_webhook: hook })).toMatch(
      /push\.tls: push\.listen 0\.0\.0\.0:8443 is not a loopback address, so push\.tls \(certificate, private_key\) is required/,
    );
    expect(problems({ jamf_webhook: hook })).toMatch(/push\.tls: .*required/); // the default listen is 0.0.0.0:8443
    expect(problems({ listen: '[::]:8443', jamf_webhook: hook })).toMatch(/push\.tls/);
  });

  it('accepts loopback without TLS and resolves the webhook secret from its file', () => {
    const { text, file } = configText({ listen: '127.0.0.1:8080', jamf_webhook: hook });
    const c = parseConfig(text, file);
    expect(c.push?.listen).toEqual({ address: '127.0.0.1', port: 8080 });
    const auth = c.push?.jamfWebhook?.auth;
    expect(auth?.kind === 'basic' && auth.password.reveal().toString()).toBe(WEBHOOK_PASSWORD);
    expect(JSON.stringify(c.push)).not.toContain(WEBHOOK_PASSWORD);
    expect(c.push?.jamfWebhook).toMatchObject({ replayTtlMs: 3_600_000, maxDevicesPerEvent: 200 });
  });

  it('needs the jamf: section, and something to receive', () => {
    expect(problems({ listen: '127.0.0.1:8080', jamf_webhook: hook }, false)).toMatch(/push: needs a jamf: section/);
    expect(problems({ listen: '127.0.0.1:8080' })).toMatch(/configure jamf_webhook, ssf or both/);
  });

  it('refuses none, HS* and unknown algorithms, and a metadata URL that is not https', () => {
    const ssf = (extra: Record<string, unknown>) => ({ listen: '127.0.0.1:0', ssf: { issuer: 'https://ssf.jamf.example', audience: 'https://nac.example', ...extra } });
    expect(problems(ssf({ algorithms: ['none'] }))).toMatch(/"none" means unsigned/);
    expect(problems(ssf({ algorithms: ['ES256', 'HS256'] }))).toMatch(/HS256 is a shared-secret algorithm/);
    expect(problems(ssf({ algorithms: ['XYZ'] }))).toMatch(/"XYZ" is not a JWS signature algorithm/);
    expect(problems(ssf({ metadata_url: 'http://ssf.jamf.example/.well-known/ssf-configuration' }))).toMatch(/push\.ssf\.metadata_url: must be an https:\/\/ URL/);
    expect(problems(ssf({ jwks_uri: 'http://keys.example/jwks' }))).toMatch(/push\.ssf\.jwks_uri/);
    expect(problems(ssf({ poll: { endpoint_url: 'http://ssf.jamf.example/poll' } }))).toMatch(/push\.ssf\.poll\.endpoint_url: must be an https/);
  });

  it('webhook auth: exactly one kind, no header Jamf refuses, no short secret', () => {
    expect(problems({ listen: '127.0.0.1:0', jamf_webhook: { auth: { basic: hook.auth.basic, header: { name: 'X-T', value: 'v'.repeat(20) } } } }))
      .toMatch(/exactly one of basic/);
    expect(problems({ listen: '127.0.0.1:0', jamf_webhook: { auth: { header: { name: 'Content-Type', value: 'v'.repeat(20) } } } }))
      .toMatch(/Jamf does not allow/);
    expect(problems({ listen: '127.0.0.1:0', jamf_webhook: { auth: { basic: { username: 'jamf', password: 'short' } } } }))
      .toMatch(/shorter than 16 characters/);
    expect(problems({ listen: '127.0.0.1:0', jamf_webhook: { auth: { basic: { username: 'jamf', password: { env: 'PORTCULLIS_TEST_UNSET_VAR' } } } } }))
      .toMatch(/PORTCULLIS_TEST_UNSET_VAR is not set/);
  });

  it('the commented push: block in config.example.yaml is valid once uncommented', () => {
    const lines = readFileSync(join(import.meta.dirname, '../../config.example.yaml'), 'utf8').split('\n');
    const start = lines.indexOf('# push:');
    expect(start).toBeGreaterThan(0);
    const block: string[] = [];
    for (const l of lines.slice(start)) {
      if (!l.startsWith('#')) break;
      block.push(l.slice(2));
    }
    process.env.PORTCULLIS_WEBHOOK_PASSWORD = 'example-password-0123456789';
    try {
      const raw = (parse(block.join('\n')) as { push: unknown }).push;
      const s = parsePushSection(raw, tempDir());
      expect(s.listen).toEqual({ address: '0.0.0.0', port: 8443 });
      expect(s.tls?.certificate).toMatch(/push\.pem$/);
      expect(s.jamfWebhook?.auth.kind).toBe('basic');
      expect(s.ssf).toMatchObject({ issuer: 'https://ssf.transmitter.example', audience: ['https://portcullis.example:8443'], clockSkewSeconds: 60 });
    } finally {
      delete process.env.PORTCULLIS_WEBHOOK_PASSWORD;
    }
  });

  it('derives the SSF metadata URL from the issuer (RFC 8414 style: well-known before the path)', () => {
    expect(defaultMetadataUrl('https://ssf.example.com')).toBe('https://ssf.example.com/.well-known/ssf-configuration');
    expect(defaultMetadataUrl('https://ssf.example.com/tenants/acme/')).toBe('https://ssf.example.com/.well-known/ssf-configuration/tenants/acme');
    expect([isLoopback('127.0.0.1'), isLoopback('::1'), isLoopback('[::1]'), isLoopback('0.0.0.0'), isLoopback('10.0.0.1'), isLoopback('::')])
      .toEqual([true, true, true, false, false, false]);
  });
});

describe('push listener over HTTPS', () => {
  it('serves the webhook route with the configured certificate', async () => {
    const pki = makeTestPki();
    const w = await pushWorld({
      push: {
        listen: '127.0.0.1:0',
        tls: { certificate: pki.serverEc.certFile, private_key: pki.serverEc.keyFile },
        jamf_webhook: { auth: { basic: { username: WEBHOOK_USER, password: WEBHOOK_PASSWORD } } },
      },
    });
    expect(w.receiver.address.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = JSON.stringify({ webhook: { eventTimestamp: 1, id: 1, name: 'x', webhookEvent: 'JSSStartup' }, event: {} });
    // The certificate names radius.test; the connection goes to 127.0.0.1, so check the name explicitly.
    const url = w.webhookUrl;
    const ok = await postTls(url, body, basic(), pki.ecCa.cert);
    expect(ok).toBe(202);
    expect(await postTls(url, body, basic(WEBHOOK_USER, 'wrong-password-0123456789'), pki.ecCa.cert)).toBe(401);
    await expect(post(url.replace('https:', 'http:'), body, basic())).rejects.toThrow();
  });
});

async function postTls(url: string, body: string, headers: Record<string, string>, ca: string): Promise<number> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, ca, servername: 'radius.test' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
