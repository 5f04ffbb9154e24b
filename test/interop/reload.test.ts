import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from '../support/child-server.js';
import { radclient } from '../support/peers.js';
import { TEST_SECRET } from '../support/test-server.js';

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
  config.mab.allow.push('02:00:00:00:00:c1');
  writeFileSync(srv.configFile, stringify(config));
  srv.child.kill('SIGHUP');
  await waitFor(srv, 'configuration reloaded');
  expect((await radclient(srv.authPort, 'auth', TEST_SECRET, mab('0200000000c1'))).stdout).toContain('Access-Accept');

  writeFileSync(srv.configFile, readFileSync(srv.configFile, 'utf8').replace('mab:', 'mab:\n  alow: []'));
  srv.child.kill('SIGHUP');
  await waitFor(srv, 'configuration NOT reloaded');
  expect(srv.output()).toMatch(/config\.yaml:\d+:\d+: mab: unknown key \\"alow\\"/);
  // Still running on the previous configuration.
  expect((await radclient(srv.authPort, 'auth', TEST_SECRET, mab('0200000000c1'))).stdout).toContain('Access-Accept');
  expect(srv.child.exitCode).toBeNull();
});
