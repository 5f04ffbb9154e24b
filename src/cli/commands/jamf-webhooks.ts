import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { createJamfClient, jamfStartupWarnings, type JamfClient } from '../../jamf/index.js';
import { listWebhooks, registerWebhooks, webhookUrl, type WebhookCredentials } from '../../jamf/webhooks.js';
import { silentLogger } from '../../log/logger.js';
import { formatTable } from '../table.js';

// `portcullis jamf webhooks register|list`: create the webhooks the push receiver needs in Jamf Pro (Classic
// API), with the authentication from push.jamf_webhook.auth, and show what Jamf has.

function client(configFile: string): { jamf: JamfClient; auth?: WebhookCredentials } {
  const config = loadConfig(configFile);
  if (!config.jamf) throw new Error(`${configFile} has no jamf: section`);
  for (const w of jamfStartupWarnings(config.jamf)) process.stderr.write(`portcullis: warning: ${w}\n`);
  return { jamf: createJamfClient(config.jamf, { logger: silentLogger() }), auth: config.push?.jamfWebhook?.auth };
}

/** Creates the missing webhooks (one per compliant group for membership changes, one per kind for inventory). */
export async function jamfWebhooksRegister(configFile: string, o: { url: string }): Promise<number> {
  const target = webhookUrl(o.url);
  const { jamf, auth } = client(configFile);
  try {
    if (!auth) throw new Error(`${configFile} has no push.jamf_webhook.auth: configure how Jamf authenticates to portcullis first`);
    if (!target.startsWith('https:')) process.stderr.write(`portcullis: warning: ${target} is not https: Jamf would send the webhook credentials in clear text\n`);
    const result = await registerWebhooks(jamf.http, o.url, auth);
    for (const w of result.existing) process.stdout.write(`exists   ${w.id.padStart(4)}  ${w.event}${w.groupName ? ` (${w.groupName})` : ''}\n`);
    for (const w of result.created) process.stdout.write(`created  ${w.id.padStart(4)}  ${w.event}${w.groupName ? ` (${w.groupName})` : ''}\n`);
    process.stdout.write(`${result.created.length} created, ${result.existing.length} already present; Jamf will POST to ${target}\n`);
    return 0;
  } finally {
    jamf.close();
  }
}

/** Every webhook in Jamf; the ones pointing at a portcullis receiver are marked. */
export async function jamfWebhooksList(configFile: string, o: { json?: boolean }): Promise<number> {
  const { jamf } = client(configFile);
  try {
    const hooks = await listWebhooks(jamf.http);
    if (o.json) {
      process.stdout.write(`${JSON.stringify(hooks, null, 2)}\n`);
      return 0;
    }
    if (hooks.length === 0) {
      process.stdout.write('Jamf has no webhooks\n');
      return 0;
    }
    const rows = hooks.map((h) => [h.id, h.enabled ? 'yes' : 'no', h.event, h.smartGroupId, h.authenticationType, h.url]);
    process.stdout.write(`${formatTable(['ID', 'ENABLED', 'EVENT', 'GROUP ID', 'AUTH', 'URL'], rows)}\n`);
    return 0;
  } finally {
    jamf.close();
  }
}

type Run = (body: () => void | number | Promise<void>) => () => Promise<void>;

/** Adds `webhooks register|list` under the `jamf` command. */
export function addJamfWebhookCommands(jamf: Command, configOption: readonly [string, string, string], run: Run): void {
  const webhooks = jamf.command('webhooks').description('Jamf webhooks that push posture changes to portcullis');
  webhooks
    .command('register')
    .description('create the webhooks portcullis needs in Jamf (skips ones already there); exit code 1 on failure')
    .requiredOption('--url <url>', 'base URL Jamf can reach the push listener at, e.g. https://portcullis.example:8443')
    .option(...configOption)
    .action((o: { config: string; url: string }) => run(async () => { process.exitCode = await jamfWebhooksRegister(o.config, o); })());
  webhooks
    .command('list')
    .description('list the webhooks Jamf has')
    .option(...configOption)
    .option('--json', 'print JSON')
    .action((o: { config: string; json?: boolean }) => run(async () => { process.exitCode = await jamfWebhooksList(o.config, o); })());
}
