// `apply:` → the exact attributes of the Access-Accept: checked by decoding them with our dictionary and, for the
// standard and common vendor attributes, byte for byte against the npm `radius` package as an oracle.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import radius, { type OracleAttribute } from 'radius';
import { describe, expect, it } from 'vitest';
import { compileApply, type ApplyProblem } from '../../src/policy/apply.js';
import { applySchema } from '../../src/policy/schema.js';
import { VENDORS, type Vendor } from '../../src/policy/types.js';
import { encodePacket, type RawAttribute } from '../../src/radius/codec/packet.js';
import { parseDictionaryText } from '../../src/radius/dictionary/parser.js';
import { dict, input, lines, mustCompile } from './fixtures.js';

// The oracle ships RFC dictionaries; Aruba comes from its own test folder, Cisco and HP get a line each here.
const oracleRoot = dirname(createRequire(import.meta.url).resolve('radius/package.json'));
radius.add_dictionary(join(oracleRoot, 'test', 'dictionaries', 'dictionary.aruba'));
const oracleVendors = join(mkdtempSync(join(tmpdir(), 'policy-oracle-')), 'dictionary.vendors');
writeFileSync(oracleVendors, [
  'VENDOR Cisco 9', 'BEGIN-VENDOR Cisco', 'ATTRIBUTE Cisco-AVPair 1 string', 'END-VENDOR Cisco',
  'VENDOR HP 11', 'BEGIN-VENDOR HP', 'ATTRIBUTE HP-User-Role 25 string', 'END-VENDOR HP', '',
].join('\n'));
radius.add_dictionary(oracleVendors);

/** The attribute bytes of a packet (after the 20-octet header). */
const wire = (attributes: readonly RawAttribute[]) => encodePacket({ code: 2, identifier: 1, authenticator: Buffer.alloc(16), attributes }).subarray(20);
const oracleWire = (attributes: OracleAttribute[]) =>
  radius.encode({ code: 'Access-Accept', secret: 's', identifier: 1, authenticator: Buffer.alloc(16), attributes }).subarray(20);

/** Compiles one apply block on its own; problems are collected instead of thrown. */
function apply(spec: unknown, vlans: Record<string, number> = {}) {
  const problems: ApplyProblem[] = [];
  const compiled = compileApply(applySchema.parse(spec), dict, vlans, (p) => problems.push(p));
  return { compiled, problems, generic: compiled.byVendor.generic };
}

describe('VLAN assignment (RFC 3580 §3.31)', () => {
  it('vlan: 10 → Tunnel-Type VLAN, Tunnel-Medium-Type IEEE-802, Tunnel-Private-Group-Id "10", all with tag 1', () => {
    const { generic, problems, compiled } = apply({ vlan: 10 });
    expect(problems).toEqual([]);
    expect(compiled.vlan).toBe(10);
    expect(lines(generic)).toEqual(['Tunnel-Type:1 = VLAN', 'Tunnel-Medium-Type:1 = IEEE-802', 'Tunnel-Private-Group-Id:1 = 10']);
    // RFC 2868: the tag takes the first octet of the integer; the string gets it prepended.
    expect(wire(generic).toString('hex')).toBe('4006' + '0100000d' + '4106' + '01000006' + '5105' + '01' + Buffer.from('10').toString('hex'));
    expect(wire(generic)).toEqual(oracleWire([['Tunnel-Type', 1, 'VLAN'], ['Tunnel-Medium-Type', 1, 'IEEE-802'], ['Tunnel-Private-Group-Id', 1, '10']]));
  });

  it('a named VLAN from vlans:, and a number written as text', () => {
    expect(lines(apply({ vlan: 'corp' }, { corp: 110 }).generic)).toContain('Tunnel-Private-Group-Id:1 = 110');
    expect(lines(apply({ vlan: '4094' }).generic)).toContain('Tunnel-Private-Group-Id:1 = 4094');
  });

  it('vlan_tag sets the tag; 0 sends the attributes untagged', () => {
    const tagged = apply({ vlan: 20, vlan_tag: 5 }).generic;
    expect(lines(tagged)).toEqual(['Tunnel-Type:5 = VLAN', 'Tunnel-Medium-Type:5 = IEEE-802', 'Tunnel-Private-Group-Id:5 = 20']);
    expect(wire(tagged)).toEqual(oracleWire([['Tunnel-Type', 5, 'VLAN'], ['Tunnel-Medium-Type', 5, 'IEEE-802'], ['Tunnel-Private-Group-Id', 5, '20']]));
    const untagged = apply({ vlan: 20, vlan_tag: 0 }).generic;
    // Integers still carry the (zero) tag octet; "20" starts with a printable octet, so no tag octet is sent.
    expect(wire(untagged).toString('hex')).toBe('4006' + '0000000d' + '4106' + '00000006' + '5104' + Buffer.from('20').toString('hex'));
    expect(wire(untagged)).toEqual(oracleWire([['Tunnel-Type', 0, 'VLAN'], ['Tunnel-Medium-Type', 0, 'IEEE-802'], ['Tunnel-Private-Group-Id', '20']]));
  });

  it('refuses a VLAN out of range, an unknown name and a tag without a VLAN', () => {
    expect(apply({ vlan: 4095 }).problems).toEqual([{ path: ['vlan'], message: 'VLAN 4095 is out of range 1..4094' }]);
    expect(apply({ vlan: 0 }).problems).toEqual([{ path: ['vlan'], message: 'VLAN 0 is out of range 1..4094' }]);
    expect(apply({ vlan: 10.5 }).problems).toEqual([{ path: ['vlan'], message: 'VLAN 10.5 is out of range 1..4094' }]);
    expect(apply({ vlan: 'lab' }, { corp: 10, guest: 30 }).problems).toEqual([{ path: ['vlan'], message: 'unknown VLAN name "lab" (vlans: corp, guest)' }]);
    expect(apply({ vlan: 'lab' }).problems).toEqual([{ path: ['vlan'], message: 'unknown VLAN name "lab" (no vlans: are defined)' }]);
    expect(apply({ vlan_tag: 2 }).problems).toEqual([{ path: ['vlan_tag'], message: 'vlan_tag without vlan' }]);
    expect(apply({ vlan: 4095 }).generic).toEqual([]);
  });
});

describe('session timeout and attributes', () => {
  it('session_timeout → Session-Timeout (RFC 2865 §5.27)', () => {
    const { generic } = apply({ session_timeout: 28_800 });
    expect(lines(generic)).toEqual(['Session-Timeout = 28800']);
    expect(wire(generic)).toEqual(oracleWire([['Session-Timeout', 28_800]]));
  });

  it('standard attributes by name: text, numbers, VALUE names, lists', () => {
    const { generic, problems } = apply({
      attributes: { 'Filter-Id': 'staff-acl', 'Reply-Message': ['Welcome', 'to Corp'], 'Service-Type': 'Framed-User', 'Idle-Timeout': 600 },
    });
    expect(problems).toEqual([]);
    expect(lines(generic)).toEqual(['Filter-Id = staff-acl', 'Reply-Message = Welcome', 'Reply-Message = to Corp', 'Service-Type = Framed-User', 'Idle-Timeout = 600']);
    expect(wire(generic)).toEqual(oracleWire([
      ['Filter-Id', 'staff-acl'], ['Reply-Message', 'Welcome'], ['Reply-Message', 'to Corp'], ['Service-Type', 'Framed-User'], ['Idle-Timeout', 600],
    ]));
  });

  it('a number given for a text attribute is sent as its digits', () => {
    expect(lines(apply({ attributes: { 'Filter-Id': 42 } }).generic)).toEqual(['Filter-Id = 42']);
  });

  it('vendor attributes (Aruba-User-Role, Cisco-AVPair) go out as Vendor-Specific', () => {
    const { generic } = apply({ attributes: { 'Aruba-User-Role': 'employee', 'Cisco-AVPair': ['url-redirect-acl=none', 'tunnel-private-group-id=10'] } });
    expect(lines(generic)).toEqual(['Aruba-User-Role = employee', 'Cisco-AVPair = url-redirect-acl=none', 'Cisco-AVPair = tunnel-private-group-id=10']);
    expect(generic.every((a) => a.type === 26)).toBe(true);
    expect(wire(generic)).toEqual(oracleWire([
      ['Vendor-Specific', 14823, [['Aruba-User-Role', 'employee']]],
      ['Vendor-Specific', 9, [['Cisco-AVPair', 'url-redirect-acl=none']]],
      ['Vendor-Specific', 9, [['Cisco-AVPair', 'tunnel-private-group-id=10']]],
    ]));
  });

  it('"Name:tag" sets an RFC 2868 tag on a tagged attribute', () => {
    const { generic, problems } = apply({ attributes: { 'Tunnel-Type:2': 'VLAN', 'Tunnel-Medium-Type:2': 'IEEE-802', 'Tunnel-Private-Group-Id:2': 300 } });
    expect(problems).toEqual([]);
    expect(lines(generic)).toEqual(['Tunnel-Type:2 = VLAN', 'Tunnel-Medium-Type:2 = IEEE-802', 'Tunnel-Private-Group-Id:2 = 300']);
    expect(wire(generic)).toEqual(oracleWire([['Tunnel-Type', 2, 'VLAN'], ['Tunnel-Medium-Type', 2, 'IEEE-802'], ['Tunnel-Private-Group-Id', 2, '300']]));
  });

  it('refuses what cannot be sent, each with its reason', () => {
    const cases: [Record<string, unknown>, ApplyProblem][] = [
      [{ 'Filter-ID-Typo': 'x' }, { path: ['attributes', 'Filter-ID-Typo'], message: 'unknown attribute "Filter-ID-Typo" (not in the dictionaries; add a vendor dictionary under dictionaries:)' }],
      [{ 'Tunnel-Password': 'secret' }, { path: ['attributes', 'Tunnel-Password'], message: 'Tunnel-Password is encrypted per request and cannot be set by policy' }],
      [{ 'Tunnel-Password:1': 'secret' }, { path: ['attributes', 'Tunnel-Password:1'], message: 'Tunnel-Password is encrypted per request and cannot be set by policy' }],
      [{ 'Filter-Id:1': 'x' }, { path: ['attributes', 'Filter-Id:1'], message: 'Filter-Id has no tag' }],
      [{ 'Tunnel-Type:32': 'VLAN' }, { path: ['attributes', 'Tunnel-Type:32'], message: 'tag must be 0..31' }],
      [{ 'Filter-Id': true }, { path: ['attributes', 'Filter-Id'], message: 'Filter-Id needs a string value, not true/false' }],
      [{ 'Session-Timeout': 'forever' }, { path: ['attributes', 'Session-Timeout'], message: 'forever is not a valid integer (0..4294967295)' }],
      [{ 'Tunnel-Type': 'VLANN' }, { path: ['attributes', 'Tunnel-Type'], message: expect.stringMatching(/^"VLANN" is not a value of Tunnel-Type \(known: /) as unknown as string }],
    ];
    for (const [attributes, problem] of cases) {
      const r = apply({ attributes });
      expect(r.problems, JSON.stringify(attributes)).toEqual([problem]);
      expect(r.generic, JSON.stringify(attributes)).toEqual([]);
    }
  });
});

describe('role per NAS vendor', () => {
  const expected: Record<Vendor, string> = {
    generic: 'Filter-Id = staff',
    hostapd: 'Filter-Id = staff',
    meraki: 'Filter-Id = staff',
    juniper: 'Filter-Id = staff',
    mist: 'Filter-Id = staff',
    ruckus: 'Filter-Id = staff',
    aruba: 'Aruba-User-Role = staff',
    hp: 'HP-User-Role = staff',
    cisco: 'Cisco-AVPair = ACS:CiscoSecure-Defined-ACL=staff',
  };

  it('each vendor gets the attribute its NAS reads, after the VLAN', () => {
    const { compiled, problems } = apply({ vlan: 10, role: 'staff' });
    expect(problems).toEqual([]);
    expect(compiled.role).toBe('staff');
    for (const vendor of VENDORS) {
      expect(lines(compiled.byVendor[vendor]), vendor).toEqual(['Tunnel-Type:1 = VLAN', 'Tunnel-Medium-Type:1 = IEEE-802', 'Tunnel-Private-Group-Id:1 = 10', expected[vendor]]);
    }
    const role = (v: Vendor) => wire(compiled.byVendor[v].slice(3));
    expect(role('generic')).toEqual(oracleWire([['Filter-Id', 'staff']]));
    expect(role('aruba')).toEqual(oracleWire([['Vendor-Specific', 14823, [['Aruba-User-Role', 'staff']]]]));
    expect(role('hp')).toEqual(oracleWire([['Vendor-Specific', 11, [['HP-User-Role', 'staff']]]]));
    expect(role('cisco')).toEqual(oracleWire([['Vendor-Specific', 9, [['Cisco-AVPair', 'ACS:CiscoSecure-Defined-ACL=staff']]]]));
  });

  it('the decision picks the list for the NAS the request came through', () => {
    const policy = mustCompile('rules:\n  - name: staff\n    action: allow\n    apply: {role: staff}\n');
    const via = (vendor: Vendor) => lines(policy.evaluate(input({ nas: { name: 'n', labels: [], ip: '10.0.0.1', vendor } })).attributes);
    expect(via('aruba')).toEqual(['Aruba-User-Role = staff']);
    expect(via('cisco')).toEqual(['Cisco-AVPair = ACS:CiscoSecure-Defined-ACL=staff']);
    expect(via('mist')).toEqual(['Filter-Id = staff']);
  });

  it('a role whose vendor attribute is missing from the dictionaries is an error naming it', () => {
    const rfcOnly = parseDictionaryText([
      'ATTRIBUTE Filter-Id 11 string',
      'VENDOR HP 11', 'BEGIN-VENDOR HP', 'ATTRIBUTE HP-User-Role 25 string', 'END-VENDOR HP', '',
    ].join('\n'));
    const problems: ApplyProblem[] = [];
    compileApply(applySchema.parse({ role: 'staff' }), rfcOnly, {}, (p) => problems.push(p));
    expect(problems).toEqual([
      { path: ['role'], message: 'the cisco role attribute Cisco-AVPair is not in the dictionaries' },
      { path: ['role'], message: 'the aruba role attribute Aruba-User-Role is not in the dictionaries' },
    ]);
  });
});
