import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from '../support/child-server.js';
import { radclient } from '../support/peers.js';
import { TEST_SECRET, baseConfig } from '../support/test-server.js';

// SIGHUP reloads the configuration; a broken file is refused with file:line: reason and the running
// configuration stays in force.

const mab = (mac: string) => `User-Name = "${mac}"\nUser-Password = "${mac}"\nMessage-Authenticator = 0x00\n`;
const waitFor = async (srv: ChildServer, text: string, ms = 5000) => {
  const until = Date.now() + ms;
  while (!srv.output().includes(text)) {
    if (Date.now() > until) throw new Error(`"${text}" not logged; output:\n${srv.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let srv: ChildServer;
beforeAll(async () => {
  srv = await spawnServer();
});
afterAll(() => srv.kill());

it('applies a good config on SIGHUP and refuses a broken one, keeping the old one', async () => {
  expect((await radclient(srv.authPort, 'auth', TEST_SECRET, mab('0200000000c1'))).stdout).toContain('Access-Reject');

  const config = parse(readFileSync(srv.configFile, 'utf8'));
  config.policy.labels['known-macs'].mac.push('02:00:00:00:00:c1');
  writeFileSync(srv.configFile, stringify(config));
  srv.child.kill('SIGHUP');
  await waitFor(srv, 'configuration reloaded');
  expect((await radclient(srv.authPort, 'auth', TEST_SECRET, mab('0200000000c1'))).stdout).toContain('Access-Accept');

  // A typo in the policy (an unknown label) is refused with its line; the running policy stays.
  const typo = parse(readFileSync(srv.configFile, 'utf8'));
  typo.policy.rules[0].match = ['knwon-macs'];
  writeFileSync(srv.configFile, stringify(typo));
  srv.child.kill('SIGHUP');
  await waitFor(srv, 'configuration NOT reloaded');
  expect(srv.output()).toMatch(/config\.yaml:\d+:\d+: policy\.rules\[0\]\.match\[0\]: unknown label \\"knwon-macs\\" \(did you mean \\"known-macs\\"\?\)/);
  // Still running on the previous configuration.
  expect((await radclient(srv.authPort, 'auth', TEST_SECRET, mab('0200000000c1'))).stdout).toContain('Access-Accept');
  expect(srv.child.exitCode).toBeNull();
});

it('reloads a policy file when it is saved, refuses a broken save and keeps the running policy', async () => {
  const policyFile = `${srv.dir}/policy.yaml`;
  const policy = structuredClone(baseConfig(srv.dir).policy) as { labels: Record<string, { mac: string[] }> };
  writeFileSync(policyFile, stringify(policy));
  const child = await spawnServer((c) => {
    c.policy = { file: policyFile };
  });
  try {
    expect((await radclient(child.authPort, 'auth', TEST_SECRET, mab('0200000000d1'))).stdout).toContain('Access-Reject');

    // Saved the way editors do: a new file renamed over the old one.
    policy.labels['known-macs'].mac.push('02:00:00:00:00:d1');
    writeFileSync(`${policyFile}.tmp`, stringify(policy));
    renameSync(`${policyFile}.tmp`, policyFile);
    await waitFor(child, 'configuration reloaded');
    expect((await radclient(child.authPort, 'auth', TEST_SECRET, mab('0200000000d1'))).stdout).toContain('Access-Accept');

    writeFileSync(policyFile, `${stringify(policy)}\ndefault: maybe\n`);
    await waitFor(child, 'configuration NOT reloaded');
    expect(child.output()).toMatch(/policy\.yaml:24:10: default: must be allow, block, or {action: allow, apply: {...}}/);
    expect((await radclient(child.authPort, 'auth', TEST_SECRET, mab('0200000000d1'))).stdout).toContain('Access-Accept');
  } finally {
    child.kill();
  }
});
