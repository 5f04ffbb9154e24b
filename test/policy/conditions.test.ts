// Every condition key: what matches, what does not, and the reason `policy test` gives when it does not.
import { describe, expect, it } from 'vitest';
import { compileCondition, realmOf, type Check } from '../../src/policy/conditions.js';
import { conditionSchema } from '../../src/policy/schema.js';
import type { PolicyCertificate, PolicyInput } from '../../src/policy/types.js';
import { input, inputFrom, jamfDevice, mac, postureStore, udid } from './fixtures.js';

/** A condition as admins write it (YAML's plain values), compiled. */
function condition(spec: unknown): { holds(i: PolicyInput): boolean; why(i: PolicyInput): string | undefined; checks: Check[] } {
  const checks = compileCondition(conditionSchema.parse(spec));
  return {
    checks,
    holds: (i) => checks.every((c) => c.test(i)),
    why: (i) => checks.find((c) => !c.test(i))?.why(i),
  };
}

const CERT: PolicyCertificate = {
  commonName: 'laptop-42.corp.example',
  subject: 'CN=laptop-42.corp.example,OU=Devices,O=Example Corp',
  issuer: 'CN=Example Device CA,O=Example Corp',
  serialNumber: '4F:1A:00:9C',
  subjectAltNames: ['DNS:laptop-42.corp.example', 'URI:urn:uuid:5e1c7a52-0c4e-4a2c-9d1b-2f5f3c1b0a42', 'email:alice@corp.example'],
  extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
};

describe('request conditions', () => {
  it('method: one value or a list', () => {
    const c = condition({ method: ['eap-tls', 'peap'] });
    expect(c.holds(input({ method: 'peap' }))).toBe(true);
    expect(c.holds(input({ method: 'mab' }))).toBe(false);
    expect(c.why(input({ method: 'mab' }))).toBe('method is mab, not eap-tls, peap');
    expect(condition({ method: 'mab' }).holds(input({ method: 'mab' }))).toBe(true);
  });

  it('nas: client name, exact (any case), glob or regex', () => {
    expect(condition({ nas: 'AP-1' }).holds(input())).toBe(true);
    expect(condition({ nas: 'ap-*' }).holds(input())).toBe(true);
    expect(condition({ nas: '/^ap-\\d+$/' }).holds(input())).toBe(true);
    const sw = condition({ nas: 'sw-*' });
    expect(sw.holds(input())).toBe(false);
    expect(sw.why(input())).toBe('NAS is "ap-1", not sw-*');
  });

  it('nas_label: any of the client\'s labels', () => {
    expect(condition({ nas_label: ['branch', 'hq'] }).holds(input())).toBe(true);
    const c = condition({ nas_label: 'branch' });
    expect(c.holds(input())).toBe(false);
    expect(c.why(input())).toBe('NAS labels are wifi, hq, not branch');
    const bare = input({ nas: { name: 'sw', labels: [], ip: '10.0.0.1', vendor: 'generic' } });
    expect(c.why(bare)).toBe('NAS labels are none, not branch');
  });

  it('nas_ip: addresses and CIDRs, IPv4 and IPv6', () => {
    const c = condition({ nas_ip: ['10.1.0.0/16', '192.0.2.7', '2001:db8:5::/48'] });
    const via = (ip: string) => input({ nas: { name: 'ap-1', labels: [], ip, vendor: 'generic' } });
    expect(c.holds(via('10.1.255.254'))).toBe(true);
    expect(c.holds(via('192.0.2.7'))).toBe(true);
    expect(c.holds(via('2001:db8:5:1::9'))).toBe(true);
    expect(c.holds(via('10.2.0.1'))).toBe(false);
    expect(c.holds(via('192.0.2.8'))).toBe(false);
    expect(c.holds(via('2001:db8:6::1'))).toBe(false);
    expect(c.why(via('10.2.0.1'))).toBe('NAS IP 10.2.0.1 is not in 10.1.0.0/16, 192.0.2.7, 2001:db8:5::/48');
  });

  it('ssid: exact, list or glob; a wired request has none', () => {
    expect(condition({ ssid: 'Corp' }).holds(input({ ssid: 'Corp' }))).toBe(true);
    expect(condition({ ssid: ['Guest', 'Corp'] }).holds(input({ ssid: 'Corp' }))).toBe(true);
    expect(condition({ ssid: 'Corp*' }).holds(input({ ssid: 'Corp-5G' }))).toBe(true);
    const c = condition({ ssid: 'Corp' });
    expect(c.holds(input({ ssid: 'Corporate' }))).toBe(false);
    expect(c.why(input({ ssid: 'Guest' }))).toBe('SSID is "Guest", not Corp');
    expect(c.why(input())).toBe('SSID is none, not Corp');
  });

  it('port_type: wired or wireless, as the NAS reported it', () => {
    const c = condition({ port_type: 'wireless' });
    expect(c.holds(input({ portType: 'wireless' }))).toBe(true);
    expect(c.holds(input({ portType: 'wired' }))).toBe(false);
    expect(c.why(input({ portType: 'wired' }))).toBe('port type is wired, not wireless');
    expect(c.why(input())).toBe('port type is not given by the NAS, not wireless');
    expect(condition({ port_type: ['wired', 'wireless'] }).holds(input({ portType: 'wired' }))).toBe(true);
  });

  it('mac: full MACs in any common format, and OUI prefixes', () => {
    const full = condition({ mac: ['00-1B-63-AA-BB-CC', '0050.56c0.0001', '3C22FB000001'] });
    expect(full.holds(input({ mac: '00:1b:63:aa:bb:cc' }))).toBe(true);
    expect(full.holds(input({ mac: '00:50:56:c0:00:01' }))).toBe(true);
    expect(full.holds(input({ mac: '3c:22:fb:00:00:01' }))).toBe(true);
    expect(full.holds(input({ mac: '00:1b:63:aa:bb:cd' }))).toBe(false);
    for (const oui of ['00:1b:63', '00-1B-63-*', '001b63*', '00:1B:63:*']) {
      const c = condition({ mac: oui });
      expect(c.holds(input({ mac: '00:1b:63:12:34:56' })), oui).toBe(true);
      expect(c.holds(input({ mac: '00:1b:64:12:34:56' })), oui).toBe(false);
    }
    const printers = condition({ mac: '00:1b:63' });
    expect(printers.why(input({ mac: '00:1b:64:12:34:56' }))).toBe('MAC is 00:1b:64:12:34:56, not 00:1b:63');
    expect(printers.holds(input())).toBe(false);
    expect(printers.why(input())).toBe('MAC is none, not 00:1b:63');
  });

  it('user: exact (any case), glob and /regex/flags', () => {
    expect(condition({ user: 'Alice@Corp.Example' }).holds(input({ user: 'alice@corp.example' }))).toBe(true);
    expect(condition({ user: 'host/*.corp.example' }).holds(input({ user: 'host/laptop-42.corp.example' }))).toBe(true);
    expect(condition({ user: 'host/*.corp.example' }).holds(input({ user: 'host/laptop-42.evil.example' }))).toBe(false);
    // Glob metacharacters other than * are literal: "." does not match any character.
    expect(condition({ user: 'a.c' }).holds(input({ user: 'abc' }))).toBe(false);
    const rx = condition({ user: '/^[a-z]+\\.[a-z]+@corp\\.example$/' });
    expect(rx.holds(input({ user: 'alice.smith@corp.example' }))).toBe(true);
    expect(rx.holds(input({ user: 'Alice.Smith@corp.example' }))).toBe(false); // a regex is case-sensitive...
    expect(condition({ user: '/^[a-z]+\\.[a-z]+@corp\\.example$/i' }).holds(input({ user: 'Alice.Smith@corp.example' }))).toBe(true); // ...unless /i
    expect(rx.why(input({ user: 'bob@corp.example' }))).toBe('user is "bob@corp.example", not /^[a-z]+\\.[a-z]+@corp\\.example$/');
    expect(rx.why(input())).toBe('user is none, not /^[a-z]+\\.[a-z]+@corp\\.example$/');
  });

  it('realm: user@realm and DOMAIN\\user', () => {
    expect(realmOf('alice@corp.example')).toBe('corp.example');
    expect(realmOf('CORP\\alice')).toBe('CORP');
    expect(realmOf('alice')).toBeUndefined();
    expect(realmOf('alice@')).toBeUndefined();
    expect(realmOf(undefined)).toBeUndefined();
    const c = condition({ realm: ['corp.example', 'CORP'] });
    expect(c.holds(input({ user: 'alice@corp.example' }))).toBe(true);
    expect(c.holds(input({ user: 'corp\\alice' }))).toBe(true);
    expect(c.holds(input({ user: 'alice@evil.example' }))).toBe(false);
    expect(c.why(input({ user: 'alice@evil.example' }))).toBe('realm is "evil.example", not corp.example, CORP');
    expect(c.why(input({ user: 'alice' }))).toBe('realm is none, not corp.example, CORP');
    expect(condition({ realm: '*.example' }).holds(input({ user: 'alice@corp.example' }))).toBe(true);
  });

  it('udid: the certificate\'s device UDID (any case)', () => {
    const c = condition({ udid: udid(1).toLowerCase() });
    expect(c.holds(input({ udid: udid(1) }))).toBe(true);
    expect(c.holds(input({ udid: udid(2) }))).toBe(false);
    expect(c.why(input())).toBe(`UDID is none, not ${udid(1).toLowerCase()}`);
  });
});

describe('certificate conditions', () => {
  const withCert = input({ certificate: CERT });

  it('cn, subject and issuer: exact or glob', () => {
    expect(condition({ cert: { cn: 'laptop-42.corp.example' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { cn: '*.corp.example' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { subject: '*,O=Example Corp' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { issuer: 'CN=Example Device CA,O=Example Corp' } }).holds(withCert)).toBe(true);
    const issuer = condition({ cert: { issuer: 'CN=Other CA*' } });
    expect(issuer.holds(withCert)).toBe(false);
    expect(issuer.why(withCert)).toBe('certificate issuer is "CN=Example Device CA,O=Example Corp", not CN=Other CA*');
  });

  it('serial: with or without colons, any case', () => {
    expect(condition({ cert: { serial: '4f1a009c' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { serial: '4F:1A:00:9C' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { serial: '4F:1A:00:9D' } }).holds(withCert)).toBe(false);
  });

  it('san_dns, san_uri, san_email: any entry of that kind', () => {
    expect(condition({ cert: { san_dns: '*.corp.example' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { san_dns: '*' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { san_uri: 'urn:uuid:*' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { san_email: '*@corp.example' } }).holds(withCert)).toBe(true);
    // The email SAN is not a DNS SAN.
    const dns = condition({ cert: { san_dns: 'alice@corp.example' } });
    expect(dns.holds(withCert)).toBe(false);
    expect(dns.why(withCert)).toBe('certificate SAN DNS is laptop-42.corp.example, not alice@corp.example');
    const noSan = input({ certificate: { ...CERT, subjectAltNames: [] } });
    expect(condition({ cert: { san_dns: '*' } }).why(noSan)).toBe('there is no certificate SAN DNS');
  });

  it('eku: OIDs or the names client_auth / server_auth', () => {
    expect(condition({ cert: { eku: 'client_auth' } }).holds(withCert)).toBe(true);
    expect(condition({ cert: { eku: '1.3.6.1.5.5.7.3.2' } }).holds(withCert)).toBe(true);
    const server = condition({ cert: { eku: 'server_auth' } });
    expect(server.holds(withCert)).toBe(false);
    expect(server.why(withCert)).toBe('certificate EKU is 1.3.6.1.5.5.7.3.2, not 1.3.6.1.5.5.7.3.1');
  });

  it('every key of one cert condition must hold', () => {
    const c = condition({ cert: { issuer: 'CN=Example Device CA*', san_dns: '*.corp.example', eku: 'client_auth' } });
    expect(c.checks).toHaveLength(3);
    expect(c.holds(withCert)).toBe(true);
    expect(c.holds(input({ certificate: { ...CERT, extendedKeyUsage: [] } }))).toBe(false);
  });

  it('a request without a certificate (MAB, PEAP) matches no cert condition', () => {
    const c = condition({ cert: { cn: '*' } });
    expect(c.holds(input({ method: 'mab' }))).toBe(false);
    expect(c.why(input({ method: 'mab' }))).toBe('certificate CN is none, not *');
    expect(condition({ cert: { eku: 'client_auth' } }).why(input())).toBe('there is no certificate EKU');
  });
});

describe('posture conditions (from a real posture store)', () => {
  const fleet = [
    jamfDevice(1, true),
    jamfDevice(2, false),
    jamfDevice(3, true, { kind: 'mobile', model: 'iPhone 15', osVersion: '17.5', macs: [mac(3)] }),
    jamfDevice(4, false, { managed: false, osVersion: '9.3' }),
    jamfDevice(5, true, { osVersion: '14.10' }),
  ];

  it('mdm state: compliant, non-compliant, unknown', () => {
    const { store } = postureStore(fleet);
    const compliant = condition({ mdm: { provider: 'jamf', state: 'compliant' } });
    expect(compliant.holds(inputFrom(store, { udid: udid(1) }))).toBe(true);
    expect(compliant.holds(inputFrom(store, { method: 'mab', mac: mac(1) }))).toBe(true); // by MAC as well
    expect(compliant.holds(inputFrom(store, { udid: udid(2) }))).toBe(false);
    expect(compliant.why(inputFrom(store, { udid: udid(2) }))).toBe('Jamf posture is non-compliant, not compliant');
    expect(compliant.why(inputFrom(store, { udid: udid(99) }))).toBe('Jamf posture is unknown, not compliant');
    expect(compliant.why(input())).toBe('Jamf posture is unknown, not compliant'); // no posture at all
    expect(condition({ mdm: { state: 'non-compliant' } }).holds(inputFrom(store, { udid: udid(4) }))).toBe(true); // unmanaged
    expect(condition({ mdm: { state: 'unknown' } }).holds(inputFrom(store, { mac: '02:00:00:00:99:99' }))).toBe(true);
    expect(condition({ mdm: { state: ['compliant', 'non-compliant'] } }).holds(inputFrom(store, { udid: udid(2) }))).toBe(true);
  });

  it('mdm state: stale once Jamf has not synced within the limit — never silently compliant', () => {
    const { store, clock } = postureStore(fleet, 60_000);
    const compliant = condition({ mdm: { state: 'compliant' } });
    const stale = condition({ mdm: { state: 'stale' } });
    clock.now = 59_000;
    expect(compliant.holds(inputFrom(store, { udid: udid(1) }))).toBe(true);
    clock.now = 61_000;
    expect(compliant.holds(inputFrom(store, { udid: udid(1) }))).toBe(false);
    expect(stale.holds(inputFrom(store, { udid: udid(1) }))).toBe(true);
    expect(compliant.why(inputFrom(store, { udid: udid(1) }))).toBe('Jamf posture is stale, not compliant');
  });

  it('device model (exact or glob) and kind', () => {
    const { store } = postureStore(fleet);
    expect(condition({ device: { model: 'MacBook Pro*' } }).holds(inputFrom(store, { udid: udid(1) }))).toBe(true);
    expect(condition({ device: { model: 'iPhone 15' } }).holds(inputFrom(store, { udid: udid(3) }))).toBe(true);
    const model = condition({ device: { model: 'MacBook Air*' } });
    expect(model.why(inputFrom(store, { udid: udid(1) }))).toBe('Jamf model is "MacBook Pro (14-inch, 2023)", not MacBook Air*');
    const mobile = condition({ device: { kind: 'mobile' } });
    expect(mobile.holds(inputFrom(store, { udid: udid(3) }))).toBe(true);
    expect(mobile.why(inputFrom(store, { udid: udid(1) }))).toBe('Jamf device kind is computer');
    expect(mobile.why(inputFrom(store, { udid: udid(99) }))).toBe('Jamf does not know this device');
  });

  it('device os_version: minimum, or min/max, compared number by number (14.10 > 14.9, 9.3 < 14)', () => {
    const { store } = postureStore(fleet);
    const atLeast14 = condition({ device: { os_version: '14' } });
    expect(atLeast14.holds(inputFrom(store, { udid: udid(1) }))).toBe(true); // 14.4.1
    expect(atLeast14.holds(inputFrom(store, { udid: udid(4) }))).toBe(false); // 9.3: not "9" > "1"
    expect(atLeast14.why(inputFrom(store, { udid: udid(4) }))).toBe('Jamf OS version is "9.3", not >= 14');
    expect(condition({ device: { os_version: '14.9' } }).holds(inputFrom(store, { udid: udid(5) }))).toBe(true); // 14.10
    expect(condition({ device: { os_version: '14.4.1' } }).holds(inputFrom(store, { udid: udid(1) }))).toBe(true); // equal
    expect(condition({ device: { os_version: '14.4.2' } }).holds(inputFrom(store, { udid: udid(1) }))).toBe(false);
    const range = condition({ device: { os_version: { min: '14', max: '14.9' } } });
    expect(range.holds(inputFrom(store, { udid: udid(1) }))).toBe(true);
    expect(range.holds(inputFrom(store, { udid: udid(5) }))).toBe(false);
    expect(range.why(inputFrom(store, { udid: udid(5) }))).toBe('Jamf OS version is "14.10", not >= 14 and <= 14.9');
    const max = condition({ device: { os_version: { max: '15' } } });
    expect(max.holds(inputFrom(store, { udid: udid(3) }))).toBe(false); // iOS 17.5
    expect(max.why(inputFrom(store, { udid: udid(99) }))).toBe('Jamf OS version is none, not <= 15');
  });

  it('device managed', () => {
    const { store } = postureStore(fleet);
    expect(condition({ device: { managed: true } }).holds(inputFrom(store, { udid: udid(1) }))).toBe(true);
    expect(condition({ device: { managed: false } }).holds(inputFrom(store, { udid: udid(4) }))).toBe(true);
    expect(condition({ device: { managed: true } }).why(inputFrom(store, { udid: udid(4) }))).toBe('Jamf managed is false');
    expect(condition({ device: { managed: false } }).holds(inputFrom(store, { udid: udid(99) }))).toBe(false); // unknown is not "unmanaged"
  });

  it('same_device: the certificate UDID and the MAC are one Jamf device (a copied certificate is not)', () => {
    const { store } = postureStore(fleet);
    const same = condition({ same_device: true });
    expect(same.holds(inputFrom(store, { udid: udid(1), mac: mac(1) }))).toBe(true);
    // Device 1's certificate presented from device 2's MAC.
    const copied = inputFrom(store, { udid: udid(1), mac: mac(2) });
    expect(same.holds(copied)).toBe(false);
    expect(same.why(copied)).toBe(`MAC ${mac(2)} is not one of Jamf's MACs for UDID ${udid(1)} (${mac(1)})`);
    expect(condition({ same_device: false }).holds(copied)).toBe(true);
    expect(condition({ same_device: false }).why(inputFrom(store, { udid: udid(1), mac: mac(1) })))
      .toBe('the certificate UDID and the MAC belong to the same Jamf device');
    expect(same.why(inputFrom(store, { mac: mac(1) }))).toBe('no certificate UDID');
    expect(same.why(inputFrom(store, { udid: udid(1) }))).toBe('no MAC in the request');
    expect(same.why(inputFrom(store, { udid: udid(99), mac: mac(1) }))).toBe(`Jamf does not know UDID ${udid(99)}`);
  });
});

describe('one condition object', () => {
  it('all of its keys must hold; a list within a key is any-of', () => {
    const c = condition({ method: 'eap-tls', ssid: ['Corp', 'Corp-5G'], nas_label: 'wifi' });
    expect(c.holds(input({ ssid: 'Corp-5G' }))).toBe(true);
    expect(c.holds(input({ ssid: 'Corp-5G', method: 'peap' }))).toBe(false);
    expect(c.holds(input({ ssid: 'Guest' }))).toBe(false);
  });
});
