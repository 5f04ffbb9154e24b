#!/usr/bin/env node
import { Command } from 'commander';
import { configCheck } from './commands/config-check.js';
import { coaCommand, type CoaCliAction } from './commands/coa.js';
import { devicesList, devicesShow } from './commands/devices.js';
import { jamfStatus, jamfSync, jamfTest } from './commands/jamf.js';
import { addJamfWebhookCommands } from './commands/jamf-webhooks.js';
import { policyCheck, policyDiff, policyHits, policyTest } from './commands/policy.js';
import { serve } from './commands/serve.js';
import { logCommand, sessionsCommand } from './commands/store-views.js';

const program = new Command();
program
  .name('portcullis')
  .description('Posture-aware RADIUS network access control: EAP-TLS, TTLS, PEAP, MAB, accounting')
  .showHelpAfterError();

const configOption = ['-c, --config <file>', 'configuration file', 'config.yaml'] as const;

/** Runs a command body; turns an expected failure into one clear line and exit code 1. */
function run(body: () => void | number | Promise<void>): () => Promise<void> {
  return async () => {
    try {
      const code = await body();
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      process.stderr.write(`portcullis: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  };
}

program
  .command('serve')
  .description('run the RADIUS server (SIGHUP reloads the configuration)')
  .option(...configOption)
  .action((o: { config: string }) => serve(o.config));

const config = program.command('config').description('configuration tools');
config
  .command('check')
  .description('validate a configuration file and the dictionaries; exit code 1 on errors')
  .option(...configOption)
  .action((o: { config: string }) => run(() => configCheck(o.config))());

program
  .command('sessions')
  .description('list accounting sessions (open ones unless --all)')
  .option(...configOption)
  .option('--nas <name>', 'only this NAS (client name, NAS-IP-Address or NAS-Identifier)')
  .option('--mac <mac>', 'only this device')
  .option('--all', 'include closed sessions')
  .option('--limit <n>', 'at most this many rows', '1000')
  .option('--json', 'print JSON')
  .action((o) => run(() => sessionsCommand(o.config, o))());

program
  .command('log')
  .description('show recent authentication decisions, newest first')
  .option(...configOption)
  .option('--mac <mac>', 'only this device')
  .option('--user <name>', 'only this User-Name')
  .option('--limit <n>', 'at most this many rows', '100')
  .option('--json', 'print JSON')
  .action((o) => run(() => logCommand(o.config, o))());

const coa = program.command('coa').description('send a Disconnect or CoA (RFC 5176) to the NAS of open sessions; exit code 1 unless every NAS ACKs');
for (const [name, description] of [
  ['disconnect', 'end the sessions (Disconnect-Request); the device has to authenticate again'],
  ['reauth', 'make the NAS re-authenticate the sessions (vendor CoA, or Disconnect where the NAS has none)'],
] as const) {
  coa
    .command(name)
    .description(description)
    .option(...configOption)
    .option('--mac <mac>', 'open sessions of this device (any common MAC format)')
    .option('--session <id>', 'the open session with this Acct-Session-Id')
    .option('--nas <name>', 'only sessions on this NAS (client name, NAS-IP-Address or NAS-Identifier)')
    .action((o: { config: string; mac?: string; session?: string; nas?: string }) =>
      run(async () => { process.exitCode = await coaCommand(name satisfies CoaCliAction, o.config, o); })());
}

const policy = program.command('policy').description('the auth policy: validate it, explain a decision, preview a change');
policy
  .command('check')
  .description('validate a policy (a policy file, or a config file with policy:; default: the config\'s); exit code 1 on errors')
  .argument('[file]', 'policy or config file')
  .option(...configOption)
  .action((file: string | undefined, o: { config: string }) => run(() => policyCheck(o.config, file))());
policy
  .command('test')
  .description('evaluate one authentication against the current posture snapshot and explain every rule')
  .option(...configOption)
  .requiredOption('--method <method>', 'eap-tls, eap-ttls, peap, mab or pap')
  .option('--udid <udid>', 'device UDID (as in its certificate)')
  .option('--mac <mac>', 'device MAC (any common format)')
  .option('--user <name>', 'identity (inner identity for TTLS/PEAP)')
  .option('--ssid <ssid>', 'SSID (from Called-Station-Id)')
  .option('--nas <name>', 'client name from the config (default: the first)')
  .option('--port-type <type>', 'wired or wireless')
  .option('--policy <file>', 'use this policy instead of the config\'s')
  .option('--json', 'print JSON')
  .action((o) => run(() => policyTest(o))());
policy
  .command('diff')
  .description('which decisions change between two policies, for recent authentications and known Jamf devices')
  .argument('<old>', 'policy or config file in force')
  .argument('<new>', 'policy or config file to compare')
  .option(...configOption)
  .option('--days <n>', 'authentications of the last N days', '7')
  .option('--json', 'print JSON')
  .action((oldFile: string, newFile: string, o) => run(() => policyDiff(o, oldFile, newFile))());
policy
  .command('hits')
  .description('decisions per rule and policy version, from the auth log')
  .option(...configOption)
  .option('--days <n>', 'of the last N days', '1')
  .option('--json', 'print JSON')
  .action((o) => run(() => policyHits(o))());

const jamf = program.command('jamf').description('Jamf Pro posture: check the connection, sync by hand, show the last sync');
jamf
  .command('test')
  .description('check the API client credentials, privileges and smart groups; exit code 1 on any FAIL')
  .option(...configOption)
  .action((o: { config: string }) => run(async () => { process.exitCode = await jamfTest(o.config); })());
jamf
  .command('sync')
  .description('read the whole fleet from Jamf now and write it into the store database; exit code 1 on failure')
  .option(...configOption)
  .action((o: { config: string }) => run(async () => { process.exitCode = await jamfSync(o.config); })());
jamf
  .command('status')
  .description('last sync time and duration, device counts per state, last error')
  .option(...configOption)
  .option('--json', 'print JSON')
  .action((o: { config: string; json?: boolean }) => run(() => jamfStatus(o.config, o))());
addJamfWebhookCommands(jamf, configOption, run);

const devices = program.command('devices').description('devices in the persisted Jamf snapshot');
devices
  .command('list')
  .description('list the devices with their posture')
  .option(...configOption)
  .option('--state <state>', 'only compliant, non-compliant or stale devices')
  .option('--json', 'print JSON')
  .action((o: { config: string; state?: string; json?: boolean }) => run(() => devicesList(o.config, o))());
devices
  .command('show')
  .description('one device by MAC (any common format) or UDID')
  .argument('<mac|udid>', 'MAC address or UDID')
  .option(...configOption)
  .option('--json', 'print JSON')
  .action((id: string, o: { config: string; json?: boolean }) => run(() => devicesShow(o.config, id, o))());

await program.parseAsync(process.argv);
