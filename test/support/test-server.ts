import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startServer, type RunningServer, type StartOptions } from '../../src/app.js';
import { silentLogger } from '../../src/log/logger.js';

export const TEST_SECRET = 'testing123-long-secret';

export interface TestServer {
  server: RunningServer;
  authPort: number;
  acctPort: number;
  dir: string;
  configFile: string;
  stop(): Promise<void>;
}

/** The config every interop test starts from: loopback only, ephemeral ports, a temp SQLite file. */
export function baseConfig(dir: string): Record<string, unknown> {
  return {
    server: { auth_listen: ['127.0.0.1:0'], acct_listen: ['127.0.0.1:0'] },
    log: { level: 'warn' },
    store: { path: join(dir, 'portcullis.db'), synchronous: 'normal' },
    clients: [{ name: 'lab-switch', address: '127.0.0.1', secret: TEST_SECRET, vendor: 'generic' }],
    policy: {
      labels: {
        'known-macs': { method: 'mab', mac: ['02:00:00:00:80:02', '020000000001'] },
        'credentials-proven': { method: ['eap-tls', 'eap-ttls', 'peap', 'pap'] },
      },
      rules: [
        { name: 'known-macs', match: ['known-macs'], action: 'allow' },
        { name: 'authenticated', match: ['credentials-proven'], action: 'allow' },
      ],
    },
    users: [{ name: 'testuser', password: 'testpass' }],
  };
}

/** The MAB allow-list of baseConfig's policy (tests add or replace MACs). */
export function knownMacs(config: Record<string, unknown>): string[] {
  return ((config.policy as { labels: Record<string, { mac: string[] }> }).labels['known-macs']).mac;
}

/** Starts portcullis in-process on a config written to a temp dir (so reloads read a real file). */
export async function startTestServer(patch: (c: Record<string, unknown>) => void = () => {}, options: Partial<StartOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  const config = baseConfig(dir);
  patch(config);
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify(config));
  const server = await startServer(configFile, { log: silentLogger(), ...options });
  return {
    server,
    authPort: server.authSockets[0].port,
    acctPort: server.acctSockets[0]?.port ?? 0,
    dir,
    configFile,
    stop: () => server.stop(),
  };
}

/** Edits a config file in place, as an admin would before a reload. */
export function editConfigFile(file: string, edit: (c: Record<string, any>) => void): void {
  const c = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  edit(c);
  writeFileSync(file, stringify(c));
}
