import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePeer } from './peers.js';

// A wired 802.1X lab built from real programs: hostapd (driver=wired) as the switch/NAS in the root
// namespace, wpa_supplicant as the device in a network namespace of its own, joined by a veth pair.
// Only EAPOL crosses the veth; RADIUS goes to portcullis on 127.0.0.1. Names are unique per lab so
// parallel runs cannot collide, and teardown removes everything it created.

export interface LabOptions {
  authPort: number;
  acctPort: number;
  secret: string;
  /** wpa_supplicant network block body (without network={}), e.g. eap=TLS + cert paths. */
  network: string;
  nasIdentifier?: string;
  /** RFC 5176 DAS port for hostapd (0 = off). */
  dasPort?: number;
  dasSecret?: string;
}

export const SUPPLICANT_MAC = '02:00:00:00:80:01';
const NAS_MAC = '02:00:00:00:80:fe';

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
}

export class WiredLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'portcullis-lab-'));
  readonly id = Math.random().toString(16).slice(2, 8);
  readonly ns = `pcl-${this.id}`;
  readonly nasIf = `pcn${this.id}`;
  readonly suppIf = `pcs${this.id}`;
  readonly hapdCtrl = join(this.dir, 'hostapd-ctrl');
  readonly wpasCtrl = join(this.dir, 'wpas-ctrl');
  #up = false;

  constructor(readonly options: LabOptions) {
    for (const bin of ['hostapd', 'wpa_supplicant', 'hostapd_cli', 'wpa_cli', 'ip']) requirePeer(bin);
    if (process.getuid?.() !== 0) throw new Error('the 802.1X lab needs root (network namespaces, raw EAPOL sockets)');
  }

  start(): void {
    const o = this.options;
    const hostapdConf = [
      `interface=${this.nasIf}`, 'driver=wired', `ctrl_interface=${this.hapdCtrl}`, 'logger_stdout=-1', 'logger_stdout_level=0',
      'ieee8021x=1', 'eapol_version=2', 'use_pae_group_addr=1', 'eap_server=0', 'eap_reauth_period=3600',
      'own_ip_addr=127.0.0.1', `nas_identifier=${o.nasIdentifier ?? 'lab-switch'}`,
      'auth_server_addr=127.0.0.1', `auth_server_port=${o.authPort}`, `auth_server_shared_secret=${o.secret}`,
      'acct_server_addr=127.0.0.1', `acct_server_port=${o.acctPort}`, `acct_server_shared_secret=${o.secret}`,
      // What a switch port sends (hostapd defaults to Wi-Fi values even on wired).
      'radius_auth_req_attr=61:d:15', 'radius_acct_req_attr=61:d:15',
      `radius_auth_req_attr=87:s:${this.nasIf}`, `radius_acct_req_attr=87:s:${this.nasIf}`,
      ...(o.dasPort ? [`radius_das_port=${o.dasPort}`, `radius_das_client=127.0.0.1 ${o.dasSecret ?? o.secret}`, 'radius_das_require_event_timestamp=0'] : []),
    ].join('\n');
    writeFileSync(join(this.dir, 'hostapd.conf'), `${hostapdConf}\n`);
    writeFileSync(join(this.dir, 'wpa_supplicant.conf'), `ctrl_interface=${this.wpasCtrl}\nap_scan=0\neapol_version=2\nnetwork={\n\tkey_mgmt=IEEE8021X\n\teapol_flags=0\n${o.network}\n}\n`);

    sh('ip', ['netns', 'add', this.ns]);
    this.#up = true;
    sh('ip', ['link', 'add', this.nasIf, 'address', NAS_MAC, 'type', 'veth', 'peer', 'name', this.suppIf, 'netns', this.ns]);
    sh('ip', ['-n', this.ns, 'link', 'set', this.suppIf, 'address', SUPPLICANT_MAC]);
    spawnSync('sysctl', ['-qw', `net.ipv6.conf.${this.nasIf}.disable_ipv6=1`]);
    sh('ip', ['-n', this.ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['link', 'set', this.nasIf, 'up']);
    sh('ip', ['-n', this.ns, 'link', 'set', this.suppIf, 'up']);
    sh('hostapd', ['-B', '-t', '-dd', '-P', join(this.dir, 'hostapd.pid'), '-f', join(this.dir, 'hostapd.log'), join(this.dir, 'hostapd.conf')]);
    sh('ip', ['netns', 'exec', this.ns, 'wpa_supplicant', '-B', '-t', '-dd', '-D', 'wired', '-i', this.suppIf,
      '-c', join(this.dir, 'wpa_supplicant.conf'), '-P', join(this.dir, 'wpas.pid'), '-f', join(this.dir, 'wpa_supplicant.log')]);
  }

  /** wpa_supplicant's `status` (key=value lines) from inside the namespace. */
  supplicantStatus(): Record<string, string> {
    const r = spawnSync('ip', ['netns', 'exec', this.ns, 'wpa_cli', '-p', this.wpasCtrl, '-i', this.suppIf, 'status'], { encoding: 'utf8', timeout: 5000 });
    return Object.fromEntries((r.stdout ?? '').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  hostapdCli(...args: string[]): string {
    return spawnSync('hostapd_cli', ['-p', this.hapdCtrl, '-i', this.nasIf, ...args], { encoding: 'utf8', timeout: 5000 }).stdout ?? '';
  }

  /** Polls until `predicate(status)` holds; bounded. */
  async waitForSupplicant(predicate: (s: Record<string, string>) => boolean, timeoutMs = 20_000): Promise<Record<string, string>> {
    const until = Date.now() + timeoutMs;
    let status = this.supplicantStatus();
    while (!predicate(status)) {
      if (Date.now() > until) throw new Error(`supplicant did not reach the expected state; last status: ${JSON.stringify(status)}\n${this.logs()}`);
      await new Promise((r) => setTimeout(r, 200));
      status = this.supplicantStatus();
    }
    return status;
  }

  logs(lines = 40): string {
    const tail = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n') : '(none)');
    return `--- hostapd.log\n${tail(join(this.dir, 'hostapd.log'))}\n--- wpa_supplicant.log\n${tail(join(this.dir, 'wpa_supplicant.log'))}`;
  }

  stop(): void {
    for (const pidFile of ['wpas.pid', 'hostapd.pid']) {
      const f = join(this.dir, pidFile);
      if (!existsSync(f)) continue;
      const pid = Number(readFileSync(f, 'utf8').trim());
      if (pid > 1) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    if (this.#up) {
      spawnSync('ip', ['link', 'del', this.nasIf]);
      spawnSync('ip', ['netns', 'del', this.ns]);
      this.#up = false;
    }
  }
}
