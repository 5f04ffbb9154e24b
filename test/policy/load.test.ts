// The policy a server runs: the config's (inline or in its own file), or the built-in one without a policy: section.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/config/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { loadPolicy } from '../../src/policy/load.js';
import { dict, input } from './fixtures.js';

const CLIENTS = 'clients:\n  - name: core-sw\n    address: 10.0.0.1\n    secret: not-a-real-secret-123\n';

function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map(formatProblem);
  }
  throw new Error('the policy was accepted');
}

describe('loadPolicy', () => {
  it('without a policy: section, the built-in policy allows proven credentials and blocks MAB', () => {
    const loaded = loadPolicy(parseConfig(CLIENTS, 'config.yaml'), dict);
    expect(loaded.builtin).toBe(true);
    expect(loaded.warnings).toEqual([]);
    const { policy } = loaded;
    for (const method of ['eap-tls', 'eap-ttls', 'peap', 'pap'] as const) {
      expect(policy.evaluate(input({ method })), method).toMatchObject({ action: 'allow', rule: 'authenticated', attributes: [] });
    }
    expect(policy.evaluate(input({ method: 'mab', mac: '02:00:00:00:00:01' }))).toMatchObject({ action: 'block', rule: 'default' });
    expect(policy.source).toMatch(/built-in policy/);
  });

  it('an inline policy is reported with the config file\'s name and line numbers', () => {
    const text = `${CLIENTS}policy:\n  labels:\n    corp: {ssid: Corp}\n  rules:\n    - name: r\n      match: [corpp]\n      action: allow\n`;
    const config = parseConfig(text, '/etc/portcullis/config.yaml');
    expect(refusal(() => loadPolicy(config, dict))).toEqual([
      '/etc/portcullis/config.yaml:10:15: policy.rules[0].match[0]: unknown label "corpp" (did you mean "corp"?)',
    ]);
  });

  it('policy: {file: ...} is read from its own file, errors name that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-load-'));
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, 'vlans: {corp: 10}\nrules:\n  - name: r\n    action: allow\n    apply: {vlan: 5000}\n');
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, `${CLIENTS}policy:\n  file: policy.yaml\n`);
    const config = loadConfig(configFile);
    expect(refusal(() => loadPolicy(config, dict))).toEqual([`${policyFile}:5:19: rules[0].apply.vlan: VLAN 5000 is out of range 1..4094`]);
    writeFileSync(policyFile, 'vlans: {corp: 10}\nrules:\n  - name: r\n    action: allow\n    apply: {vlan: corp}\n');
    const loaded = loadPolicy(loadConfig(configFile), dict);
    expect(loaded.builtin).toBe(false);
    expect(loaded.policy.source).toBe(policyFile);
    expect(loaded.policy.evaluate(input()).rule).toBe('r');
  });

  it('warns about a nas: that names no configured client and about mdm: without a jamf: section', () => {
    const text = `${CLIENTS}policy:\n  rules:\n    - name: r\n      match: [{nas: core-sw2, mdm: {state: compliant}}]\n      action: allow\n`;
    const loaded = loadPolicy(parseConfig(text, 'config.yaml'), dict);
    expect(loaded.warnings.map(formatProblem)).toEqual([
      'config.yaml:8:36: policy.rules[0].match[0].mdm: there is no jamf: section: every device\'s posture is "unknown"',
      'config.yaml:8:21: policy.rules[0].match[0].nas: no client is named "core-sw2"',
    ]);
  });
});
