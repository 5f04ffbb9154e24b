/**
 * The TLS server side shared by the tunnelled methods (TTLS, PEAP): server certificate only, TLS
 * 1.2 at most (RFC 9427's TLS 1.3 variants are not implemented; FreeRADIUS 3.2 caps them the same
 * way), and no resumption: a resumed tunnel would skip the inner authentication unless the inner
 * result were cached with the session, which is not implemented.
 */
import type { EapMethodDefinition, EapMethodEnvironment } from '../registry.js';
import type { EapMethodName } from '../types.js';
import { TlsEndpoint } from '../tls/tls-endpoint.js';
import { TlsMethodSession, type TlsMethodHooks } from '../tls/tls-method-session.js';
import type { EapSessionContext } from '../method.js';

export function tunnelEndpoint(env: EapMethodEnvironment, name: string): TlsEndpoint {
  const t = env.options.tls;
  return new TlsEndpoint({
    name,
    tls: { ...t, resumption: { ...t.resumption, enabled: false } },
    requestCert: false,
    maxVersion: 'TLSv1.2',
    ticketKeys: env.ticketKeys,
    handshakeTimeoutMs: env.options.timeoutSeconds * 2000,
    log: env.log,
    stats: env.tlsStats,
  });
}

/** A TlsMethodSession for a tunnelled method: version 0 in the flags, no client certificate. */
export function tunnelSession(
  env: EapMethodEnvironment,
  endpoint: TlsEndpoint,
  name: string,
  hooks: TlsMethodHooks,
  ctx: EapSessionContext,
): TlsMethodSession {
  const t = env.options.tls;
  return new TlsMethodSession(
    {
      name,
      endpoint,
      hooks,
      version: 0,
      fragmentSize: t.fragmentSize,
      maxMessageLength: t.maxMessageLength,
      // Never asked: no client certificate is requested.
      rejectionReason: () => `${name} does not use client certificates`,
    },
    ctx,
  );
}

/**
 * A tunnelled method's registration: one shared TLS endpoint per configuration generation, and a session
 * per conversation driven by the method's hooks.
 */
export function tunnelledMethod(
  method: EapMethodName,
  type: number,
  label: string,
  hooks: (env: EapMethodEnvironment, ctx: EapSessionContext) => TlsMethodHooks,
): EapMethodDefinition {
  return {
    name: method,
    type,
    create(env: EapMethodEnvironment) {
      const endpoint = tunnelEndpoint(env, label);
      return { name: method, type, newSession: (ctx: EapSessionContext) => tunnelSession(env, endpoint, label, hooks(env, ctx), ctx) };
    },
  };
}

/** Tunnelled methods speak version 0 only (TTLSv0, PEAPv0); the peer answers with its choice. */
export function onlyVersionZero(version: number): boolean {
  return version === 0;
}
