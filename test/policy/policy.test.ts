// Evaluation: first match wins, not_match, disabled rules, the default, hit counters and the explanation.
import { describe, expect, it } from 'vitest';
import { input, inputFrom, jamfDevice, lines, mac, mustCompile, postureStore, udid } from './fixtures.js';

const POLICY = `
vlans: {corp: 10, remediation: 999}
labels:
  corp-ssid: {ssid: [Corp, Corp-5G]}
  device-cert: {method: eap-tls, cert: {issuer: "CN=Example Device CA*"}}
  jamf-compliant: {mdm: {provider: jamf, state: compliant}}
  printers: {method: mab, mac: ["00:1b:63"]}
  lab: {nas_label: lab}
rules:
  - name: corp-compliant
    match: [corp-ssid, device-cert, jamf-compliant]
    not_match: [lab]
    action: allow
    apply: {vlan: corp, role: employee}
  - name: corp-remediation
    match: [corp-ssid, device-cert]
    action: allow
    apply: {vlan: remediation, session_timeout: 600}
  - name: old-printers
    enabled: false
    match: [printers]
    action: allow
    apply: {vlan: 50}
  - name: printers
    match: [printers]
    action: allow
    apply: {vlan: 60}
  - name: guests
    match: [{ssid: Guest}]
    action: block
`;

const CERT = { subject: 'CN=laptop-1', issuer: 'CN=Example Device CA,O=Example', serialNumber: '01', subjectAltNames: [], extendedKeyUsage: [] };
const fleet = [jamfDevice(1, true), jamfDevice(2, false)];

describe('CompiledPolicy', () => {
  it('first match wins: a compliant device gets the corp VLAN, a non-compliant one the remediation VLAN', () => {
    const policy = mustCompile(POLICY);
    const { store } = postureStore(fleet);
    const good = policy.evaluate(inputFrom(store, { ssid: 'Corp', udid: udid(1), mac: mac(1), certificate: CERT }));
    expect(good).toMatchObject({ action: 'allow', rule: 'corp-compliant', ruleIndex: 0, policyVersion: policy.version });
    expect(lines(good.attributes)).toEqual(['Tunnel-Type:1 = VLAN', 'Tunnel-Medium-Type:1 = IEEE-802', 'Tunnel-Private-Group-Id:1 = 10', 'Filter-Id = employee']);
    const bad = policy.evaluate(inputFrom(store, { ssid: 'Corp', udid: udid(2), mac: mac(2), certificate: CERT }));
    expect(bad).toMatchObject({ action: 'allow', rule: 'corp-remediation', ruleIndex: 1 });
    expect(lines(bad.attributes)).toEqual(['Tunnel-Type:1 = VLAN', 'Tunnel-Medium-Type:1 = IEEE-802', 'Tunnel-Private-Group-Id:1 = 999', 'Session-Timeout = 600']);
  });

  it('not_match: a rule is skipped when any of its not_match items holds', () => {
    const policy = mustCompile(POLICY);
    const { store } = postureStore(fleet);
    const viaLab = inputFrom(store, { ssid: 'Corp', udid: udid(1), certificate: CERT, nas: { name: 'lab-ap', labels: ['lab'], ip: '10.9.0.1', vendor: 'generic' } });
    expect(policy.evaluate(viaLab).rule).toBe('corp-remediation');
  });

  it('a disabled rule is never matched', () => {
    const policy = mustCompile(POLICY);
    const d = policy.evaluate(input({ method: 'mab', mac: '00:1b:63:00:00:07' }));
    expect(d.rule).toBe('printers');
    expect(lines(d.attributes)).toContain('Tunnel-Private-Group-Id:1 = 60');
  });

  it('a block rule sends no attributes; nothing matching falls to the default (block unless configured)', () => {
    const policy = mustCompile(POLICY);
    expect(policy.evaluate(input({ ssid: 'Guest' }))).toMatchObject({ action: 'block', rule: 'guests', ruleIndex: 4, attributes: [] });
    expect(policy.defaultAction).toBe('block');
    expect(policy.evaluate(input({ ssid: 'Other', method: 'peap' }))).toMatchObject({ action: 'block', rule: 'default', ruleIndex: -1, attributes: [] });
  });

  it('a default allow with apply sends its attributes; a block rule ahead of it still blocks', () => {
    const policy = mustCompile(`
rules:
  - name: no-mab
    match: [{method: mab}]
    action: block
    apply: {vlan: 5}
default: {action: allow, apply: {vlan: 30, attributes: {Reply-Message: "guest access"}}}
`);
    const d = policy.evaluate(input({ method: 'peap', user: 'bob' }));
    expect(d).toMatchObject({ action: 'allow', rule: 'default' });
    expect(lines(d.attributes)).toEqual(['Tunnel-Type:1 = VLAN', 'Tunnel-Medium-Type:1 = IEEE-802', 'Tunnel-Private-Group-Id:1 = 30', 'Reply-Message = guest access']);
    expect(policy.evaluate(input({ method: 'mab', mac: mac(1) }))).toMatchObject({ action: 'block', rule: 'no-mab', attributes: [] });
    expect(mustCompile('default: allow\n').evaluate(input())).toMatchObject({ action: 'allow', rule: 'default', attributes: [] });
  });

  it('every item of match must hold (labels and inline conditions together)', () => {
    const policy = mustCompile(`
labels:
  wifi: {port_type: wireless}
rules:
  - name: both
    match: [wifi, {user: "*@corp.example"}]
    action: allow
`);
    expect(policy.evaluate(input({ portType: 'wireless', user: 'a@corp.example' })).rule).toBe('both');
    expect(policy.evaluate(input({ portType: 'wired', user: 'a@corp.example' })).rule).toBe('default');
    expect(policy.evaluate(input({ portType: 'wireless', user: 'a@evil.example' })).rule).toBe('default');
  });

  it('counts hits per rule and for the default; peek() and explain() count nothing', () => {
    const policy = mustCompile(POLICY);
    const guest = input({ ssid: 'Guest' });
    const printer = input({ method: 'mab', mac: '00:1b:63:00:00:07' });
    policy.evaluate(guest);
    policy.evaluate(guest);
    policy.evaluate(printer);
    policy.evaluate(input());
    expect(policy.peek(printer).rule).toBe('printers');
    expect(policy.explain(printer).decision.rule).toBe('printers');
    expect(policy.hitCounts()).toEqual([
      { rule: 'corp-compliant', hits: 0 },
      { rule: 'corp-remediation', hits: 0 },
      { rule: 'old-printers', hits: 0 },
      { rule: 'printers', hits: 1 },
      { rule: 'guests', hits: 2 },
      { rule: 'default', hits: 1 },
    ]);
  });

  it('decisions are per rule and NAS vendor, and cannot be changed by whoever receives them', () => {
    const policy = mustCompile(POLICY);
    const printer = (vendor: 'generic' | 'aruba') => input({ method: 'mab', mac: '00:1b:63:00:00:07', nas: { name: 'sw', labels: [], ip: '10.0.0.9', vendor } });
    const generic = policy.evaluate(printer('generic'));
    expect(policy.evaluate(printer('generic'))).toEqual(generic);
    expect(policy.evaluate(printer('aruba'))).toMatchObject({ rule: 'printers', signature: policy.rules[3].apply.signature.aruba });
    expect(() => {
      (generic as { rule: string }).rule = 'tampered';
    }).toThrow(TypeError);
    expect(policy.evaluate(printer('generic')).rule).toBe('printers');
    expect(policy.evaluate(input({ ssid: 'Nowhere' }))).toEqual({ action: 'block', rule: 'default', ruleIndex: -1, attributes: [], signature: 'block', policyVersion: policy.version });
  });

  it('peek() gives the same decision as evaluate()', () => {
    const policy = mustCompile(POLICY);
    const { store } = postureStore(fleet);
    for (const i of [inputFrom(store, { ssid: 'Corp', udid: udid(2), certificate: CERT }), input({ ssid: 'Guest' }), input({ method: 'mab', mac: '00:1b:63:00:00:07' }), input()]) {
      expect(policy.peek(i)).toEqual(policy.evaluate(i));
    }
  });

  it('explain(): every rule up to the match, with the first failing condition of each item', () => {
    const policy = mustCompile(POLICY);
    const { store } = postureStore(fleet);
    const { decision, trace } = policy.explain(inputFrom(store, { method: 'mab', mac: '00:1b:63:00:00:07', ssid: 'Corp' }));
    expect(decision.rule).toBe('printers');
    expect(trace).toEqual([
      { rule: 'corp-compliant', enabled: true, matched: false, reasons: ['label "device-cert": method is mab, not eap-tls', 'label "jamf-compliant": Jamf posture is unknown, not compliant'] },
      { rule: 'corp-remediation', enabled: true, matched: false, reasons: ['label "device-cert": method is mab, not eap-tls'] },
      { rule: 'old-printers', enabled: false, matched: false, reasons: ['disabled'] },
      { rule: 'printers', enabled: true, matched: true, reasons: [] },
    ]);
  });

  it('explain(): a not_match that holds and an inline condition are named; no match lists every rule', () => {
    const policy = mustCompile(POLICY);
    const { store } = postureStore(fleet);
    const viaLab = inputFrom(store, { ssid: 'Corp', udid: udid(1), certificate: CERT, nas: { name: 'lab-ap', labels: ['lab'], ip: '10.9.0.1', vendor: 'generic' } });
    expect(policy.explain(viaLab).trace[0].reasons).toEqual(['not_match label "lab": NAS label is lab holds']);
    const { decision, trace } = policy.explain(input({ method: 'peap', ssid: 'Lobby' }));
    expect(decision).toMatchObject({ rule: 'default', action: 'block' });
    expect(trace.map((t) => t.rule)).toEqual(['corp-compliant', 'corp-remediation', 'old-printers', 'printers', 'guests']);
    expect(trace[4].reasons).toEqual(['SSID is "Lobby", not Guest']);
  });

  it('the signature tells whether two decisions send the same attributes (what CoA compares)', () => {
    const policy = mustCompile(`
vlans: {corp: 10}
rules:
  - name: a
    match: [{ssid: A}]
    action: allow
    apply: {vlan: corp}
  - name: b
    match: [{ssid: B}]
    action: allow
    apply: {vlan: 10}
  - name: c
    match: [{ssid: C}]
    action: allow
    apply: {vlan: 10, role: staff}
  - name: d
    match: [{ssid: D}]
    action: block
`);
    const sig = (ssid: string, vendor: 'generic' | 'aruba' = 'generic') => policy.peek(input({ ssid, nas: { name: 'n', labels: [], ip: '10.0.0.1', vendor } })).signature;
    expect(sig('A')).toMatch(/^[0-9a-f]{12}$/);
    expect(sig('B')).toBe(sig('A')); // another rule, the same attributes
    expect(sig('C')).not.toBe(sig('A'));
    expect(sig('C', 'aruba')).not.toBe(sig('C')); // Aruba-User-Role instead of Filter-Id
    expect(sig('D')).toBe('block');
    expect(sig('none')).toBe('block');
    expect(mustCompile('default: allow\n').peek(input()).signature).not.toBe(sig('A'));
  });

  it('the version is a hash of the policy: the same text gives the same version, a change a new one', () => {
    const a = mustCompile(POLICY);
    expect(mustCompile(POLICY).version).toBe(a.version);
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(mustCompile(POLICY.replace('corp: 10', 'corp: 11')).version).not.toBe(a.version);
    expect(a.source).toBe('policy.yaml');
  });
});
