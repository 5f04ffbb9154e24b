import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { CoaClient, type CoaClientOptions, type CoaNas, type CoaSession, type Vendor } from '../../src/coa/index.js';
import { Secret } from '../../src/log/secret.js';
import { loadDictionaries } from '../../src/radius/index.js';
import type { TestNas } from '../support/test-nas.js';

export const SECRET = 'coa-test-secret-4f9a';
export const dict = loadDictionaries([fileURLToPath(new URL('../../dictionaries', import.meta.url))]);

export const session: CoaSession = {
  nasIp: '127.0.0.1', nasIdentifier: 'sw-1', acctSessionId: '5F3A2B1C0D9E8F70', callingStationId: '02-00-00-00-80-01',
  userName: 'alice', mac: '02:00:00:00:80:01',
};

export function nasOf(nas: TestNas, vendor: Vendor = 'generic', secret = SECRET): CoaNas {
  return { name: `nas-${nas.port}`, vendor, coaPort: nas.port, coaSecret: new Secret(secret, 'inline') };
}

const clients: CoaClient[] = [];
export function client(options: Partial<CoaClientOptions> = {}): CoaClient {
  const c = new CoaClient({ dictionary: dict, timeoutMs: 200, retries: 2, perSecond: 10_000, ...options });
  clients.push(c);
  return c;
}
export async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
}

/** A logger that keeps every line (to check what reaches the log, and that secrets do not). */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { log, lines };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
