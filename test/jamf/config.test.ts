// The `jamf:` config section: defaults, validation messages, secrets by reference, start-up warnings.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseJamfSection } from '../../src/jamf/config.js';
import { JamfHttp } from '../../src/jamf/http.js';
import { CLIENT_SECRET, SECRET_ENV, captureLogger } from './stub.js';

const base = { url: 'https://acme.jamfcloud.com', client_id: 'nac-client', client_secret: { env: SECRET_ENV }, computer_groups: ['Compliant Macs'] };

function problems(raw: Record<string, unknown>): string[] {
  process.env[SECRET_ENV] = CLIENT_SECRET;
  try {
    parseJamfSection(raw, '/etc/portcullis');
  } catch (err) {
    return (err as Error).message.split('\n');
  }
  throw new Error('accepted');
}

describe('jamf config section', () => {
  it('fills in the defaults', () => {
    process.env[SECRET_ENV] = CLIENT_SECRET;
    const { config, warnings } = parseJamfSection({ ...base, mobile_device_groups: ['Compliant iPhones', 'Compliant iPads'] }, '/');
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      url: 'https://acme.jamfcloud.com',
      clientId: 'nac-client',
      computerGroups: ['Compliant Macs'],
      mobileGroups: ['Compliant iPhones', 'Compliant iPads'],
      pollIntervalSeconds: 7200,
      tls: { verify: true },
      maxConcurrency: 5,
      pageSize: 1000,
      timeouts: { connectMs: 10_000, requestMs: 60_000 },
      retry: { limit: 4, backoffMs: 1000, maxBackoffMs: 30_000, maxRetryAfterMs: 120_000 },
    });
    expect(config.clientSecret.reveal().toString()).toBe(CLIENT_SECRET);
    expect(config.clientSecret.source).toBe(`env ${SECRET_ENV}`);
  });

  it('removes a trailing "/" from the URL with a warning', () => {
    process.env[SECRET_ENV] = CLIENT_SECRET;
    const { config, warnings } = parseJamfSection({ ...base, url: 'https://jamf.example.com:8443/jamf//' }, '/');
    expect(config.url).toBe('https://jamf.example.com:8443/jamf');
    expect(warnings).toEqual(['jamf.url: trailing "/" removed (https://jamf.example.com:8443/jamf)']);
  });

  it('reads the client secret from a file next to the config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jamf-cfg-'));
    writeFileSync(join(dir, 'jamf.secret'), `${CLIENT_SECRET}\n`);
    const { config } = parseJamfSection({ ...base, client_secret: { file: 'jamf.secret' } }, dir);
    expect(config.clientSecret.reveal().toString()).toBe(CLIENT_SECRET);
    expect(config.clientSecret.source).toBe(`file ${join(dir, 'jamf.secret')}`);
  });

  it('never holds the secret in the config text, and never prints it', () => {
    expect(problems({ ...base, client_secret: 'hunter2-inline' })).toEqual([
      'jamf.client_secret: must be {env: VARIABLE} or {file: /path/to/secret} (the client secret is not written in the config file)',
    ]);
    process.env[SECRET_ENV] = CLIENT_SECRET;
    const { config } = parseJamfSection(base, '/');
    expect(`${inspect(config)} ${JSON.stringify(config)} ${String(config.clientSecret)}`).not.toContain(CLIENT_SECRET);
  });

  it('reports every problem with its key', () => {
    expect(problems({ ...base, client_secret: { env: 'PORTCULLIS_TEST_UNSET_VAR' }, url: 'ftp://jamf.example.com?x=1' })).toEqual([
      'jamf.url: must start with https:// (got ftp:)',
      'jamf.url: must not contain "?" or "#"',
      'jamf.client_secret: environment variable PORTCULLIS_TEST_UNSET_VAR is not set or empty',
    ]);
    expect(problems({ ...base, max_connections: 6, page_size: 5000 })).toEqual([
      'jamf.max_connections: Number must be less than or equal to 5',
      'jamf.page_size: Number must be less than or equal to 2000',
    ]);
    expect(problems({ ...base, computer_groups: [] })).toEqual(['jamf.computer_groups: name at least one smart group in computer_groups or mobile_device_groups']);
    expect(problems({ ...base, url: 'jamf.example.com' })).toEqual(['jamf.url: "jamf.example.com" is not a URL (e.g. https://acme.jamfcloud.com)']);
    expect(problems({ ...base, colour: 'blue' })).toEqual(["jamf: Unrecognized key(s) in object: 'colour'"]);
  });
});

describe('start-up warnings (logged every time a client starts)', () => {
  it('warns when TLS verification is off', () => {
    process.env[SECRET_ENV] = CLIENT_SECRET;
    const { config } = parseJamfSection({ ...base, tls: { verify: false } }, '/');
    for (let start = 0; start < 2; start++) {
      const log = captureLogger();
      new JamfHttp(config, { logger: log.logger }).close();
      const warnings = log.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
      expect(warnings.map((w) => w.msg)).toEqual([
        'jamf.tls.verify is false: the certificate of https://acme.jamfcloud.com is NOT checked; anyone in the path can read the client secret and forge device posture',
      ]);
    }
  });

  it('warns about plain http, and is quiet for a normal https URL', () => {
    process.env[SECRET_ENV] = CLIENT_SECRET;
    const plain = captureLogger();
    new JamfHttp(parseJamfSection({ ...base, url: 'http://jamf.lab:8080' }, '/').config, { logger: plain.logger }).close();
    expect(plain.lines.join('')).toContain('jamf.url http://jamf.lab:8080 is plain http');
    const normal = captureLogger();
    new JamfHttp(parseJamfSection(base, '/').config, { logger: normal.logger }).close();
    expect(normal.lines).toEqual([]);
  });
});
