import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';

function problems(text: string): string[] {
  try {
    parseConfig(text, 'portcullis.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split('\n');
  }
  throw new Error('config was accepted');
}

describe('config validation: file, line and reason for every problem', () => {
  it('accepts the shipped config.example.yaml', () => {
    const c = loadConfig(join(import.meta.dirname, '../../config.example.yaml'));
    expect(c.clients.map((x) => x.name)).toContain('localhost');
    expect(c.auth.listen).toContainEqual({ address: '0.0.0.0', port: 1812 });
    expect(c.policy?.prefix).toEqual(['policy']);
  });

  it('names the line of a bad value', () => {
    const out = problems(`clients:
  - name: ap1
    address: 10.0.0.300
    secret: abcdefghijkl
`);
    expect(out).toEqual(['portcullis.yaml:3:14: clients[0].address: must be an IP address or CIDR, e.g. "10.1.0.0/16" or "2001:db8::/48"']);
  });

  it('lists every problem, not just the first', () => {
    const out = problems(`server:
  auth_listen: ["1.2.3.4"]
clients:
  - name: ap1
    address: 10.0.0.1
    secret: abcdefghijkl
    vendr: cisco
log:
  level: loud
`);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^portcullis.yaml:2:\d+: server.auth_listen\[0\]: must be ADDRESS:PORT/);
    expect(out.some((l) => /^portcullis.yaml:4:\d+: clients\[0\]: unknown key "vendr"/.test(l))).toBe(true);
    expect(out.some((l) => /^portcullis.yaml:9:\d+: log.level: must be one of trace, debug, info/.test(l))).toBe(true);
  });

  it('reports a missing key at its parent', () => {
    expect(problems(`clients:\n  - name: ap1\n    address: 10.0.0.1\n`)).toEqual(['portcullis.yaml:2:5: clients[0].secret: is required']);
  });

  it('reports YAML syntax errors with their line', () => {
    const out = problems(`clients:\n  - name: ap1\n   address: [10.0.0.1\n`);
    expect(out[0]).toMatch(/^portcullis.yaml:\d+:\d+: YAML syntax: /);
  });

  it('refuses a short secret and duplicate client names', () => {
    const out = problems(`clients:
  - {name: a, address: 10.0.0.1, secret: short}
  - {name: a, address: 10.0.0.2, secret: long-enough-secret}
`);
    expect(out).toContain('portcullis.yaml:2:42: clients[0].secret: shared secret is shorter than 8 characters; use 16 or more random characters');
    expect(out).toContain('portcullis.yaml:3:12: clients[1].name: client name "a" is used twice');
  });

  it('points the old mab.allow list to the policy', () => {
    const out = problems(`mab:\n  allow: [02:00:00:00:00:01]\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^portcullis.yaml:2:3: mab: mab.allow has moved into the policy: add a label like/);
  });

  it('reads secrets from env and file, and never prints them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cfg-'));
    writeFileSync(join(dir, 'secret.txt'), 'file-secret-value\n');
    process.env.PORTCULLIS_TEST_SECRET = 'env-secret-value';
    const c = parseConfig(`clients:
  - {name: a, address: 10.0.0.1, secret: {env: PORTCULLIS_TEST_SECRET}}
  - {name: b, address: 10.0.0.0/8, secret: {file: secret.txt}}
`, join(dir, 'c.yaml'));
    expect(c.clients[0].secret.reveal().toString()).toBe('env-secret-value');
    expect(c.clients[1].secret.reveal().toString()).toBe('file-secret-value');
    const printed = `${JSON.stringify(c)} ${inspect(c, { depth: 10 })} ${String(c.clients[0].secret)}`;
    expect(printed).not.toContain('env-secret-value');
    expect(printed).not.toContain('file-secret-value');
  });

  it('says which environment variable or file is missing without showing any secret', () => {
    delete process.env.PORTCULLIS_MISSING;
    const out = problems(`clients:
  - {name: a, address: 10.0.0.1, secret: {env: PORTCULLIS_MISSING}}
  - {name: b, address: 10.0.0.2, secret: {file: /nonexistent/secret}}
`);
    expect(out[0]).toMatch(/clients\[0\].secret: environment variable PORTCULLIS_MISSING is not set or empty/);
    expect(out[1]).toMatch(/clients\[1\].secret: cannot read secret file \/nonexistent\/secret: ENOENT/);
  });
});
