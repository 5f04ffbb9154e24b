// Every error and warning of the policy compiler, each with the exact file:line:column an admin is sent to.
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/compile.js';
import { formatProblem } from '../../src/config/errors.js';
import { compile, dict, problems } from './fixtures.js';

/** The one error of a policy that has exactly one, and no policy compiled. */
function onlyError(text: string): string {
  const r = compile(text);
  expect(r.policy).toBeUndefined();
  expect(r.errors.map(formatProblem)).toHaveLength(1);
  return formatProblem(r.errors[0]);
}

const RULE = '  - name: r\n    action: allow\n';

describe('policy errors (the policy is refused)', () => {
  it('unknown label, with "did you mean" for a near miss', () => {
    const text = 'labels:\n  corp-ssid: {ssid: Corp}\nrules:\n  - name: corp\n    match: [corp-sid]\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:5:13: rules[0].match[0]: unknown label "corp-sid" (did you mean "corp-ssid"?)');
    const far = 'labels:\n  corp-ssid: {ssid: Corp}\nrules:\n  - name: corp\n    match: [corp-ssid, printers]\n    action: allow\n';
    expect(onlyError(far)).toBe('policy.yaml:5:24: rules[0].match[1]: unknown label "printers"');
  });

  it('unknown label in not_match', () => {
    const text = 'labels:\n  lab: {nas_label: lab}\nrules:\n  - name: r\n    match: [lab]\n    not_match:\n      - labb\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:7:9: rules[0].not_match[0]: unknown label "labb" (did you mean "lab"?)');
  });

  it('unknown attribute', () => {
    const text = `rules:\n${RULE}    apply:\n      attributes:\n        Filter-ID-Typo: x\n`;
    expect(onlyError(text)).toBe('policy.yaml:6:25: rules[0].apply.attributes.Filter-ID-Typo: unknown attribute "Filter-ID-Typo" (not in the dictionaries; add a vendor dictionary under dictionaries:)');
  });

  it('VLAN out of range: in vlans: and in apply (rules and default)', () => {
    expect(onlyError('vlans:\n  corp: 10\n  huge: 5000\n')).toBe('policy.yaml:3:9: vlans.huge: VLAN 5000 is out of range 1..4094');
    expect(onlyError('vlans:\n  zero: 0\n')).toBe('policy.yaml:2:9: vlans.zero: VLAN 0 is out of range 1..4094');
    expect(onlyError(`rules:\n${RULE}    apply: {vlan: 4095}\n`)).toBe('policy.yaml:4:19: rules[0].apply.vlan: VLAN 4095 is out of range 1..4094');
    expect(onlyError('default:\n  action: allow\n  apply: {vlan: 0}\n')).toBe('policy.yaml:3:17: default.apply.vlan: VLAN 0 is out of range 1..4094');
  });

  it('unknown VLAN name', () => {
    expect(onlyError(`vlans: {corp: 10, guest: 30}\nrules:\n${RULE}    apply: {vlan: lab}\n`))
      .toBe('policy.yaml:5:19: rules[0].apply.vlan: unknown VLAN name "lab" (vlans: corp, guest)');
    expect(onlyError(`rules:\n${RULE}    apply: {vlan: corp}\n`))
      .toBe('policy.yaml:4:19: rules[0].apply.vlan: unknown VLAN name "corp" (no vlans: are defined)');
  });

  it('vlan_tag without vlan', () => {
    expect(onlyError(`rules:\n${RULE}    apply: {vlan_tag: 2}\n`)).toBe('policy.yaml:4:23: rules[0].apply.vlan_tag: vlan_tag without vlan');
  });

  it('duplicate rule name', () => {
    const text = 'rules:\n  - name: staff\n    match: [{method: peap}]\n    action: allow\n  - name: staff\n    match: [{method: eap-tls}]\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:5:11: rules[1].name: rule name "staff" is used twice (also rule 1)');
  });

  it('bad regular expression: at the key that holds it', () => {
    const text = 'labels:\n  staff:\n    method: peap\n    user: "/^(alice|bob$/"\nrules:\n  - name: r\n    match: [staff]\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:4:11: labels.staff.user: invalid regular expression /^(alice|bob$/: Invalid regular expression: /^(alice|bob$/: Unterminated group');
    const inline = 'rules:\n  - name: r\n    match: [{cert: {issuer: "/CN=(x/"}}]\n    action: allow\n';
    expect(onlyError(inline)).toMatch(/^policy\.yaml:3:29: rules\[0\]\.match\[0\]\.cert\.issuer: invalid regular expression \/CN=\(x\/: /);
  });

  it('bad MAC / OUI', () => {
    const text = 'labels:\n  printers:\n    method: mab\n    mac: ["00:1b:63", "00:1b:6"]\nrules:\n  - name: r\n    match: [printers]\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:4:10: labels.printers.mac: "00:1b:6" is not a MAC address or an OUI prefix (e.g. "00:1b:63" or "00:1b:63:*")');
  });

  it('an EKU that is neither an OID nor a known name (certificates list OIDs: it could never match)', () => {
    const text = 'labels:\n  tls:\n    cert:\n      issuer: "CN=Corp CA"\n      eku: clientAuth\nrules:\n  - name: r\n    match: [tls]\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:5:12: labels.tls.cert.eku: "clientAuth" is not an EKU OID (e.g. "1.3.6.1.5.5.7.3.2") or one of client_auth, server_auth');
  });

  it('bad CIDR', () => {
    const text = 'rules:\n  - name: r\n    match:\n      - nas_ip: 10.0.0.0/33\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:4:17: rules[0].match[0].nas_ip: "10.0.0.0/33" has an invalid prefix length');
    const host = 'rules:\n  - name: r\n    match:\n      - nas_ip: [10.0.0.1, switch-1]\n    action: allow\n';
    expect(onlyError(host)).toBe('policy.yaml:4:17: rules[0].match[0].nas_ip: "switch-1" is not an IP address or CIDR');
  });

  it('empty condition: inline, as a label, and empty cert / device', () => {
    expect(onlyError('rules:\n  - name: r\n    match: [{}]\n    action: allow\n'))
      .toBe('policy.yaml:3:13: rules[0].match[0]: an empty condition matches everything; remove it or add a key');
    expect(onlyError('labels:\n  anything: {}\nrules:\n  - name: r\n    match: [anything]\n    action: allow\n'))
      .toBe('policy.yaml:2:13: labels.anything: an empty condition matches everything; remove it or add a key');
    expect(onlyError('rules:\n  - name: r\n    match: [{cert: {}}]\n    action: allow\n'))
      .toBe('policy.yaml:3:20: rules[0].match[0].cert: needs at least one of cn, subject, issuer, serial, san_dns, san_uri, san_email, eku');
    expect(onlyError('rules:\n  - name: r\n    match: [{device: {}}]\n    action: allow\n'))
      .toBe('policy.yaml:3:22: rules[0].match[0].device: needs at least one of model, os_version, managed, kind');
  });

  it('bad os_version', () => {
    const text = 'labels:\n  new-macs:\n    device: {os_version: "14.x"}\nrules:\n  - name: r\n    match: [new-macs]\n    action: allow\n';
    expect(onlyError(text)).toBe('policy.yaml:3:26: labels.new-macs.device.os_version: must be a minimum version like "14.4" or {min: "14.4", max: "15"}');
    const range = 'labels:\n  new-macs:\n    device: {os_version: {min: "14", max: "fifteen"}}\nrules:\n  - name: r\n    match: [new-macs]\n    action: allow\n';
    expect(onlyError(range)).toBe('policy.yaml:3:43: labels.new-macs.device.os_version.max: must be a version like "14" or "14.4.1"');
  });

  it('encrypted attribute (Tunnel-Password)', () => {
    const text = `rules:\n${RULE}    apply:\n      attributes: {Tunnel-Password: hunter2}\n`;
    expect(onlyError(text)).toBe('policy.yaml:5:37: rules[0].apply.attributes.Tunnel-Password: Tunnel-Password is encrypted per request and cannot be set by policy');
    expect(onlyError(text)).not.toContain('hunter2');
  });

  it('attributes the server computes for each reply (EAP-Message, Message-Authenticator)', () => {
    expect(onlyError(`rules:\n${RULE}    apply:\n      attributes: {Message-Authenticator: "0x00"}\n`))
      .toBe('policy.yaml:5:43: rules[0].apply.attributes.Message-Authenticator: Message-Authenticator is computed by the server for each reply and cannot be set by policy');
    expect(onlyError(`rules:\n${RULE}    apply:\n      attributes: {EAP-Message: "0x03"}\n`))
      .toBe('policy.yaml:5:33: rules[0].apply.attributes.EAP-Message: EAP-Message is computed by the server for each reply and cannot be set by policy');
  });

  it('tag on an untagged attribute, and a tag out of range', () => {
    expect(onlyError(`rules:\n${RULE}    apply:\n      attributes: {"Filter-Id:1": staff}\n`))
      .toBe('policy.yaml:5:35: rules[0].apply.attributes.Filter-Id:1: Filter-Id has no tag');
    expect(onlyError(`rules:\n${RULE}    apply:\n      attributes: {"Tunnel-Type:40": VLAN}\n`))
      .toBe('policy.yaml:5:38: rules[0].apply.attributes.Tunnel-Type:40: tag must be 0..31');
  });

  it('boolean attribute value', () => {
    expect(onlyError(`rules:\n${RULE}    apply:\n      attributes:\n        Filter-Id: true\n`))
      .toBe('policy.yaml:6:20: rules[0].apply.attributes.Filter-Id: Filter-Id needs a string value, not true/false');
  });

  it('YAML syntax error', () => {
    expect(onlyError('rules:\n\t- name: a\n')).toBe('policy.yaml:2:1: YAML syntax: Tabs are not allowed as indentation');
    expect(onlyError('rules:\n  - name: a\n    action: allow: block\n')).toBe('policy.yaml:3:13: YAML syntax: Nested mappings are not allowed in compact mappings');
    expect(onlyError('rules:\n  - name: a\n    name: b\n    action: allow\n')).toBe('policy.yaml:3:5: YAML syntax: Map keys must be unique');
  });

  it('unknown key in a rule, in a condition and at the top: at the key itself', () => {
    expect(onlyError('rules:\n  - name: r\n    action: allow\n    mach: [x]\n')).toBe('policy.yaml:4:11: rules[0].mach: unknown key "mach"');
    expect(onlyError('rules:\n  - name: r\n    match:\n      - ssid: Corp\n        sssid: Guest\n    action: allow\n'))
      .toBe('policy.yaml:5:16: rules[0].match[0].sssid: unknown key "sssid"');
    expect(onlyError('labels:\n  x: {cert: {isuer: "CN=CA"}}\n')).toBe('policy.yaml:2:21: labels.x.cert.isuer: unknown key "isuer"');
    expect(onlyError('rule:\n  - name: r\n')).toBe('policy.yaml:2:3: rule: unknown key "rule"');
  });

  it('a wrong value in an inline condition is reported at its key, in flow and in block style', () => {
    expect(onlyError('rules:\n  - name: r\n    match: [{method: eap-md5}]\n    action: allow\n'))
      .toBe('policy.yaml:3:22: rules[0].match[0].method: must be one of eap-tls, eap-ttls, peap, mab, pap (got "eap-md5")');
    expect(onlyError('rules:\n  - name: r\n    match:\n      - ssid: Corp\n        method: eap-md5\n    action: allow\n'))
      .toBe('policy.yaml:5:17: rules[0].match[0].method: must be one of eap-tls, eap-ttls, peap, mab, pap (got "eap-md5")');
    expect(onlyError('rules:\n  - name: r\n    match: [{ssid: 5}]\n    action: allow\n'))
      .toBe('policy.yaml:3:20: rules[0].match[0].ssid: must be a string or a list of them (got number)');
    expect(onlyError('rules:\n  - name: r\n    match: [5]\n    action: allow\n')).toBe('policy.yaml:3:13: rules[0].match[0]: must be a label name or an inline condition');
  });

  it('a wrong value elsewhere names what is allowed', () => {
    expect(onlyError('rules:\n  - name: r\n    action: permit\n')).toBe('policy.yaml:3:13: rules[0].action: must be one of allow, block (got "permit")');
    expect(onlyError('rules:\n  - name: r\n')).toBe('policy.yaml:2:5: rules[0].action: is required');
    expect(onlyError('labels:\n  x: {mdm: {state: green}}\n')).toBe('policy.yaml:2:20: labels.x.mdm.state: must be one of compliant, non-compliant, unknown, stale (got "green")');
    expect(onlyError('default: maybe\n')).toBe('policy.yaml:1:10: default: must be allow, block, or {action: allow, apply: {...}}');
    expect(onlyError('default: {action: maybe}\n')).toBe('policy.yaml:1:19: default.action: must be one of allow, block (got "maybe")');
    expect(onlyError(`rules:\n${RULE}    apply: {vlan: true}\n`)).toBe('policy.yaml:4:19: rules[0].apply.vlan: must be a VLAN id (1..4094) or a name from vlans:');
    expect(onlyError(`rules:\n${RULE}    apply: {attributes: {Filter-Id: {a: 1}}}\n`))
      .toBe('policy.yaml:4:37: rules[0].apply.attributes.Filter-Id: must be a value (text or number) or a list of values');
    expect(onlyError(`rules:\n${RULE}    apply: {session_timeout: 30}\n`)).toBe('policy.yaml:4:30: rules[0].apply.session_timeout: must be at least 60 seconds');
    expect(onlyError('rules:\n  - name: "a/b"\n    action: allow\n')).toBe('policy.yaml:2:11: rules[0].name: use letters, digits, spaces, ".", "_" or "-"');
  });

  it('every problem is reported at once, errors and warnings, and nothing is compiled', () => {
    const text = 'vlans: {big: 9999}\nlabels:\n  unused: {ssid: X}\nrules:\n  - name: a\n    match: [nope]\n    action: allow\n    apply: {vlan: small}\n';
    const { errors, warnings } = problems(text);
    expect(errors).toEqual([
      'policy.yaml:1:14: vlans.big: VLAN 9999 is out of range 1..4094',
      'policy.yaml:6:13: rules[0].match[0]: unknown label "nope"',
      'policy.yaml:8:19: rules[0].apply.vlan: unknown VLAN name "small" (vlans: big)',
    ]);
    expect(warnings).toEqual(['policy.yaml:3:11: labels.unused: label "unused" is not used by any rule']);
    expect(compile(text).policy).toBeUndefined();
  });
});

describe('policy warnings (the policy is accepted)', () => {
  it('a rule after a catch-all can never match, and the default is never used', () => {
    const text = 'rules:\n  - name: everyone\n    action: allow\n  - name: staff\n    match: [{method: peap}]\n    action: allow\ndefault: block\n';
    const r = compile(text);
    expect(r.policy).toBeDefined();
    expect(r.warnings.map(formatProblem)).toEqual([
      'policy.yaml:4:5: rules[1]: rule "staff" can never match: rule "everyone" before it matches everything',
      'policy.yaml:7:10: default: the default is never used: rule "everyone" matches everything',
    ]);
  });

  it('a disabled catch-all shadows nothing; a disabled rule after a catch-all is not reported', () => {
    expect(problems('rules:\n  - name: everyone\n    enabled: false\n    action: allow\n  - name: staff\n    match: [{method: peap}]\n    action: allow\n').warnings).toEqual([]);
    expect(problems('rules:\n  - name: everyone\n    action: allow\n  - name: old\n    enabled: false\n    action: block\n').warnings).toEqual([]);
  });

  it('a not_match-only rule is no catch-all', () => {
    expect(problems('rules:\n  - name: not-guests\n    not_match: [{ssid: Guest}]\n    action: allow\n  - name: b\n    action: block\n').warnings).toEqual([]);
  });

  it('unused label', () => {
    expect(problems('labels:\n  corp: {ssid: Corp}\n  old:\n    ssid: Legacy\nrules:\n  - name: r\n    match: [corp]\n    action: allow\n').warnings)
      .toEqual(['policy.yaml:4:5: labels.old: label "old" is not used by any rule']);
  });

  it('apply on a block rule (and on a blocking default) is ignored', () => {
    const text = 'rules:\n  - name: guests\n    match: [{ssid: Guest}]\n    action: block\n    apply: {vlan: 30}\n';
    expect(problems(text).warnings).toEqual(['policy.yaml:5:12: rules[0].apply: apply is ignored on a block rule']);
    expect(problems('default:\n  action: block\n  apply: {vlan: 30}\n').warnings).toEqual(['policy.yaml:3:10: default.apply: apply is ignored when the default blocks']);
  });

  it('an mdm condition without a jamf: section', () => {
    const text = 'labels:\n  ok:\n    mdm: {state: compliant}\nrules:\n  - name: r\n    match: [ok]\n    action: allow\n';
    expect(problems(text, { jamfConfigured: false }).warnings).toEqual(['policy.yaml:3:10: labels.ok.mdm: there is no jamf: section: every device\'s posture is "unknown"']);
    expect(problems(text, { jamfConfigured: true }).warnings).toEqual([]);
  });

  it('a nas name that is no client (globs, regexes and any-case names are not reported)', () => {
    const text = 'rules:\n  - name: r\n    match:\n      - nas: [core-sw, core-sw2, "ap-*", "/^wlc/", Branch-AP]\n    action: allow\n';
    expect(problems(text, { clientNames: ['core-sw', 'branch-ap'] }).warnings).toEqual(['policy.yaml:4:14: rules[0].match[0].nas: no client is named "core-sw2"']);
    expect(problems(text).warnings).toEqual([]); // no client list: nothing to compare with
  });
});

describe('a policy inline in the config file (prefix ["policy"])', () => {
  it('reports the config file and its line numbers', () => {
    const text = 'clients:\n  - name: sw\n    address: 10.0.0.1\n    secret: x\npolicy:\n  labels:\n    corp: {ssid: Corp}\n  rules:\n    - name: r\n      match: [corpp]\n      action: allow\n';
    const r = compilePolicy({ file: '/etc/portcullis/config.yaml', text, prefix: ['policy'] }, { dict });
    expect(r.errors.map(formatProblem)).toEqual(['/etc/portcullis/config.yaml:10:15: policy.rules[0].match[0]: unknown label "corpp" (did you mean "corp"?)']);
  });

  it('a YAML error elsewhere in the config is still reported with its line', () => {
    const text = 'clients:\n\t- name: sw\npolicy:\n  rules: []\n';
    expect(compilePolicy({ file: 'c.yaml', text, prefix: ['policy'] }, { dict }).errors.map(formatProblem)).toEqual(['c.yaml:2:1: YAML syntax: Tabs are not allowed as indentation']);
  });
});
