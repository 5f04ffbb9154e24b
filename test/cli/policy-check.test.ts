// `portcullis policy check [FILE]`: exit 0 with a summary (warnings on stderr), exit 1 with every error on stderr.
// Runs dist/: `npm run build` first (npm test does).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY, cli, setup, writeFile } from './policy-support.js';

describe('portcullis policy check', () => {
  it('a good policy file: exit 0, one summary line, nothing on stderr', () => {
    const { dir } = setup({ jamf: true }); // ./config.yaml is read for the client names and the jamf: section
    const file = writeFile(dir, 'policy.yaml', POLICY);
    const r = cli(['policy', 'check', file], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}: OK — policy [0-9a-f]{12}, 4 rule\\(s\\) \\(4 enabled\\), default block\\n$`));
  });

  it('warnings go to stderr with file:line:column, and the policy is still OK', () => {
    const { dir } = setup();
    const file = writeFile(dir, 'policy.yaml', 'labels:\n  old: {ssid: Legacy}\nrules:\n  - name: everyone\n    action: allow\n    enabled: false\n  - name: staff\n    match: [{method: peap}]\n    action: allow\n');
    const r = cli(['policy', 'check', file], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${file}:2:8: labels.old: label "old" is not used by any rule\n`);
    expect(r.stdout).toMatch(/: OK — policy [0-9a-f]{12}, 2 rule\(s\) \(1 enabled\), default block, 1 warning\(s\)\n$/);
  });

  it('errors: exit 1, each error with file:line:column on stderr, then the count', () => {
    const { dir } = setup();
    const file = writeFile(dir, 'policy.yaml', 'labels:\n  corp-ssid: {ssid: Corp}\nrules:\n  - name: corp\n    match: [corp-sid]\n    action: allow\n    apply: {vlan: 5000}\n');
    const r = cli(['policy', 'check', file], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `error: ${file}:5:13: rules[0].match[0]: unknown label "corp-sid" (did you mean "corp-ssid"?)`,
      `error: ${file}:7:19: rules[0].apply.vlan: VLAN 5000 is out of range 1..4094`,
      `warning: ${file}:2:14: labels.corp-ssid: label "corp-ssid" is not used by any rule`,
      `${file}: 2 error(s): policy refused`,
      '',
    ]);
  });

  it('a YAML syntax error is an error with its line', () => {
    const { dir } = setup();
    const file = writeFile(dir, 'policy.yaml', 'rules:\n  - name: a\n    action: allow: block\n');
    const r = cli(['policy', 'check', file], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${file}:3:13: YAML syntax: Nested mappings are not allowed in compact mappings\n`);
  });

  it('without FILE: the config\'s inline policy, errors with the config file\'s line numbers', () => {
    const bad = { ...POLICY, rules: [...POLICY.rules, { name: 'printers', match: ['printers'], action: 'allow' }] };
    const { dir, configFile } = setup({ policy: bad });
    const r = cli(['policy', 'check', '-c', configFile], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${configFile.replace(/[.]/g, '\\.')}:\\d+:\\d+: policy\\.rules\\[4\\]\\.name: rule name "printers" is used twice \\(also rule 4\\)$`, 'm'));
    // The line is the one in the config file that names the second "printers" rule.
    const line = Number(/:(\d+):\d+: policy\.rules\[4\]/.exec(r.stderr)![1]);
    expect(readFileSync(configFile, 'utf8').split('\n')[line - 1]).toMatch(/name: printers$/);
  });

  it('without FILE and without a policy: section, the built-in policy is reported', () => {
    const { dir, configFile } = setup();
    const r = cli(['policy', 'check', '-c', configFile], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${configFile}: no policy: section: the built-in policy allows successful 802.1X/PAP logins and refuses MAB\n`);
    expect(r.stdout).toMatch(/: OK — policy [0-9a-f]{12}, 1 rule\(s\) \(1 enabled\), default block, 1 warning\(s\)\n$/);
  });

  it('FILE may be a config file: its inline policy, or the policy file it points to', () => {
    const { dir, configFile } = setup({ policy: POLICY });
    const inline = cli(['policy', 'check', configFile], dir);
    expect(inline.status).toBe(0);
    expect(inline.stdout).toMatch(/: OK — policy [0-9a-f]{12}, 4 rule\(s\)/);
    const policyFile = writeFile(dir, 'policy.yaml', 'rules:\n  - name: r\n    match: [nope]\n    action: allow\n');
    const pointer = writeFile(dir, 'pointer.yaml', 'policy:\n  file: policy.yaml\n');
    const followed = cli(['policy', 'check', pointer], dir);
    expect(followed.status).toBe(1);
    expect(followed.stderr).toContain(`error: ${policyFile}:3:13: rules[0].match[0]: unknown label "nope"`);
  });

  it('without a config file, FILE is checked with the built-in dictionaries alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-policy-cli-'));
    const file = writeFile(dir, 'policy.yaml', 'rules:\n  - name: r\n    match: [{nas: anything, mdm: {state: compliant}}]\n    action: allow\n    apply: {attributes: {Aruba-User-Role: staff}}\n');
    const r = cli(['policy', 'check', file], dir);
    expect(r.stderr).toBe(''); // no client list and no jamf: section to compare with
    expect(r.status).toBe(0);
  });

  it('a config whose policy: has file: next to other keys is inline, as the server reads it', () => {
    const { dir } = setup();
    writeFile(dir, 'policy.yaml', POLICY);
    const config = writeFile(dir, 'mixed.yaml', 'policy:\n  file: policy.yaml\n  rules: []\n');
    const r = cli(['policy', 'check', config], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${config}:2:9: policy.file: unknown key "file"`);
  });

  it('uses the config\'s client names: a nas: naming no client is a warning', () => {
    const { dir, configFile } = setup();
    const file = writeFile(dir, 'policy.yaml', 'rules:\n  - name: r\n    match: [{nas: [lab-switch, lab-swtich]}]\n    action: allow\n');
    const r = cli(['policy', 'check', file, '-c', configFile], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${file}:3:19: rules[0].match[0].nas: no client is named "lab-swtich"\n`);
  });

  it('a file that does not exist is one clear line and exit 1', () => {
    const { dir } = setup();
    const r = cli(['policy', 'check', join(dir, 'missing.yaml')], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^portcullis: .*missing\.yaml/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('every policy command has --help', () => {
    for (const cmd of [['policy'], ['policy', 'check'], ['policy', 'test'], ['policy', 'diff'], ['policy', 'hits']]) {
      const r = cli([...cmd, '--help']);
      expect(r.status, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: portcullis policy/);
    }
  });
});
