import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionStore, type SessionRow } from '../../src/store/sessions.js';
import { SUPPLICANT_MAC, WiredLab } from './lab8021x.js';
import type { TestPki } from './pki.js';
import { TEST_SECRET, type TestServer } from './test-server.js';

// hostapd as a NAS with its RFC 5176 DAS on, for the CoA tests: the lab, the device's sessions as portcullis
// recorded them from accounting, and the waits those tests need.

/** A UDP port free on 0.0.0.0 right now (hostapd's DAS binds 0.0.0.0:port). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '0.0.0.0', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The NAS client entry for the lab's hostapd. */
export function hostapdClient(dasPort: number): Record<string, unknown> {
  return { name: 'lab-switch', address: '127.0.0.1', secret: TEST_SECRET, vendor: 'hostapd', coa_port: dasPort };
}

/** The eap: section for EAP-TLS with the test PKI's EC server certificate. */
export function eapTlsSection(pki: TestPki): Record<string, unknown> {
  return { methods: ['tls'], tls: { certificate: pki.serverEc.certFile, private_key: pki.serverEc.keyFile, ca: pki.trustedCasFile } };
}

export class LabNas {
  readonly lab: WiredLab;

  constructor(readonly t: TestServer, pki: TestPki, dasPort: number) {
    this.lab = new WiredLab({
      authPort: t.authPort, acctPort: t.acctPort, secret: TEST_SECRET, dasPort, dasSecret: TEST_SECRET,
      network: ['\teap=TLS', `\tidentity="${pki.clients.ec.udid}"`, `\tca_cert="${pki.trustedCasFile}"`,
        `\tclient_cert="${pki.clients.ec.certFile}"`, `\tprivate_key="${pki.clients.ec.keyFile}"`].join('\n'),
    });
  }

  start(): void {
    this.lab.start();
  }

  stop(): void {
    this.lab.stop();
  }

  /** Polls `probe` every `everyMs` until it returns a value (bounded); the lab's logs are in the error. */
  async waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000, everyMs = 200): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${this.lab.logs()}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** The supplicant's accounting sessions as portcullis recorded them. */
  sessions(): SessionRow[] {
    return new SessionStore(this.t.server.db).list({ mac: SUPPLICANT_MAC });
  }

  openSession(notIds: readonly string[] = []): SessionRow | undefined {
    return this.sessions().find((s) => s.status === 'open' && !notIds.includes(s.acct_session_id));
  }

  closed(acctSessionId: string): Promise<SessionRow> {
    return this.waitFor('Accounting-Stop', () => this.sessions().find((s) => s.acct_session_id === acctSessionId && s.status === 'closed'));
  }

  hostapdLog(): string {
    const file = join(this.lab.dir, 'hostapd.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** hostapd frees a disconnected station after 5 s; new_sta then restarts EAP, as a switch re-initialising the port. */
  reauthenticate(seen: readonly string[]): Promise<SessionRow> {
    return this.waitFor('re-authentication with a new Acct-Session-Id', () => {
      this.lab.hostapdCli('new_sta', SUPPLICANT_MAC);
      return this.openSession(seen);
    }, 30_000);
  }

  /** The rule of the last accepted authentication (auth log). */
  lastRule(): string | undefined {
    this.t.server.flushAuthLog();
    const row = this.t.server.db.prepare("SELECT details FROM auth_log WHERE result = 'accept' ORDER BY id DESC LIMIT 1").get() as { details: string } | undefined;
    return row ? (JSON.parse(row.details) as { policy: { rule: string } }).policy.rule : undefined;
  }
}
