import type { Logger } from 'pino';
import type { Config, EapSettings, LocalUser } from '../config/load.js';
import type { CredentialStore, InnerCredentials } from '../eap/credentials.js';
import { EapEngine } from '../eap/engine.js';
import type { EapEngineOptions } from '../eap/options.js';
import type { ClientCertificateInfo } from '../eap/identity/certificate-info.js';
import type { EapResult } from '../eap/types.js';
import { encodeAttribute } from '../radius/codec/attributes.js';
import { PacketCode } from '../radius/codec/codes.js';
import { Attr, findAttribute, joinAttribute, splitAttribute, type RawAttribute } from '../radius/codec/packet.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import type { RadiusReply, RadiusRequest } from '../radius/server/types.js';
import type { EapProvider, Verdict } from './access.js';
import type { ProvenIdentity } from './policy-request.js';
import { integerAttr, stringAttr } from './request-view.js';

// Between RADIUS and the EAP engine: EAP-Message reassembly (RFC 3579), State, Access-Challenge, and the
// MS-MPPE keys (RFC 2548) in the Access-Accept — without correct keys a device authenticates but cannot
// pass traffic.

/** The config's users as the EAP inner methods see them (secrets revealed only to the crypto). */
export function localCredentials(users: ReadonlyMap<string, LocalUser>): CredentialStore {
  return {
    lookup(name: string): InnerCredentials | undefined {
      const user = users.get(name);
      if (!user) return undefined;
      const creds: InnerCredentials = {};
      if (user.password) creds.password = user.password.reveal();
      if (user.ntHash) creds.ntHash = user.ntHash;
      if (user.passwordHash) creds.passwordHash = user.passwordHash.reveal().toString('utf8');
      return creds;
    },
  };
}

export function engineOptions(eap: EapSettings, users: ReadonlyMap<string, LocalUser> = new Map()): EapEngineOptions {
  return {
    tls: {
      certificate: { file: eap.tls.certificate },
      privateKey: { file: eap.tls.privateKey },
      privateKeyPassphrase: eap.tls.privateKeyPassword?.reveal().toString('utf8'),
      ca: eap.tls.ca.map((file) => ({ file })),
      crl: eap.tls.crl.map((file) => ({ file })),
      minVersion: eap.tls.minVersion,
      maxVersion: eap.tls.maxVersion,
      fragmentSize: eap.tls.fragmentSize,
      resumption: eap.tls.resumption,
    },
    methods: eap.methods,
    udidSources: eap.udidSources,
    timeoutSeconds: eap.timeoutSeconds,
    maxConversations: eap.maxConversations,
    credentials: localCredentials(users),
  };
}

const METHOD_LABEL = { tls: 'eap-tls', ttls: 'eap-ttls', peap: 'peap' } as const;

/**
 * What a verdict takes from one client certificate, made once per certificate: a resumed session hands back the
 * same certificate info every time (the TLS session cache), and the same objects let the auth log reuse the JSON
 * it made of them (auth-details.ts) instead of serialising ~1 KB of certificate text per authentication.
 */
interface CertificateParts {
  readonly logged: Readonly<Record<string, unknown>>;
  readonly proven: NonNullable<ProvenIdentity['certificate']>;
  /** The last details made with this certificate, reused while every field is the same. */
  last?: Readonly<Record<string, unknown>>;
}
const certificateParts = new WeakMap<ClientCertificateInfo, CertificateParts>();

function partsOf(cert: ClientCertificateInfo): CertificateParts {
  let parts = certificateParts.get(cert);
  if (!parts) {
    parts = {
      logged: Object.freeze({
        udid: cert.udid, subject: cert.subject, issuer: cert.issuer, serialNumber: cert.serialNumber,
        subjectAltNames: cert.subjectAltNames, fingerprint256: cert.fingerprint256,
      }),
      proven: Object.freeze({
        commonName: cert.commonName, subject: cert.subject, issuer: cert.issuer, serialNumber: cert.serialNumber,
        subjectAltNames: cert.subjectAltNames, extendedKeyUsage: cert.extendedKeyUsage,
      }),
    };
    certificateParts.set(cert, parts);
  }
  return parts;
}

function sameDetails(a: Readonly<Record<string, unknown>>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}

function verdictOf(result: Exclude<EapResult, { kind: 'challenge' } | { kind: 'discard' }>): Verdict {
  const cert = result.certificate;
  const parts = cert ? partsOf(cert) : undefined;
  const identity = result.kind === 'success' ? result.innerIdentity ?? cert?.udid ?? result.outerIdentity : result.outerIdentity;
  let details: Record<string, unknown> = { identity, outerIdentity: result.outerIdentity };
  if (cert && parts) {
    details.certificate = parts.logged;
    details.udid = cert.udid;
  }
  if (result.kind === 'success') {
    details.tlsVersion = result.tlsVersion;
    details.resumed = result.resumed ?? false;
    if (result.innerIdentity) details.innerIdentity = result.innerIdentity;
    if (parts) {
      if (parts.last && sameDetails(parts.last, details)) details = parts.last as Record<string, unknown>;
      else parts.last = Object.freeze(details);
    }
    const method = METHOD_LABEL[result.method];
    const proven: ProvenIdentity = { method, user: typeof identity === 'string' ? identity : undefined };
    if (cert && parts) {
      proven.udid = cert.udid;
      proven.certificate = parts.proven;
    }
    return { result: 'accept', method, reason: result.resumed ? 'EAP success (resumed session)' : 'EAP success', details, proven };
  }
  return { result: 'reject', method: result.method ? METHOD_LABEL[result.method] : 'eap', reason: result.reason, details };
}

/** Builds the Access-Accept / -Challenge / -Reject for an engine result. */
export function replyFor(result: EapResult, req: RadiusRequest, dict: Dictionary): (RadiusReply & { verdict?: Verdict }) | undefined {
  switch (result.kind) {
    case 'discard':
      return undefined;
    case 'challenge':
      return {
        code: PacketCode.AccessChallenge,
        attributes: [...splitAttribute(Attr.EapMessage, result.eapMessage), { type: Attr.State, value: result.state }],
      };
    case 'failure':
      return { code: PacketCode.AccessReject, attributes: splitAttribute(Attr.EapMessage, result.eapMessage), verdict: verdictOf(result) };
    case 'success': {
      const hiding = { secret: req.secret, requestAuthenticator: req.packet.authenticator };
      const attributes: RawAttribute[] = [
        ...splitAttribute(Attr.EapMessage, result.eapMessage),
        encodeAttribute(dict, 'MS-MPPE-Recv-Key', result.msk.subarray(0, 32), { hiding }),
        encodeAttribute(dict, 'MS-MPPE-Send-Key', result.msk.subarray(32, 64), { hiding }),
      ];
      const verdict = verdictOf(result);
      const identity = verdict.details?.identity;
      // The identity the NAS should use in accounting: the inner user, or the certificate's device.
      if (typeof identity === 'string' && identity && identity.length <= 253) attributes.push({ type: Attr.UserName, value: Buffer.from(identity) });
      if (result.sessionId && result.sessionId.length <= 253) attributes.push({ type: Attr.EapKeyName, value: result.sessionId });
      return { code: PacketCode.AccessAccept, attributes, verdict };
    }
  }
}

/** One EapEngine for the server's life: a reload hands it the new trust and options (in-flight conversations finish on the old). */
export function createEapProvider(log: Logger): EapProvider {
  let engine: EapEngine | undefined;
  return {
    update(config: Config, dict: Dictionary) {
      if (!config.eap) {
        engine?.close();
        engine = undefined;
        return undefined;
      }
      const options = engineOptions(config.eap, config.users);
      if (engine) engine.reload(options);
      else engine = new EapEngine(options, log.child({ layer: 'eap' }));
      const current = engine;
      return async (req) => {
        const { packet } = req;
        const result = await current.process({
          nas: req.client.name,
          eapMessage: joinAttribute(packet.attributes, Attr.EapMessage) ?? Buffer.alloc(0),
          state: findAttribute(packet.attributes, Attr.State),
          framedMtu: integerAttr(packet, Attr.FramedMtu),
          callingStationId: stringAttr(packet, Attr.CallingStationId),
          allowedMethods: req.client.eapMethods,
        });
        if (result.kind === 'discard') log.debug({ client: req.client.name, reason: result.reason }, 'EAP request discarded');
        return replyFor(result, req, dict);
      };
    },
    close() {
      engine?.close();
      engine = undefined;
    },
  };
}
