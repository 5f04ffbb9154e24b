/**
 * The checks a client certificate must pass before EAP-TLS succeeds. OpenSSL's verdict covers
 * chain, validity, revocation and purpose on a full handshake; a resumed session only carries
 * the stored verdict, so validity, EKU and revocation are checked again here every time.
 */
import type { X509Certificate } from 'node:crypto';
import { EKU_CLIENT_AUTH, describeCertificate, type ClientCertificateInfo } from '../identity/certificate-info.js';
import type { UdidSource } from '../identity/udid.js';
import type { CrlIndex } from './crl-index.js';

/** A client certificate as policy and the auth log see it; kept with a session for fast resumption. */
export interface PeerCertificate {
  info: ClientCertificateInfo;
  /** DER (the CRL lookup reads issuer and serial from it). */
  der: Buffer;
  /** The UDID sources `info` was read with (a reload may change them). */
  udidSources: string;
}

/** Reads everything needed from `cert` once (each X509Certificate accessor crosses into OpenSSL). */
export function peerCertificateOf(cert: X509Certificate, udidSources: readonly UdidSource[]): PeerCertificate {
  return { info: describeCertificate(cert, udidSources), der: cert.raw, udidSources: udidSources.join(',') };
}

/** OpenSSL verify codes (as Node reports them) → words an admin reads in the auth log. */
const VERIFY_REASONS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate is revoked',
  INVALID_PURPOSE: 'certificate is not valid for client authentication (Extended Key Usage)',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate is not issued by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate is not issued by a trusted CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate is not issued by a trusted CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in an untrusted root',
  CERT_UNTRUSTED: 'certificate is not trusted',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  CERT_CHAIN_TOO_LONG: 'certificate chain is too long',
  UNABLE_TO_GET_CRL: 'no CRL is configured for the issuing CA',
  CRL_HAS_EXPIRED: 'the CRL of the issuing CA has expired',
  CRL_NOT_YET_VALID: 'the CRL of the issuing CA is not yet valid',
  CRL_SIGNATURE_FAILURE: 'the CRL signature is invalid',
  INVALID_CA: 'an issuing certificate is not a valid CA',
  PATH_LENGTH_EXCEEDED: 'certificate chain exceeds a CA path length constraint',
};

export function verifyFailureReason(code: string | undefined, certificatePresent: boolean): string {
  if (!certificatePresent) return 'client certificate rejected: the peer sent no certificate';
  const text = (code && VERIFY_REASONS[code]) ?? 'certificate verification failed';
  return `client certificate rejected: ${text}${code ? ` (${code})` : ''}`;
}

export interface PolicyInput {
  peer: PeerCertificate;
  crl: CrlIndex;
  now: Date;
}

/** undefined when the certificate is acceptable, else the reason. */
export function certificatePolicyFailure({ peer, crl, now }: PolicyInput): string | undefined {
  const notBefore = new Date(peer.info.notBefore);
  const notAfter = new Date(peer.info.notAfter);
  if (now < notBefore) return `client certificate rejected: certificate is not yet valid (notBefore ${peer.info.notBefore})`;
  if (now > notAfter) return `client certificate rejected: certificate has expired (notAfter ${peer.info.notAfter})`;
  const eku = peer.info.extendedKeyUsage;
  if (eku.length > 0 && !eku.includes(EKU_CLIENT_AUTH)) {
    return 'client certificate rejected: certificate is not valid for client authentication (Extended Key Usage has no clientAuth)';
  }
  const status = crl.status(peer.der, now);
  switch (status.kind) {
    case 'revoked':
      return 'client certificate rejected: certificate is revoked (CRL)';
    case 'no-crl':
      return 'client certificate rejected: no CRL is configured for the issuing CA';
    case 'crl-expired':
      return `client certificate rejected: the CRL of the issuing CA expired at ${status.nextUpdate.toISOString()}`;
    case 'good':
    case 'unchecked':
      return undefined;
  }
}
