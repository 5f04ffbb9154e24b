// `portcullis policy test`: the matching rule, why each earlier rule did not match, the exact attributes — with
// the device's posture read from the Jamf snapshot in the database. Runs dist/: `npm run build` first.
import { describe, expect, it } from 'vitest';
import { POLICY, cli, jamfDevice, mac, setup, udid, writeFile, writeSnapshot } from './policy-support.js';

const VLAN = (id: number, tag = 1) => [`  Tunnel-Type:${tag} = VLAN`, `  Tunnel-Medium-Type:${tag} = IEEE-802`, `  Tunnel-Private-Group-Id:${tag} = ${id}`];

describe('portcullis policy test', () => {
  it('a compliant device (by certificate UDID): the corp VLAN, the reason for each earlier rule, the attributes', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true), jamfDevice(2, false)]);
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'eap-tls', '--udid', udid(1).toLowerCase()], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`request:  eap-tls via NAS lab-switch (generic), UDID ${udid(1)}`);
    expect(out[1]).toMatch(/^posture: {2}compliant \(Jamf computer 1 "mac-1", \d+ s old\)$/);
    expect(out[2]).toMatch(new RegExp(`^policy: {3}[0-9a-f]{12} \\(${configFile.replace(/[.]/g, '\\.')}\\)$`));
    expect(out.slice(3)).toEqual([
      '   1. guests-blocked: no — label "guest-wifi": SSID is none, not Guest, Visitors',
      '   2. corp-compliant: MATCH',
      'decision: ALLOW by rule "corp-compliant" → Access-Accept',
      'attributes:',
      ...VLAN(10),
      '  Filter-Id = corp',
      '',
    ]);
  });

  it('the same device after Jamf moved it out of the compliant group: the remediation VLAN, and why', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true)]);
    const args = ['policy', 'test', '-c', configFile, '--method', 'eap-tls', '--udid', udid(1)];
    expect(cli(args, dir).stdout).toContain('decision: ALLOW by rule "corp-compliant"');
    writeSnapshot(dbPath, [jamfDevice(1, false)]);
    const r = cli(args, dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^posture: {2}non-compliant \(Jamf computer 1 "mac-1", \d+ s old\)$/m);
    expect(r.stdout).toContain([
      '   2. corp-compliant: no — label "jamf-compliant": Jamf posture is non-compliant, not compliant',
      '   3. corp-remediation: MATCH',
      'decision: ALLOW by rule "corp-remediation" → Access-Accept',
      'attributes:',
      ...VLAN(999),
    ].join('\n'));
  });

  it('a snapshot older than posture.stale_after_seconds is stale: never silently compliant', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true)], Date.now() - 7 * 3600_000); // the default limit is 6 hours
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'eap-tls', '--udid', udid(1)], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^posture: {2}stale \(Jamf computer 1 "mac-1", 252\d\d s old\)$/m);
    expect(r.stdout).toContain('   2. corp-compliant: no — label "jamf-compliant": Jamf posture is stale, not compliant\n   3. corp-remediation: MATCH\n');
  });

  it('the role follows the NAS vendor (--nas picks the client)', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true)]);
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'eap-tls', '--udid', udid(1), '--nas', 'hq-wlc', '--ssid', 'Corp'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^request: {2}eap-tls via NAS hq-wlc \(aruba\), UDID .*, SSID Corp$/m);
    expect(r.stdout).toContain('   1. guests-blocked: no — label "guest-wifi": SSID is "Corp", not Guest, Visitors\n');
    expect(r.stdout).toContain(`attributes:\n${VLAN(10).join('\n')}\n  Aruba-User-Role = corp\n`);
  });

  it('a printer by MAC (MAB): the OUI label matches; the posture of a MAC Jamf does not know is unknown', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true)]);
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'mab', '--mac', '00-1B-63-12-34-56'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'request:  mab via NAS lab-switch (generic), MAC 00:1b:63:12:34:56, user 001b63123456',
      'posture:  unknown (not in the Jamf snapshot)',
      expect.stringMatching(/^policy: {3}[0-9a-f]{12} /),
      '   1. guests-blocked: no — label "guest-wifi": SSID is none, not Guest, Visitors',
      '   2. corp-compliant: no — label "device-certificate": method is mab, not eap-tls; label "jamf-compliant": Jamf posture is unknown, not compliant',
      '   3. corp-remediation: no — label "device-certificate": method is mab, not eap-tls',
      '   4. printers: MATCH',
      'decision: ALLOW by rule "printers" → Access-Accept',
      'attributes:',
      ...VLAN(20),
      '',
    ]);
  });

  it('a device Jamf knows by MAC: its posture is found and used', () => {
    const { dir, configFile, dbPath } = setup({ policy: { ...POLICY, rules: [{ name: 'known', match: [{ mdm: { state: 'compliant' } }], action: 'allow' }] }, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(7, true)]);
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'mab', '--mac', mac(7).toUpperCase()], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^posture: {2}compliant \(Jamf computer 7 "mac-7", \d+ s old\)$/m);
    expect(r.stdout).toContain('decision: ALLOW by rule "known" → Access-Accept\nattributes: none added by the policy\n');
  });

  it('no rule matching: the default, every rule explained; a block prints no attributes', () => {
    const { dir, configFile } = setup({ policy: POLICY, jamf: true });
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'peap', '--user', 'alice@corp.example', '--ssid', 'Guest'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('posture:  unknown (not in the Jamf snapshot)\n'); // no database yet
    expect(r.stdout).toMatch(/ {3}1\. guests-blocked: MATCH\ndecision: BLOCK by rule "guests-blocked" → Access-Reject\n$/);
    const none = cli(['policy', 'test', '-c', configFile, '--method', 'peap', '--user', 'alice@corp.example'], dir);
    expect(none.stdout).toMatch(/ {3}4\. printers: no — label "printers": method is peap, not mab\n {6}\(no rule matched\)\ndecision: BLOCK by the default → Access-Reject\n$/);
  });

  it('without a jamf: section the posture is unknown and says why', () => {
    const { dir, configFile } = setup({ policy: POLICY });
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'eap-tls', '--udid', udid(1)], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('posture:  unknown (no jamf: section)\n');
    expect(r.stdout).toContain('decision: ALLOW by rule "corp-remediation"');
  });

  it('--json: request, posture, decision with decoded attributes, trace', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true)]);
    const r = cli(['policy', 'test', '-c', configFile, '--method', 'eap-tls', '--udid', udid(1), '--json'], dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { request: { udid: string }; posture: { state: string }; decision: { action: string; rule: string; attributes: string[] }; trace: { rule: string; matched: boolean }[] };
    expect(out.request.udid).toBe(udid(1));
    expect(out.posture.state).toBe('compliant');
    expect(out.decision).toMatchObject({ action: 'allow', rule: 'corp-compliant', attributes: [...VLAN(10).map((l) => l.trim()), 'Filter-Id = corp'] });
    expect(out.trace.map((t) => [t.rule, t.matched])).toEqual([['guests-blocked', false], ['corp-compliant', true]]);
  });

  it('--policy FILE evaluates another policy against the same snapshot', () => {
    const { dir, configFile, dbPath } = setup({ policy: POLICY, jamf: true });
    writeSnapshot(dbPath, [jamfDevice(1, true)]);
    const file = writeFile(dir, 'next.yaml', 'rules:\n  - name: tls-only\n    match: [{method: eap-tls, mdm: {state: compliant}}]\n    action: allow\n    apply: {vlan: 42}\n');
    const r = cli(['policy', 'test', '-c', configFile, '--policy', file, '--method', 'eap-tls', '--udid', udid(1)], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`decision: ALLOW by rule "tls-only" → Access-Accept\nattributes:\n${VLAN(42).join('\n')}\n`);
    const bad = writeFile(dir, 'bad.yaml', 'rules:\n  - name: r\n    match: [nope]\n    action: allow\n');
    const refused = cli(['policy', 'test', '-c', configFile, '--policy', bad, '--method', 'eap-tls', '--udid', udid(1)], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${bad}:3:13: rules[0].match[0]: unknown label "nope"`);
  });

  it('refuses a wrong method, a missing device, an unknown NAS and a bad MAC with one clear line', () => {
    const { dir, configFile } = setup({ policy: POLICY });
    const cases: [string[], string][] = [
      [['--method', 'eap-md5', '--mac', mac(1)], 'portcullis: --method must be one of eap-tls, eap-ttls, peap, mab, pap\n'],
      [['--method', 'mab'], 'portcullis: give the device: --udid, --mac or --user\n'],
      [['--method', 'mab', '--mac', mac(1), '--nas', 'core-sw'], 'portcullis: no client named "core-sw" in the config (clients: lab-switch, hq-wlc)\n'],
      [['--method', 'mab', '--mac', 'printer-1'], 'portcullis: "printer-1" is not a MAC address\n'],
      [['--method', 'mab', '--mac', mac(1), '--port-type', 'fibre'], 'portcullis: --port-type must be wired or wireless\n'],
    ];
    for (const [args, message] of cases) {
      const r = cli(['policy', 'test', '-c', configFile, ...args], dir);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toBe(message);
    }
  });
});
