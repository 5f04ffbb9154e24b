// The policy's view of an Access-Request: SSID from Called-Station-Id, wired/wireless from NAS-Port-Type,
// the NAS from the client config, and what the authentication proved.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { policyRequest, ssidOf } from '../../src/server/policy-request.js';
import { encodeAttribute } from '../../src/radius/codec/attributes.js';
import { decodePacket, encodePacket } from '../../src/radius/codec/packet.js';
import type { RadiusRequest } from '../../src/radius/server/types.js';
import { dict } from './fixtures.js';

describe('ssidOf (RFC 3580 §3.20 Called-Station-Id "MAC:SSID")', () => {
  it('takes the SSID after the AP MAC, in any MAC notation', () => {
    expect(ssidOf('00-11-22-33-44-55:Corp')).toBe('Corp');
    expect(ssidOf('00:11:22:33:44:55:Corp')).toBe('Corp');
    expect(ssidOf('001122334455:Corp')).toBe('Corp');
    expect(ssidOf('0011.2233.4455:Corp')).toBe('Corp');
    expect(ssidOf('AA-BB-CC-DD-EE-FF:Café Wi-Fi')).toBe('Café Wi-Fi');
  });

  it('keeps colons inside the SSID', () => {
    expect(ssidOf('00-11-22-33-44-55:Corp:5GHz')).toBe('Corp:5GHz');
  });

  it('has none for a switch port (MAC only), an empty value or a non-MAC prefix', () => {
    expect(ssidOf('00-11-22-33-44-55')).toBeUndefined();
    expect(ssidOf('00-11-22-33-44-55:')).toBeUndefined();
    expect(ssidOf('')).toBeUndefined();
    expect(ssidOf(undefined)).toBeUndefined();
    expect(ssidOf('Corp')).toBeUndefined();
    expect(ssidOf('switch-1:Gi1/0/1')).toBeUndefined();
  });
});

const config = parseConfig([
  'clients:',
  '  - name: hq-wlc',
  '    address: 10.20.0.0/24',
  '    secret: not-a-real-secret-123',
  '    vendor: aruba',
  '    labels: [wifi, hq]',
].join('\n'), 'config.yaml');

function accessRequest(attributes: [string, string | number][]): RadiusRequest {
  const bytes = encodePacket({ code: 1, identifier: 9, authenticator: Buffer.alloc(16, 7), attributes: attributes.map(([n, v]) => encodeAttribute(dict, n, v)) });
  return { client: config.clients[0], packet: decodePacket(bytes), source: { address: '10.20.0.5', port: 40_000 }, secret: Buffer.from('x') };
}

describe('policyRequest', () => {
  it('carries the NAS (name, labels, vendor; NAS-IP-Address over the source address) and the request facts', () => {
    const req = accessRequest([['Called-Station-Id', '00-11-22-33-44-55:Corp'], ['NAS-Port-Type', 'Wireless-802.11'], ['NAS-IP-Address', '10.20.0.9']]);
    const cert = { subject: 'CN=x', issuer: 'CN=ca', serialNumber: '01', subjectAltNames: [], extendedKeyUsage: [] };
    expect(policyRequest(req, { method: 'eap-tls', mac: '02:00:00:00:00:01', user: 'host/x', udid: 'ABC', certificate: cert })).toEqual({
      method: 'eap-tls',
      nas: { name: 'hq-wlc', labels: ['wifi', 'hq'], ip: '10.20.0.9', vendor: 'aruba' },
      ssid: 'Corp',
      portType: 'wireless',
      mac: '02:00:00:00:00:01',
      user: 'host/x',
      udid: 'ABC',
      certificate: cert,
    });
  });

  it('without NAS-IP-Address the NAS IP is the packet\'s source; absent facts stay absent', () => {
    expect(policyRequest(accessRequest([]), { method: 'mab' })).toEqual({
      method: 'mab',
      nas: { name: 'hq-wlc', labels: ['wifi', 'hq'], ip: '10.20.0.5', vendor: 'aruba' },
    });
  });

  it('maps NAS-Port-Type (RFC 2865 §5.41 and the IANA registry) to wired / wireless / other', () => {
    const portType = (value: string) => policyRequest(accessRequest([['NAS-Port-Type', value]]), { method: 'mab' }).portType;
    for (const wired of ['Ethernet', 'xDSL', 'Cable', 'Token-Ring', 'FDDI']) expect(portType(wired), wired).toBe('wired');
    for (const wireless of ['Wireless-802.11', 'Wireless-Other', 'Wireless-CDMA2000', 'Wireless-UMTS', 'Wireless-1X-EV']) expect(portType(wireless), wireless).toBe('wireless');
    for (const other of ['Async', 'Virtual', 'ISDN', 'PPPoEoVLAN']) expect(portType(other), other).toBe('other');
  });
});
