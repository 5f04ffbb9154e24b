// Shared set-up for the push receiver tests: the mock Jamf Pro on 127.0.0.1, a PostureService synced
// against it, a push receiver on 127.0.0.1 (plain HTTP: loopback only), and a small HTTP client.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { parseJamfSection } from '../../src/jamf/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { startMockJamf, type MockJamf, type MockJamfOptions } from '../../src/mock-jamf/index.js';
import { parsePushSection, startPushReceiver, type PushReceiver, type PushSettings } from '../../src/push/index.js';
import { PostureService } from '../../src/posture/service.js';
import type { PostureChange } from '../../src/posture/types.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { CLIENT_ID, CLIENT_SECRET, jamfSection, tempDir } from '../jamf-e2e/harness.js';

export { COMPUTER_GROUP, MOBILE_GROUP, compliantComputer, members, tempDir, waitFor } from '../jamf-e2e/harness.js';

export const WEBHOOK_USER = 'jamf-pro';
export const WEBHOOK_PASSWORD = 'webhook-password-0123456789';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** POSTs `body` to the receiver; resolves with whatever it answers (errors such as a reset reject). */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, ca?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    // With transfer-encoding given, no Content-Length: the body is streamed in chunks.
    const length = headers['transfer-encoding'] ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = send(u, { method: 'POST', headers: { ...length, ...headers }, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    if (headers['transfer-encoding']) {
      const b = Buffer.from(body);
      for (let i = 0; i < b.length; i += 1024) req.write(b.subarray(i, i + 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

export function basic(user = WEBHOOK_USER, password = WEBHOOK_PASSWORD): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, 'content-type': 'application/json' };
}

export interface PushWorld {
  mock: MockJamf;
  service: PostureService;
  receiver: PushReceiver;
  settings: PushSettings;
  dir: string;
  /** Posture change events since the world started (after the initial sync). */
  changes: PostureChange[];
  webhookUrl: string;
  close(): Promise<void>;
}

const worlds: PushWorld[] = [];

/** Closes every world started by `pushWorld` (call in afterEach). */
export async function closeWorlds(): Promise<void> {
  for (const w of worlds.splice(0)) await w.close();
}

/**
 * Mock Jamf with a small seeded fleet, a PostureService synced once against it, and a receiver with the push
 * section `push` (default: Basic webhook auth). Change events are collected from after the first sync.
 */
export async function pushWorld(options: { push?: Record<string, unknown>; mock?: MockJamfOptions } = {}): Promise<PushWorld> {
  const mock = await startMockJamf({
    seed: { seed: 5, computers: 60, mobileDevices: 20 },
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }],
    ...options.mock,
  });
  const dir = tempDir();
  const jamf = parseJamfSection(jamfSection(mock.url, dir), dir).config;
  const db: Db = openDatabase(join(dir, 'portcullis.db'), { synchronous: 'normal' });
  const service = new PostureService(jamf, { staleAfterSeconds: 3600, lookup: { perSecond: 5, negativeTtlSeconds: 600, maxQueue: 100 } }, db, silentLogger());
  await service.syncNow();
  if (service.store.meta.lastError) throw new Error(`initial sync failed: ${service.store.meta.lastError}`);
  const changes: PostureChange[] = [];
  service.store.on('change', (c) => changes.push(c));
  const settings = parsePushSection(options.push ?? {
    listen: '127.0.0.1:0',
    jamf_webhook: { auth: { basic: { username: WEBHOOK_USER, password: WEBHOOK_PASSWORD } } },
  }, dir);
  const receiver = await startPushReceiver(settings, { posture: service, log: silentLogger() });
  const world: PushWorld = {
    mock, service, receiver, settings, dir, changes,
    webhookUrl: `${receiver.address.url}/jamf/webhook`,
    close: async () => {
      await receiver.close();
      service.close();
      db.close();
      await mock.close();
    },
  };
  worlds.push(world);
  return world;
}

/** Waits until the receiver's queue and the mock's deliveries are both quiet (bounded). */
export async function settle(w: PushWorld, rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await w.mock.webhooks.idle();
    await w.receiver.idle();
    await new Promise((r) => setTimeout(r, 20));
  }
}
