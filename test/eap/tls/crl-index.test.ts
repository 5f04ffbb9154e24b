import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CrlIndex, certificateIssuerSerial, parseCrl } from '../../../src/eap/tls/crl-index.js';
import { DerError, pemBlocks, pemToDer } from '../../../src/eap/tls/der.js';
import { makeTestPki } from '../../support/pki.js';

const crlDers = (file: string): Buffer[] => pemBlocks(fs.readFileSync(file, 'utf8'), 'X509 CRL').map(pemToDer);
const der = (pem: string): Buffer => new X509Certificate(pem).raw;

describe('CrlIndex', () => {
  const pki = makeTestPki();
  const now = new Date();

  it('reads issuer and serial the way OpenSSL prints them', () => {
    const x = new X509Certificate(pki.clients.revoked.cert);
    expect(certificateIssuerSerial(x.raw).serial).toBe(x.serialNumber.toUpperCase());
  });

  it('splits a file holding two CRLs and indexes both issuers', () => {
    const ders = crlDers(pki.crl.bothFile);
    expect(ders).toHaveLength(2);
    const index = new CrlIndex(ders);
    expect(index.status(der(pki.clients.revoked.cert), now)).toEqual({ kind: 'revoked' });
    expect(index.status(der(pki.clients.ec.cert), now)).toEqual({ kind: 'good' });
    expect(index.status(der(pki.clients.rsa.cert), now)).toEqual({ kind: 'good' });
  });

  it('matches the openssl text dump of the revoked serials', () => {
    const parsed = parseCrl(crlDers(pki.crl.ecLaterFile)[0]!);
    const serials = [pki.clients.revoked.cert, pki.clients.revokedLater.cert].map((c) => new X509Certificate(c).serialNumber.toUpperCase());
    expect(parsed.revoked.sort()).toEqual(serials.sort());
    expect(parsed.nextUpdate!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('says no-crl for an issuer without CRL, unchecked when no CRL is configured', () => {
    const ecOnly = new CrlIndex(crlDers(pki.crl.ecFile));
    expect(ecOnly.status(der(pki.clients.rsa.cert), now)).toEqual({ kind: 'no-crl' });
    expect(new CrlIndex([]).status(der(pki.clients.revoked.cert), now)).toEqual({ kind: 'unchecked' });
  });

  it('reports an expired CRL', () => {
    const index = new CrlIndex(crlDers(pki.crl.ecFile));
    const later = new Date(now.getTime() + 60 * 86_400_000);
    expect(index.status(der(pki.clients.ec.cert), later)).toMatchObject({ kind: 'crl-expired' });
  });

  it('throws DerError on a damaged CRL', () => {
    const damaged = Buffer.from(crlDers(pki.crl.ecFile)[0]!);
    expect(() => new CrlIndex([damaged.subarray(0, 40)])).toThrow(DerError);
  });
});
