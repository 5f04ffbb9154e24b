import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EKU_CLIENT_AUTH, describeCertificate } from '../../../src/eap/identity/certificate-info.js';
import { makeTestPki } from '../../support/pki.js';

describe('describeCertificate', () => {
  const pki = makeTestPki();

  it('reports the Jamf device identity and the fields the auth log needs', () => {
    const c = pki.clients.ec;
    const x = new X509Certificate(c.cert);
    const info = describeCertificate(x);
    expect(info).toMatchObject({
      udid: c.udid,
      udidSource: 'san_uri',
      subject: `O=Portcullis Test, CN=${c.udid}`,
      commonName: c.udid,
      issuer: 'O=Portcullis Test, CN=Portcullis Test EC CA',
      serialNumber: x.serialNumber.toUpperCase(),
      subjectAltNames: [`DNS:${c.udid}`, `URI:urn:jamf:udid:${c.udid}`],
      fingerprint256: x.fingerprint256,
      extendedKeyUsage: [EKU_CLIENT_AUTH],
    });
    expect(Date.parse(info.notAfter)).toBeGreaterThan(Date.parse(info.notBefore));
    expect(info.notBefore).toBe(new Date(x.validFrom).toISOString());
  });

  it('uses CN when there is no SAN, and honours the configured order', () => {
    const cnOnly = describeCertificate(new X509Certificate(pki.clients.cnOnly.cert));
    expect(cnOnly).toMatchObject({ udid: pki.clients.cnOnly.udid, udidSource: 'cn', subjectAltNames: [] });
    const dnsFirst = describeCertificate(new X509Certificate(pki.clients.rsa.cert), ['san_dns']);
    expect(dnsFirst).toMatchObject({ udid: pki.clients.rsa.udid, udidSource: 'san_dns' });
  });

  it('gives exact validity dates of a back-dated certificate', () => {
    const info = describeCertificate(new X509Certificate(pki.clients.expired.cert));
    expect([info.notBefore, info.notAfter]).toEqual(['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z']);
  });

  it('lists no EKU for a certificate without the extension', () => {
    expect(describeCertificate(new X509Certificate(pki.clients.noEku.cert)).extendedKeyUsage).toEqual([]);
  });
});
