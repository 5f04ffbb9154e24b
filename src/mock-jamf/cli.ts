// Command line for the demo mock: parse options, start the server, print how to reach it.

import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CLIENT, DEFAULT_USER, type MockJamfOptions } from './options.js';
import { startMockJamf, type MockJamf } from './server.js';

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** Turns argv (without node and script) into server options. Throws CommanderError on bad input. */
export function parseMockJamfArgs(argv: readonly string[]): MockJamfOptions {
  const program = new Command()
    .name('mock-jamf')
    .description('Mock Jamf Pro server for tests and demos (Pro API + Classic API, seeded fleet)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 = any free port)', count, 8443)
    .option('--computers <n>', 'computers to seed', count, 500)
    .option('--mobiles <n>', 'mobile devices to seed', count, 100)
    .option('--seed <n>', 'seed for the generated fleet', count, 1)
    .option('--client-id <id>', 'API client id', DEFAULT_CLIENT.id)
    .option('--client-secret <secret>', 'API client secret', DEFAULT_CLIENT.secret)
    .option('--username <name>', 'user for POST /api/v1/auth/token (Basic)', DEFAULT_USER.username)
    .option('--password <password>', 'password of that user', DEFAULT_USER.password)
    .option('--token-lifetime <seconds>', 'API client token lifetime (expires_in)', count, 599)
    .option('--page-size-cap <n>', 'largest page returned whatever page-size asks', count, 2000)
    .option('--latency <ms>', 'delay added to every response', count, 0)
    .option('--jamf-version <version>', 'reported by /api/v1/jamf-pro-version')
    .option('--older-server', 'answer 404 on v4/v3 inventory, v3/v2 computer groups and v2 mobile groups');
  program.parse([...argv], { from: 'user' });
  const o = program.opts();
  return {
    host: o.host, port: o.port,
    seed: { seed: o.seed, computers: o.computers, mobileDevices: o.mobiles },
    clients: [{ id: o.clientId, secret: o.clientSecret }],
    users: [{ username: o.username, password: o.password }],
    tokenLifetimeSeconds: o.tokenLifetime, pageSizeCap: o.pageSizeCap, latencyMs: o.latency,
    version: o.jamfVersion, olderServer: o.olderServer === true,
  };
}

/** What the demo prints once it listens. Credentials are shown on purpose: they belong to the mock. */
export function describeMockJamf(server: MockJamf, options: MockJamfOptions): string {
  const client = options.clients?.[0] ?? DEFAULT_CLIENT;
  const user = options.users?.[0] ?? DEFAULT_USER;
  const groups = (kind: 'computer' | 'mobile') =>
    [...server.state.groups(kind).values()].map((g) => `${g.name} (id ${g.id}, ${g.members.size})`).join('; ');
  return [
    `mock Jamf Pro listening on ${server.url}`,
    `  version        ${server.options.version}`,
    `  fleet          ${server.state.computers.size} computers, ${server.state.mobileDevices.size} mobile devices`,
    `  client id      ${client.id}`,
    `  client secret  ${client.secret}`,
    `  user           ${user.username} / ${user.password}`,
    `  token          curl -s -X POST ${server.url}/api/oauth/token -d grant_type=client_credentials -d client_id=${client.id} -d client_secret=${client.secret}`,
    `  computer groups ${groups('computer')}`,
    `  mobile groups   ${groups('mobile')}`,
    '',
  ].join('\n');
}

export async function runMockJamfCli(argv: readonly string[]): Promise<MockJamf> {
  const options = parseMockJamfArgs(argv);
  const server = await startMockJamf(options);
  process.stdout.write(describeMockJamf(server, options));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
