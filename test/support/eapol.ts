import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requirePeer, run, type RunResult } from './peers.js';
import type { TestCredential } from './pki.js';

// eapol_test (Debian eapoltest, wpa_supplicant 2.10) configs and runs: the real 802.1X supplicant code
// against portcullis over RADIUS.

export const TLS12_ONLY = 'tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=1 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1';
export const TLS13_ONLY = 'tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=1 tls_disable_tlsv1_2=1 tls_disable_tlsv1_3=0';
export const TLS10_11_ONLY = 'tls_disable_tlsv1_0=0 tls_disable_tlsv1_1=0 tls_disable_tlsv1_2=1 tls_disable_tlsv1_3=1';

export interface EapolNetwork {
  eap: 'TLS' | 'TTLS' | 'PEAP';
  identity: string;
  caFile: string;
  client?: TestCredential;
  anonymousIdentity?: string;
  password?: string;
  phase1: string;
  phase2?: string;
}

export function writeEapolConfig(dir: string, name: string, n: EapolNetwork): string {
  const lines = [
    'network={',
    '\tssid="CorpWiFi"',
    '\tkey_mgmt=WPA-EAP',
    `\teap=${n.eap}`,
    `\tidentity="${n.identity}"`,
    `\tca_cert="${n.caFile}"`,
    '\tdomain_match="radius.test"',
    `\tphase1="${n.phase1}"`,
    '\teapol_flags=3',
  ];
  if (n.client) lines.push(`\tclient_cert="${n.client.certFile}"`, `\tprivate_key="${n.client.keyFile}"`);
  if (n.anonymousIdentity) lines.push(`\tanonymous_identity="${n.anonymousIdentity}"`);
  if (n.password) lines.push(`\tpassword="${n.password}"`);
  if (n.phase2) lines.push(`\tphase2="${n.phase2}"`);
  lines.push('}');
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface EapolOutcome extends RunResult {
  success: boolean;
  mppeOk: boolean;
  roundTrips: number;
  /** The MSK eapol_test derived, hex. */
  msk?: string;
  accessReject: boolean;
}

export async function eapolTest(configFile: string, port: number, secret: string, extra: string[] = []): Promise<EapolOutcome> {
  requirePeer('eapol_test');
  const r = await run('eapol_test', ['-c', configFile, '-a', '127.0.0.1', '-p', String(port), '-s', secret, '-t', '10', ...extra], '', 30_000);
  const out = r.stdout;
  return {
    ...r,
    success: out.includes('CTRL-EVENT-EAP-SUCCESS') && r.code === 0,
    mppeOk: /MPPE keys OK: 1 {2}mismatch: 0/.test(out),
    roundTrips: (out.match(/^RADIUS message: code=1 \(Access-Request\)/gm) ?? []).length,
    msk: out.match(/EAP-TLS: Derived key - hexdump\(len=64\): ([0-9a-f ]+)/)?.[1].replace(/ /g, ''),
    accessReject: out.includes('code=3 (Access-Reject)'),
  };
}
