/**
 * EAP-TLS (RFC 5216, TLS 1.3: RFC 9190): mutual certificate authentication.
 * After the server-side handshake: check the client certificate (again, on resumption), derive
 * MSK/EMSK, and for TLS 1.3 send the commitment message (one application-data record holding 0x00,
 * after the NewSessionTickets) so the peer knows no more handshake data follows; Success goes out
 * after the peer ACKs the final flight.
 */
import { X509Certificate } from 'node:crypto';
import { EapType } from '../codec.js';
import type { UdidSource } from '../identity/udid.js';
import type { EapMethod, EapSessionContext } from '../method.js';
import type { EapMethodDefinition, EapMethodEnvironment } from '../registry.js';
import { certificatePolicyFailure, peerCertificateOf, verifyFailureReason, type PeerCertificate } from '../tls/certificate-policy.js';
import { CrlIndex } from '../tls/crl-index.js';
import { EAP_TLS_KEY_LABELS, deriveTlsKeys } from '../tls/keys.js';
import type { TlsTunnel } from '../tls/tls-channel.js';
import { TlsEndpoint } from '../tls/tls-endpoint.js';
import { TlsMethodSession, type TlsMethodHooks, type TunnelAction } from '../tls/tls-method-session.js';

const COMMITMENT_MESSAGE = Buffer.from([0x00]);

export const eapTlsMethod: EapMethodDefinition = {
  name: 'tls',
  type: EapType.Tls,
  create(env: EapMethodEnvironment): EapMethod {
    const t = env.options.tls;
    const endpoint = new TlsEndpoint({
      name: 'EAP-TLS',
      tls: t,
      requestCert: true,
      ticketKeys: env.ticketKeys,
      handshakeTimeoutMs: env.options.timeoutSeconds * 2000,
      log: env.log,
      stats: env.tlsStats,
      sessionCache: env.tlsSessionCache,
    });
    const crl = new CrlIndex(t.crlDer);
    const hooks = eapTlsHooks(crl, env.options.udidSources);
    return {
      name: 'tls',
      type: EapType.Tls,
      newSession: (ctx: EapSessionContext) =>
        new TlsMethodSession(
          {
            name: 'EAP-TLS',
            endpoint,
            hooks,
            version: 0,
            fragmentSize: t.fragmentSize,
            maxMessageLength: t.maxMessageLength,
            describeRejectedPeer: (tunnel) => peerOf(tunnel, env.options.udidSources)?.info,
            rejectionReason: (tunnel) => verifyFailureReason(tunnel.authorizationError, tunnel.peerCertificate() !== undefined),
          },
          ctx,
        ),
    };
  },
};

function eapTlsHooks(crl: CrlIndex, udidSources: readonly UdidSource[]): TlsMethodHooks {
  return {
    async onHandshakeComplete(tunnel: TlsTunnel): Promise<TunnelAction> {
      const peer = peerOf(tunnel, udidSources);
      if (!peer) return { kind: 'fail', reason: verifyFailureReason(undefined, false) };
      const certificate = peer.info;
      const rejected = certificatePolicyFailure({ peer, crl, now: new Date() });
      if (rejected) return { kind: 'fail', reason: rejected, certificate };

      const keys = deriveTlsKeys(tunnel, EAP_TLS_KEY_LABELS);
      if (tunnel.protocol === 'TLSv1.3') await tunnel.write(COMMITMENT_MESSAGE);
      // Accepted: a later session-ID resumption of this session may skip OpenSSL (fast-resumption.ts).
      if (!tunnel.cachedPeer) tunnel.rememberPeer(peer);
      return {
        kind: 'succeed',
        success: { ...keys, certificate, tlsVersion: tunnel.protocol, resumed: tunnel.resumed },
      };
    },
    async onApplicationData(): Promise<TunnelAction> {
      return { kind: 'fail', reason: 'EAP-TLS peer sent application data' };
    },
  };
}

/**
 * The client certificate: kept from the full handshake on a fast resumption (read again if a reload
 * changed where the UDID comes from), else read from OpenSSL once.
 */
function peerOf(tunnel: TlsTunnel, udidSources: readonly UdidSource[]): PeerCertificate | undefined {
  const cached = tunnel.cachedPeer;
  if (cached) return cached.udidSources === udidSources.join(',') ? cached : peerCertificateOf(new X509Certificate(cached.der), udidSources);
  const cert = tunnel.peerCertificate();
  return cert ? peerCertificateOf(cert, udidSources) : undefined;
}
