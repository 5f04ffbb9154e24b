// A test SSF transmitter on 127.0.0.1: its own key pairs (jose generateKeyPair), the SSF configuration
// metadata and the JWKS over HTTP, and SET signing. Counts the JWKS fetches so rate limits can be checked.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestKey {
  kid: string;
  alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(alg: TestKey['alg'] = 'ES256', kid = `k-${randomUUID().slice(0, 8)}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

export interface Transmitter {
  issuer: string;
  /** Keys published in the JWKS (change it to rotate). */
  published: TestKey[];
  /** Metadata `issuer` override (to test a mismatch). */
  metadataIssuer?: string;
  jwksFetches: number;
  metadataFetches: number;
  /** RFC 8936: SETs waiting at POST /poll (jti → SET), removed when acknowledged. */
  pollQueue: Map<string, string>;
  /** Bodies of the poll requests received, and their Authorization headers. */
  polls: { ack: string[]; setErrs?: Record<string, { err: string; description: string }>; authorization?: string }[];
  close(): Promise<void>;
}

export async function startTransmitter(keys: TestKey[]): Promise<Transmitter> {
  const t: Transmitter = { issuer: '', published: keys, jwksFetches: 0, metadataFetches: 0, pollQueue: new Map(), polls: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const json = (v: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (req.url === '/.well-known/ssf-configuration') {
      t.metadataFetches++;
      return json({
        spec_version: '1_0', issuer: t.metadataIssuer ?? t.issuer, jwks_uri: `${t.issuer}/jwks.json`,
        delivery_methods_supported: ['urn:ietf:rfc:8935'], configuration_endpoint: `${t.issuer}/streams`,
      });
    }
    if (req.url === '/poll' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { maxEvents: number; ack?: string[]; setErrs?: Record<string, { err: string; description: string }> };
        t.polls.push({ ack: body.ack ?? [], setErrs: body.setErrs, authorization: req.headers.authorization });
        for (const jti of [...(body.ack ?? []), ...Object.keys(body.setErrs ?? {})]) t.pollQueue.delete(jti);
        const sets = Object.fromEntries([...t.pollQueue].slice(0, body.maxEvents));
        json({ sets, moreAvailable: t.pollQueue.size > Object.keys(sets).length });
      });
      return;
    }
    if (req.url === '/jwks.json') {
      t.jwksFetches++;
      return json({ keys: t.published.map((k) => k.publicJwk) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.close = () => new Promise((resolve) => server.close(() => resolve()));
  return t;
}

export const CAEP_COMPLIANCE = 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change';
export const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const SSF_VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

export interface SetOptions {
  iss?: string;
  aud?: string | string[];
  /** Seconds since the epoch. */
  iat?: number;
  jti?: string;
  typ?: string;
  kid?: string;
  extra?: JWTPayload;
}

/** A signed SET (compact JWS) with the given events. */
export function signSet(key: TestKey, issuer: string, events: Record<string, unknown>, o: SetOptions = {}): Promise<string> {
  return new SignJWT({ events, ...o.extra })
    .setProtectedHeader({ alg: key.alg, kid: o.kid ?? key.kid, typ: o.typ ?? 'secevent+jwt' })
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? 'https://portcullis.test/')
    .setIssuedAt(o.iat ?? Math.floor(Date.now() / 1000))
    .setJti(o.jti ?? randomUUID())
    .sign(key.privateKey);
}

/** CAEP device-compliance-change with the device as the subject. */
export function complianceEvent(current: 'compliant' | 'not-compliant', previous: 'compliant' | 'not-compliant' = current === 'compliant' ? 'not-compliant' : 'compliant'): Record<string, unknown> {
  return { [CAEP_COMPLIANCE]: { previous_status: previous, current_status: current, initiating_entity: 'policy', event_timestamp: Math.floor(Date.now() / 1000) } };
}
