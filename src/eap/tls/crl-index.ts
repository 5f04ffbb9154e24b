/**
 * Revoked serials per issuing CA, read from the configured CRLs. OpenSSL checks the CRLs
 * during a full handshake; a resumed session skips certificate verification, so the EAP-TLS
 * method re-checks the leaf here (RFC 9190 §2.1.3: re-check revocation on resumption).
 * CRL signatures are not re-verified here: the same CRLs are loaded into OpenSSL, and a
 * bogus entry here can only reject, never admit.
 */
import { DerError, DerTag, derChildren, derTime, expectTag, integerHex, readDer } from './der.js';

export type RevocationStatus =
  | { kind: 'good' }
  | { kind: 'revoked' }
  | { kind: 'no-crl' }
  | { kind: 'crl-expired'; nextUpdate: Date }
  | { kind: 'unchecked' };

interface IssuerCrl {
  revoked: Set<string>;
  nextUpdate?: Date;
}

export interface CertificateIssuerSerial {
  /** DER of the issuer Name, hex. */
  issuerKey: string;
  serial: string;
}

/** Issuer Name DER and serial of a DER certificate. */
export function certificateIssuerSerial(certDer: Buffer): CertificateIssuerSerial {
  const cert = expectTag(readDer(certDer, 0).node, DerTag.Sequence, 'Certificate');
  const tbs = expectTag(derChildren(cert.value)[0], DerTag.Sequence, 'TBSCertificate');
  const fields = derChildren(tbs.value);
  let i = fields[0]?.tag === DerTag.ContextConstructed0 ? 1 : 0;
  const serial = expectTag(fields[i++], DerTag.Integer, 'serialNumber');
  expectTag(fields[i++], DerTag.Sequence, 'signature AlgorithmIdentifier');
  const issuer = expectTag(fields[i], DerTag.Sequence, 'issuer Name');
  return { issuerKey: issuer.raw.toString('hex'), serial: integerHex(serial) };
}

interface ParsedCrl {
  issuerKey: string;
  nextUpdate?: Date;
  revoked: string[];
}

export function parseCrl(crlDer: Buffer): ParsedCrl {
  const list = expectTag(readDer(crlDer, 0).node, DerTag.Sequence, 'CertificateList');
  const tbs = expectTag(derChildren(list.value)[0], DerTag.Sequence, 'TBSCertList');
  const fields = derChildren(tbs.value);
  let i = fields[0]?.tag === DerTag.Integer ? 1 : 0; // optional version
  expectTag(fields[i++], DerTag.Sequence, 'signature AlgorithmIdentifier');
  const issuer = expectTag(fields[i++], DerTag.Sequence, 'issuer Name');
  const thisUpdate = fields[i++];
  if (!thisUpdate || (thisUpdate.tag !== DerTag.UtcTime && thisUpdate.tag !== DerTag.GeneralizedTime)) {
    throw new DerError('DER: expected thisUpdate');
  }
  const parsed: ParsedCrl = { issuerKey: issuer.raw.toString('hex'), revoked: [] };
  let next = fields[i];
  if (next && (next.tag === DerTag.UtcTime || next.tag === DerTag.GeneralizedTime)) {
    parsed.nextUpdate = derTime(next);
    next = fields[++i];
  }
  if (next && next.tag === DerTag.Sequence) {
    for (const entry of derChildren(next.value)) {
      const serial = expectTag(derChildren(expectTag(entry, DerTag.Sequence, 'revoked entry').value)[0], DerTag.Integer, 'userCertificate');
      parsed.revoked.push(integerHex(serial));
    }
  }
  return parsed;
}

export class CrlIndex {
  readonly #byIssuer = new Map<string, IssuerCrl>();

  /** Builds the index; throws DerError if a CRL cannot be read. */
  constructor(crlDers: readonly Buffer[]) {
    for (const der of crlDers) {
      const crl = parseCrl(der);
      const entry = this.#byIssuer.get(crl.issuerKey) ?? { revoked: new Set<string>() };
      for (const serial of crl.revoked) entry.revoked.add(serial);
      if (crl.nextUpdate && (!entry.nextUpdate || crl.nextUpdate > entry.nextUpdate)) entry.nextUpdate = crl.nextUpdate;
      this.#byIssuer.set(crl.issuerKey, entry);
    }
  }

  /** True when any CRL is configured: then every issuer needs one (as OpenSSL does). */
  get enabled(): boolean {
    return this.#byIssuer.size > 0;
  }

  status(certDer: Buffer, now: Date): RevocationStatus {
    if (!this.enabled) return { kind: 'unchecked' };
    let id: CertificateIssuerSerial;
    try {
      id = certificateIssuerSerial(certDer);
    } catch {
      return { kind: 'no-crl' };
    }
    const crl = this.#byIssuer.get(id.issuerKey);
    if (!crl) return { kind: 'no-crl' };
    if (crl.revoked.has(id.serial)) return { kind: 'revoked' };
    if (crl.nextUpdate && crl.nextUpdate < now) return { kind: 'crl-expired', nextUpdate: crl.nextUpdate };
    return { kind: 'good' };
  }
}
