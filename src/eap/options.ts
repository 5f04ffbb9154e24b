/**
 * EAP engine options: what the config layer hands over, defaults in one place, and the
 * resolved form (files read, PEM bundles split, everything checked) the engine runs on.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EapConfigError } from './errors.js';
import { DEFAULT_UDID_SOURCES, UDID_SOURCES, type UdidSource } from './identity/udid.js';
import { NO_CREDENTIALS, type CredentialStore } from './credentials.js';
import type { EapMethodRegistry } from './registry.js';
import { parseCrl } from './tls/crl-index.js';
import { pemBlocks, pemToDer } from './tls/der.js';
import { DEFAULT_FRAGMENT_SIZE } from './tls/fragmentation.js';
import { DEFAULT_MAX_TLS_MESSAGE_LENGTH } from './tls/reassembly.js';
import { EAP_METHOD_NAMES, type EapMethodName } from './types.js';

/** A PEM file path or PEM text. */
export type PemInput = { file: string } | { pem: string | Buffer };
export type TlsVersionName = 'TLSv1.2' | 'TLSv1.3';

export interface EapTlsOptions {
  /** Server certificate (chain) presented to peers. */
  certificate: PemInput;
  privateKey: PemInput;
  privateKeyPassphrase?: string;
  /** CA certificates trusted for client certificates (bundles are split per certificate). */
  ca: PemInput | readonly PemInput[];
  /**
   * CRLs; each input may hold several (they are split, one per entry: Node loads only the first
   * CRL of a multi-CRL string). Once any CRL is given, OpenSSL wants one for every issuing CA.
   */
  crl?: PemInput | readonly PemInput[];
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  /** Largest TLS data per EAP-TLS fragment we send; Framed-MTU may lower it per request. */
  fragmentSize?: number;
  /**
   * A session-ID cache of `cacheEntries` sessions (TLS 1.2 supplicants such as wpa_supplicant
   * resume only by session ID; TLS 1.3 stateful tickets live there too) and, with `tickets`,
   * stateless tickets (shared ticketKeys; each one re-encodes the whole session, client
   * certificate included, so they cost CPU on every full handshake).
   */
  resumption?: {
    enabled?: boolean;
    lifetimeSeconds?: number;
    cacheEntries?: number;
    tickets?: boolean;
    /** EAP-TLS 1.2 session-ID resumption answered without OpenSSL (tls/fast-resumption.ts); default true. */
    fastPath?: boolean;
  };
  /** 48 octets to share ticket keys across processes; random per engine otherwise. */
  ticketKeys?: Buffer;
}

export interface EapEngineOptions {
  tls: EapTlsOptions;
  /** Methods offered, in order of preference (default ['tls']). */
  methods?: readonly EapMethodName[];
  /** Where to look for the Jamf UDID, in order (default san_uri, san_dns, cn). */
  udidSources?: readonly UdidSource[];
  /** Idle time allowed between two round trips of a conversation (default 30). */
  timeoutSeconds?: number;
  /** Concurrent conversations; new ones are refused when full (default 4096). */
  maxConversations?: number;
  /** EAP-Requests per conversation before it is failed (default 100). */
  maxRoundTrips?: number;
  /** Method implementations; default: the built-in registry. */
  registry?: EapMethodRegistry;
  /** Local users for the inner methods (TTLS/PAP, PEAP/MSCHAPv2); default: nobody. */
  credentials?: CredentialStore;
}

export const EAP_DEFAULTS = {
  methods: ['tls'] as readonly EapMethodName[],
  minVersion: 'TLSv1.2' as TlsVersionName,
  maxVersion: 'TLSv1.3' as TlsVersionName,
  fragmentSize: DEFAULT_FRAGMENT_SIZE,
  resumptionEnabled: true,
  /**
   * Stateless tickets off: cheaper full handshakes (no session re-encoding, one round trip less in
   * TLS 1.3) and every TLS 1.2 resumption goes by session ID, which fast-resumption.ts serves. TLS 1.3
   * peers resume with stateful tickets, except those that send no legacy session ID (wpa_supplicant):
   * Node cannot look their ticket up, so they do full handshakes.
   */
  resumptionTickets: false,
  /** FreeRADIUS cache lifetime default (24 h). */
  resumptionLifetimeSeconds: 86_400,
  /** Session-ID cache size (about 1.5 KB each: a session holds the client certificate). */
  sessionCacheEntries: 10_000,
  timeoutSeconds: 30,
  maxConversations: 4096,
  maxRoundTrips: 100,
  maxTlsMessageLength: DEFAULT_MAX_TLS_MESSAGE_LENGTH,
} as const;

export interface ResolvedTlsOptions {
  certificate: Buffer;
  privateKey: Buffer;
  privateKeyPassphrase?: string;
  /** One PEM per CA certificate. */
  ca: string[];
  /** SHA-256 fingerprints of the CAs (session-id context: a new trust set ends resumption). */
  caFingerprints: string[];
  /** One PEM per CRL. */
  crl: string[];
  crlDer: Buffer[];
  minVersion: TlsVersionName;
  maxVersion: TlsVersionName;
  fragmentSize: number;
  resumption: { enabled: boolean; lifetimeSeconds: number; tickets: boolean; fastPath: boolean };
  ticketKeys?: Buffer;
  maxMessageLength: number;
}

export interface ResolvedEapOptions {
  tls: ResolvedTlsOptions;
  methods: EapMethodName[];
  udidSources: UdidSource[];
  timeoutSeconds: number;
  maxConversations: number;
  maxRoundTrips: number;
  credentials: CredentialStore;
}

const TLS_VERSIONS: readonly TlsVersionName[] = ['TLSv1.2', 'TLSv1.3'];

/** Reads and checks everything; throws EapConfigError listing every problem. */
export function resolveEapOptions(options: EapEngineOptions): ResolvedEapOptions {
  const problems: string[] = [];
  const tls = options.tls;
  const certificate = readPem(tls.certificate, 'tls.certificate', problems);
  const privateKey = readPem(tls.privateKey, 'tls.privateKey', problems);
  if (certificate && privateKey) checkKeyPair(certificate, privateKey, tls.privateKeyPassphrase, problems);

  const ca: string[] = [];
  const caFingerprints: string[] = [];
  for (const [i, input] of asList(tls.ca).entries()) {
    const text = readPem(input, `tls.ca[${i}]`, problems)?.toString('latin1');
    if (text === undefined) continue;
    const blocks = pemBlocks(text, 'CERTIFICATE');
    if (blocks.length === 0) problems.push(`tls.ca[${i}]: no PEM certificate found`);
    for (const block of blocks) {
      try {
        caFingerprints.push(new X509Certificate(block).fingerprint256);
        ca.push(block);
      } catch (err) {
        problems.push(`tls.ca[${i}]: unreadable certificate (${(err as Error).message})`);
      }
    }
  }
  if (ca.length === 0 && problems.every((p) => !p.startsWith('tls.ca'))) problems.push('tls.ca: at least one CA is required');

  const crl: string[] = [];
  const crlDer: Buffer[] = [];
  for (const [i, input] of asList(tls.crl).entries()) {
    const text = readPem(input, `tls.crl[${i}]`, problems)?.toString('latin1');
    if (text === undefined) continue;
    const blocks = pemBlocks(text, 'X509 CRL');
    if (blocks.length === 0) problems.push(`tls.crl[${i}]: no PEM CRL found`);
    for (const block of blocks) {
      const der = pemToDer(block);
      try {
        parseCrl(der);
        crl.push(block);
        crlDer.push(der);
      } catch (err) {
        problems.push(`tls.crl[${i}]: unreadable CRL (${(err as Error).message})`);
      }
    }
  }

  const minVersion = tls.minVersion ?? EAP_DEFAULTS.minVersion;
  const maxVersion = tls.maxVersion ?? EAP_DEFAULTS.maxVersion;
  if (!TLS_VERSIONS.includes(minVersion)) problems.push(`tls.minVersion: must be TLSv1.2 or TLSv1.3, not ${String(minVersion)}`);
  if (!TLS_VERSIONS.includes(maxVersion)) problems.push(`tls.maxVersion: must be TLSv1.2 or TLSv1.3, not ${String(maxVersion)}`);
  if (minVersion === 'TLSv1.3' && maxVersion === 'TLSv1.2') problems.push('tls.minVersion is above tls.maxVersion');

  const fragmentSize = integer(tls.fragmentSize, EAP_DEFAULTS.fragmentSize, 64, 3000, 'tls.fragmentSize', problems);
  const lifetimeSeconds = integer(
    tls.resumption?.lifetimeSeconds,
    EAP_DEFAULTS.resumptionLifetimeSeconds,
    1,
    7 * 86_400,
    'tls.resumption.lifetimeSeconds',
    problems,
  );
  integer(tls.resumption?.cacheEntries, EAP_DEFAULTS.sessionCacheEntries, 1, 1_000_000, 'tls.resumption.cacheEntries', problems);
  if (tls.ticketKeys !== undefined && tls.ticketKeys.length !== 48) problems.push('tls.ticketKeys: must be 48 octets');

  const methods = [...(options.methods ?? EAP_DEFAULTS.methods)];
  if (methods.length === 0) problems.push('methods: at least one EAP method is required');
  for (const m of methods) if (!EAP_METHOD_NAMES.includes(m)) problems.push(`methods: unknown method "${String(m)}"`);
  if (new Set(methods).size !== methods.length) problems.push('methods: duplicates');

  const udidSources = [...(options.udidSources ?? DEFAULT_UDID_SOURCES)];
  for (const s of udidSources) if (!UDID_SOURCES.includes(s)) problems.push(`udidSources: unknown source "${String(s)}"`);

  const resolved: ResolvedEapOptions = {
    tls: {
      certificate: certificate ?? Buffer.alloc(0),
      privateKey: privateKey ?? Buffer.alloc(0),
      ca,
      caFingerprints,
      crl,
      crlDer,
      minVersion,
      maxVersion,
      fragmentSize,
      resumption: {
        enabled: tls.resumption?.enabled ?? EAP_DEFAULTS.resumptionEnabled,
        lifetimeSeconds,
        tickets: tls.resumption?.tickets ?? EAP_DEFAULTS.resumptionTickets,
        fastPath: tls.resumption?.fastPath ?? true,
      },
      maxMessageLength: EAP_DEFAULTS.maxTlsMessageLength,
    },
    methods,
    udidSources,
    timeoutSeconds: integer(options.timeoutSeconds, EAP_DEFAULTS.timeoutSeconds, 1, 3600, 'timeoutSeconds', problems),
    maxConversations: integer(options.maxConversations, EAP_DEFAULTS.maxConversations, 1, 1_000_000, 'maxConversations', problems),
    maxRoundTrips: integer(options.maxRoundTrips, EAP_DEFAULTS.maxRoundTrips, 4, 1000, 'maxRoundTrips', problems),
    credentials: options.credentials ?? NO_CREDENTIALS,
  };
  if (tls.privateKeyPassphrase !== undefined) resolved.tls.privateKeyPassphrase = tls.privateKeyPassphrase;
  if (tls.ticketKeys !== undefined) resolved.tls.ticketKeys = tls.ticketKeys;
  if (problems.length > 0) throw new EapConfigError(problems);
  return resolved;
}

/** OpenSSL only catches a mismatch when key and certificate have the same type; check here. */
function checkKeyPair(certificate: Buffer, privateKey: Buffer, passphrase: string | undefined, problems: string[]): void {
  const leaf = pemBlocks(certificate.toString('latin1'), 'CERTIFICATE')[0];
  if (!leaf) {
    problems.push('tls.certificate: no PEM certificate found');
    return;
  }
  let key;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: privateKey } : { key: privateKey, passphrase });
  } catch (err) {
    problems.push(`tls.privateKey: unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return;
  }
  try {
    if (!new X509Certificate(leaf).checkPrivateKey(key)) problems.push('tls.privateKey does not match tls.certificate');
  } catch (err) {
    problems.push(`tls.certificate: unreadable certificate (${(err as Error).message})`);
  }
}

function asList(input: PemInput | readonly PemInput[] | undefined): readonly PemInput[] {
  if (input === undefined) return [];
  return Array.isArray(input) ? input : [input as PemInput];
}

function readPem(input: PemInput, where: string, problems: string[]): Buffer | undefined {
  if ('pem' in input) return Buffer.isBuffer(input.pem) ? input.pem : Buffer.from(input.pem, 'utf8');
  try {
    return readFileSync(input.file);
  } catch (err) {
    problems.push(`${where}: cannot read ${input.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

function integer(value: number | undefined, fallback: number, min: number, max: number, where: string, problems: string[]): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${where}: must be an integer in ${min}..${max}, not ${value}`);
    return fallback;
  }
  return value;
}
