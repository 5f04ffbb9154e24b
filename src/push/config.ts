import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Secret } from '../log/secret.js';
import { resolveSecret } from '../config/secrets.js';

// The `push:` section (snake_case, as admins write it) and the resolved settings the receiver runs on. The
// config loader plugs `pushSectionSchema` into the file's schema and calls `pushSettingsFromSection`.

/** A secret written inline, or read from an environment variable or a file (same forms as the rest of the file). */
const secretRef = z.union([
  z.string().min(1, 'must not be empty'),
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
], { errorMap: () => ({ message: 'must be a string, {env: VARIABLE} or {file: PATH}' }) });
type SecretRef = z.infer<typeof secretRef>;

/** Header names Jamf refuses in a webhook's header authentication (admin guide, "Webhooks"). */
const JAMF_FORBIDDEN_HEADERS = ['content-type', 'user-agent', 'accept-encoding', 'content-length', 'host'];

/** Asymmetric JWS algorithms only: `none` and HS* would let anyone holding the public key (or nothing) sign. */
export const SET_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const DEFAULT_SET_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];

const algorithm = z.string().superRefine((alg, ctx) => {
  if ((SET_ALGORITHMS as readonly string[]).includes(alg)) return;
  const why = /^none$/i.test(alg) ? '"none" means unsigned: anyone could send signals'
    : /^HS/i.test(alg) ? `${alg} is a shared-secret algorithm: SETs must be signed with the transmitter's private key`
      : `"${alg}" is not a JWS signature algorithm portcullis accepts`;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${why} (use ${SET_ALGORITHMS.join(', ')})` });
});

// Objects with a refine rather than unions: the config loader reports any union error as a secret-ref error.
const webhookAuth = z.object({
  basic: z.object({ username: z.string().min(1), password: secretRef }).strict().optional(),
  header: z.object({
    name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
      .refine((n) => !JAMF_FORBIDDEN_HEADERS.includes(n.toLowerCase()), { message: `Jamf does not allow ${JAMF_FORBIDDEN_HEADERS.join(', ')}` }),
    value: secretRef,
  }).strict().optional(),
}).strict().refine((a) => (a.basic ? 1 : 0) + (a.header ? 1 : 0) === 1, {
  message: 'set exactly one of basic: {username, password} or header: {name, value}',
});

export const pushSectionSchema = z.object({
  /** ADDRESS:PORT of the HTTPS listener ("0.0.0.0:8443", "[::]:8443"); plain HTTP only on 127.0.0.1 / ::1. */
  listen: z.string().default('0.0.0.0:8443'),
  tls: z.object({
    certificate: z.string().min(1),
    private_key: z.string().min(1),
    private_key_password: secretRef.optional(),
  }).strict().optional(),
  /** Larger bodies are refused with 413 (a Jamf webhook is about 1 KiB, a SET 1–2 KiB). */
  max_body_bytes: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
  /** Requests in progress plus queued Jamf device fetches; beyond this the answer is 503. */
  max_queue: z.number().int().min(1).max(100_000).default(1000),
  jamf_webhook: z.object({
    /** How Jamf authenticates to portcullis (set the same in Jamf, or let `portcullis jamf webhooks register` do it). */
    auth: webhookAuth,
    /** A webhook seen again within this time (same id, timestamp and body) changes nothing. */
    replay_ttl_seconds: z.number().int().min(10).max(7 * 86_400).default(3600),
    /** A membership change naming more devices than this triggers one full sync instead of per-device fetches. */
    max_devices_per_event: z.number().int().min(1).max(10_000).default(200),
  }).strict().optional(),
  ssf: z.object({
    /** The transmitter's issuer: the SETs' `iss` and the metadata's `issuer` must equal it. */
    issuer: z.string().url(),
    /** Our audience: a SET's `aud` must contain one of these. */
    audience: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string().min(1)).min(1)),
    /** Default: <issuer origin>/.well-known/ssf-configuration<issuer path>. */
    metadata_url: z.string().url().optional(),
    /** Skips the metadata and reads the keys from here. */
    jwks_uri: z.string().url().optional(),
    /** CA bundle for the transmitter's HTTPS certificate (default: the system CAs). */
    ca_file: z.string().min(1).optional(),
    /** The Authorization header value the transmitter must send (stream delivery.authorization_header). */
    authorization: secretRef.optional(),
    algorithms: z.array(algorithm).min(1).default(DEFAULT_SET_ALGORITHMS),
    clock_skew_seconds: z.number().int().min(0).max(600).default(60),
    /** SETs issued longer ago than this are refused (they carry no exp). */
    max_age_seconds: z.number().int().min(10).max(7 * 86_400).default(900),
    /** An unknown key id refetches the JWKS at most this often. */
    jwks_refresh_seconds: z.number().min(1).max(3600).default(30),
    /** jti values remembered against replay (the oldest are dropped beyond this). */
    replay_cache_size: z.number().int().min(100).max(1_000_000).default(100_000),
    /** RFC 8936 poll delivery, for transmitters that do not push: portcullis asks the endpoint for SETs. */
    poll: z.object({
      endpoint_url: z.string().url(),
      /** Authorization header value for the poll requests (e.g. "Bearer …"). */
      authorization: secretRef.optional(),
      interval_seconds: z.number().min(1).max(3600).default(10),
      max_events: z.number().int().min(1).max(1000).default(100),
    }).strict().optional(),
  }).strict().optional(),
}).strict().refine((p) => p.jamf_webhook !== undefined || p.ssf !== undefined, {
  message: 'configure jamf_webhook, ssf or both (without them the push listener has nothing to receive)',
});

export type PushSection = z.infer<typeof pushSectionSchema>;
export type PushSectionInput = z.input<typeof pushSectionSchema>;

export type WebhookAuth =
  | { kind: 'basic'; username: string; password: Secret }
  | { kind: 'header'; /** As configured (Jamf sends it as written). */ name: string; value: Secret };

export interface SsfSettings {
  issuer: string;
  audience: string[];
  metadataUrl: string;
  jwksUri?: string;
  caFile?: string;
  authorization?: Secret;
  algorithms: string[];
  clockSkewSeconds: number;
  maxAgeSeconds: number;
  jwksRefreshMs: number;
  replayCacheSize: number;
  poll?: { endpointUrl: string; authorization?: Secret; intervalMs: number; maxEvents: number };
}

export interface JamfWebhookSettings {
  auth: WebhookAuth;
  replayTtlMs: number;
  maxDevicesPerEvent: number;
}

/** Resolved push settings: paths absolute, secrets read. */
export interface PushSettings {
  listen: { address: string; port: number };
  tls?: { certificate: string; privateKey: string; privateKeyPassword?: Secret };
  maxBodyBytes: number;
  maxQueue: number;
  jamfWebhook?: JamfWebhookSettings;
  ssf?: SsfSettings;
}

/** Where in the push section, what is wrong, and whether it is a secret that could not be read. */
export type PushProblem = (path: (string | number)[], message: string, isSecret?: boolean) => void;

export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (a === 'localhost') return true;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
}

function parseListen(s: string): { address: string; port: number } | undefined {
  const m = s.match(/^\[([^\]]+)\]:(\d+)$/) ?? s.match(/^([^:]+):(\d+)$/);
  if (!m || !isIP(m[1])) return undefined;
  const port = Number(m[2]);
  return port <= 65535 ? { address: m[1], port } : undefined;
}


/** https:// anywhere; http:// only to a loopback host (tests, a local relay). */
function checkFetchUrl(url: string, path: (string | number)[], problem: PushProblem): void {
  const u = new URL(url);
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:' && isLoopback(u.hostname)) return;
  problem(path, 'must be an https:// URL (plain http only to 127.0.0.1 or ::1): keys, metadata and SETs fetched over plain HTTP could be forged or read');
}

/** The SSF discovery URL of an issuer: the well-known path goes between the origin and the issuer's path. */
export function defaultMetadataUrl(issuer: string): string {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}/.well-known/ssf-configuration${path}`;
}

/**
 * Turns a validated `push:` section into PushSettings. Refuses (via `problem`) a listener on a non-loopback
 * address without TLS: webhook passwords and SETs must not cross the network in clear text.
 */
export function pushSettingsFromSection(section: PushSection, baseDir: string, problem: PushProblem): PushSettings {
  const listen = parseListen(section.listen);
  if (!listen) problem(['listen'], 'must be ADDRESS:PORT, e.g. "0.0.0.0:8443" or "[::]:8443"');
  const address = listen ?? { address: '127.0.0.1', port: 0 };
  if (listen && !section.tls && !isLoopback(listen.address)) {
    problem(['tls'], `push.listen ${section.listen} is not a loopback address, so push.tls (certificate, private_key) is required: ` +
      'plain HTTP is only allowed on 127.0.0.1 or ::1 (e.g. behind a local TLS proxy)');
  }
  const secret = (path: (string | number)[]) => (message: string) => problem(path, message, true);
  const file = (p: string) => resolve(baseDir, p);

  const tls = section.tls && {
    certificate: file(section.tls.certificate),
    privateKey: file(section.tls.private_key),
    privateKeyPassword: section.tls.private_key_password
      ? resolveSecret(section.tls.private_key_password, baseDir, secret(['tls', 'private_key_password'])) : undefined,
  };

  let jamfWebhook: JamfWebhookSettings | undefined;
  if (section.jamf_webhook) {
    const a = section.jamf_webhook.auth;
    const auth: WebhookAuth = a.basic
      ? { kind: 'basic', username: a.basic.username, password: resolveSecret(a.basic.password, baseDir, secret(['jamf_webhook', 'auth', 'basic', 'password'])) }
      : { kind: 'header', name: a.header!.name, value: resolveSecret(a.header!.value, baseDir, secret(['jamf_webhook', 'auth', 'header', 'value'])) };
    const s = auth.kind === 'basic' ? auth.password : auth.value;
    if (s.length > 0 && s.length < 16) problem(['jamf_webhook', 'auth'], 'the webhook secret is shorter than 16 characters; use 24 or more random characters');
    if (auth.kind === 'basic' && auth.username.includes(':')) problem(['jamf_webhook', 'auth', 'basic', 'username'], 'must not contain ":" (Basic authentication splits on it)');
    jamfWebhook = {
      auth,
      replayTtlMs: section.jamf_webhook.replay_ttl_seconds * 1000,
      maxDevicesPerEvent: section.jamf_webhook.max_devices_per_event,
    };
  }

  let ssf: SsfSettings | undefined;
  if (section.ssf) {
    const s = section.ssf;
    const metadataUrl = s.metadata_url ?? defaultMetadataUrl(s.issuer);
    if (s.poll) checkFetchUrl(s.poll.endpoint_url, ['ssf', 'poll', 'endpoint_url'], problem);
    if (s.jwks_uri) checkFetchUrl(s.jwks_uri, ['ssf', 'jwks_uri'], problem);
    else checkFetchUrl(metadataUrl, ['ssf', s.metadata_url ? 'metadata_url' : 'issuer'], problem);
    ssf = {
      issuer: s.issuer,
      audience: s.audience,
      metadataUrl,
      jwksUri: s.jwks_uri,
      caFile: s.ca_file ? file(s.ca_file) : undefined,
      authorization: s.authorization ? resolveSecret(s.authorization, baseDir, secret(['ssf', 'authorization'])) : undefined,
      algorithms: [...new Set(s.algorithms)],
      clockSkewSeconds: s.clock_skew_seconds,
      maxAgeSeconds: s.max_age_seconds,
      jwksRefreshMs: s.jwks_refresh_seconds * 1000,
      replayCacheSize: s.replay_cache_size,
      poll: s.poll && {
        endpointUrl: s.poll.endpoint_url,
        authorization: s.poll.authorization ? resolveSecret(s.poll.authorization, baseDir, secret(['ssf', 'poll', 'authorization'])) : undefined,
        intervalMs: s.poll.interval_seconds * 1000,
        maxEvents: s.poll.max_events,
      },
    };
  }

  return { listen: address, tls, maxBodyBytes: section.max_body_bytes, maxQueue: section.max_queue, jamfWebhook, ssf };
}

/** Parses a raw `push:` value (tests); throws one Error listing every problem. */
export function parsePushSection(raw: unknown, baseDir: string): PushSettings {
  const parsed = pushSectionSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `push.${i.path.join('.')}: ${i.message}`).join('\n'));
  const problems: string[] = [];
  const settings = pushSettingsFromSection(parsed.data, baseDir, (path, message) => problems.push(`push.${path.join('.')}: ${message}`));
  if (problems.length) throw new Error(problems.join('\n'));
  return settings;
}
