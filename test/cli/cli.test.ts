import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/child-server.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 15_000 });

describe('portcullis CLI', () => {
  beforeAll(() => {
    // config.example.yaml's eap: section points at the demo PKI that `npm start` creates.
    expect(spawnSync(join(import.meta.dirname, '../../scripts/demo-pki.sh'), { encoding: 'utf8' }).status).toBe(0);
  });

  it('config check accepts config.example.yaml', () => {
    const r = cli('config', 'check', '-c', join(import.meta.dirname, '../../config.example.yaml'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/OK — 2 client\(s\)/);
  });

  it('config check and serve refuse a bad file with file:line: reason and exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  auth_listen: ["127.0.0.1:0"]\nclients:\n  - name: sw1\n    address: 10.0.0.1\n    secret: 12345\n');
    const check = cli('config', 'check', '-c', file);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`${file}:6:13: clients[0].secret: must be a string, {env: VARIABLE} or {file: PATH}`);
    const serve = cli('serve', '-c', file);
    expect(serve.status).toBe(1);
    expect(serve.stderr).toContain('refusing to start');
    expect(serve.stderr).toContain(`${file}:6:13`);
  });

  it('config check reads the EAP certificates and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    const file = join(dir, 'eap.yaml');
    writeFileSync(file, 'eap:\n  tls:\n    certificate: ./missing.pem\n    private_key: ./missing.key\n    ca: ./ca.pem\n');
    const r = cli('config', 'check', '-c', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: eap: `);
    expect(r.stderr).toContain(join(dir, 'missing.pem'));
  });

  it('sessions explains that there is no database yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'store:\n  path: ./none.db\n');
    const r = cli('sessions', '-c', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no database at .*none\.db yet: start the server once/);
  });

  it('every command has --help', () => {
    for (const cmd of [[], ['serve'], ['config', 'check'], ['sessions'], ['log']]) {
      const r = cli(...cmd, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Usage: portcullis/);
    }
  });
});
