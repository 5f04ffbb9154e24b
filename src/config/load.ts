import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { Secret } from '../log/secret.js';
import type { PolicySource } from '../policy/compile.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { formatPath, issueMessage, locate, type YamlPath } from './yaml-locate.js';
import { resolveSecret } from './secrets.js';
import { configSchema, parseListen, type RawConfig, type SecretRef } from './schema.js';
import { jamfConfigFromSection, type JamfConfig } from '../jamf/config.js';
import { pushSettingsFromSection, type PushSettings } from '../push/config.js';
import type { PostureSettings } from '../posture/service.js';

export interface ListenAddress {
  address: string;
  port: number;
}

export interface NasClientConfig {
  name: string;
  /** CIDRs ("10.0.0.1/32" for a single address). */
  networks: { address: string; prefix: number; family: 4 | 6 }[];
  secret: Secret;
  vendor: RawConfig['clients'][number]['vendor'];
  labels: readonly string[];
  coaPort: number;
  coaSecret: Secret;
  requireMessageAuthenticator: boolean;
  eapMethods?: readonly ('tls' | 'ttls' | 'peap')[];
}

/** The eap: section with file paths resolved against the config file's folder. */
export interface EapSettings {
  methods: ('tls' | 'ttls' | 'peap')[];
  tls: {
    certificate: string;
    privateKey: string;
    privateKeyPassword?: Secret;
    ca: string[];
    crl: string[];
    minVersion: 'TLSv1.2' | 'TLSv1.3';
    maxVersion: 'TLSv1.2' | 'TLSv1.3';
    fragmentSize: number;
    resumption: { enabled: boolean; lifetimeSeconds: number; tickets: boolean };
  };
  udidSources: ('san_uri' | 'san_dns' | 'cn')[];
  timeoutSeconds: number;
  maxConversations: number;
}

export interface LocalUser {
  name: string;
  password?: Secret;
  /** bcrypt hash (PAP only). */
  passwordHash?: Secret;
  ntHash?: Buffer;
}

/** The validated, resolved, frozen configuration the server runs on. */
export interface Config {
  file: string;
  auth: { listen: ListenAddress[]; acctListen: ListenAddress[]; duplicateWindowMs: number };
  log: RawConfig['log'];
  store: { path: string; synchronous: 'full' | 'normal'; authLogRetentionDays: number };
  dictionaries: string[];
  clients: NasClientConfig[];
  /** The auth policy's text and where it is (compiled with the dictionaries by src/policy). */
  policy?: PolicySource;
  users: ReadonlyMap<string, LocalUser>;
  eap?: EapSettings;
  jamf?: JamfConfig;
  /** Push listener (Jamf webhooks, SSF/CAEP); present only with a jamf: section. */
  push?: PushSettings;
  /** Warnings to log at start (e.g. a trailing / removed from the Jamf URL). */
  warnings: string[];
  posture: PostureSettings;
  coa: CoaSettings;
}

/** The coa: section (CoA / Disconnect sending). */
export interface CoaSettings {
  timeoutMs: number;
  retries: number;
  perSecond: number;
  maxQueue: number;
  /** What a policy reload does to live sessions whose outcome changes. */
  onPolicyChange: 'keep' | 'reauthorize';
}

type Path = YamlPath;


function parseNetwork(text: string): NasClientConfig['networks'][number] {
  const [address, bits] = text.split('/');
  const family = address.includes(':') ? 6 : 4;
  return { address, prefix: bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), family };
}

/** Parses and validates config text; throws ConfigError listing every problem. */
export interface LoadOptions {
  /**
   * false: secrets that cannot be read (unset env var, missing file) are not errors. For read-only CLI commands
   * (sessions, log, devices) that only need the store path, run by an admin without the server's environment.
   */
  requireSecrets?: boolean;
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const problems: ConfigProblem[] = [];
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  if (problems.length) throw new ConfigError(problems);
  const data = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ file, ...locate(doc, lc, issue.path), path: formatPath(issue.path), message: issueMessage(issue) });
    }
    throw new ConfigError(problems);
  }
  const raw = parsed.data;
  const at = (path: Path) => (message: string) => problems.push({ file, ...locate(doc, lc, path), path: formatPath(path), message });
  const secretAt = (path: Path) => (options.requireSecrets === false ? () => {} : at(path));
  const baseDir = dirname(resolve(file));

  const names = new Set<string>();
  const clients = raw.clients.map((c, i): NasClientConfig => {
    if (names.has(c.name)) at(['clients', i, 'name'])(`client name "${c.name}" is used twice`);
    names.add(c.name);
    const secret = resolveSecret(c.secret, baseDir, secretAt(['clients', i, 'secret']));
    if (secret.length > 0 && secret.length < 8) at(['clients', i, 'secret'])('shared secret is shorter than 8 characters; use 16 or more random characters');
    return {
      name: c.name,
      networks: (Array.isArray(c.address) ? c.address : [c.address]).map(parseNetwork),
      secret,
      vendor: c.vendor,
      labels: c.labels,
      coaPort: c.coa_port,
      coaSecret: c.coa_secret ? resolveSecret(c.coa_secret, baseDir, secretAt(['clients', i, 'coa_secret'])) : secret,
      requireMessageAuthenticator: c.require_message_authenticator ?? raw.security.require_message_authenticator,
      eapMethods: c.eap_methods,
    };
  });

  let policy: PolicySource | undefined;
  if (raw.policy) {
    const ref = raw.policy.file;
    if (ref !== undefined && Object.keys(raw.policy).length === 1) {
      if (typeof ref !== 'string' || !ref) at(['policy', 'file'])('must be the path of a policy file');
      else {
        const path = resolve(baseDir, ref);
        try {
          policy = { file: path, text: readFileSync(path, 'utf8'), prefix: [] };
        } catch (err) {
          at(['policy', 'file'])(`cannot read policy file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        }
      }
    } else {
      policy = { file, text, prefix: ['policy'] };
    }
  }

  const users = new Map<string, LocalUser>();
  raw.users.forEach((u, i) => {
    if (users.has(u.name)) at(['users', i, 'name'])(`user "${u.name}" is listed twice`);
    users.set(u.name, {
      name: u.name,
      password: u.password !== undefined ? resolveSecret(u.password, baseDir, secretAt(['users', i, 'password'])) : undefined,
      passwordHash: u.password_hash !== undefined ? new Secret(u.password_hash, 'inline') : undefined,
      ntHash: u.nt_hash ? Buffer.from(u.nt_hash, 'hex') : undefined,
    });
  });

  let eap: EapSettings | undefined;
  if (raw.eap) {
    const e = raw.eap;
    const file = (p: string) => resolve(baseDir, p);
    const version = (v: '1.2' | '1.3') => (v === '1.2' ? 'TLSv1.2' : 'TLSv1.3') as 'TLSv1.2' | 'TLSv1.3';
    if (e.tls.min_version > e.tls.max_version) at(['eap', 'tls', 'min_version'])('min_version is above max_version');
    eap = {
      methods: e.methods,
      tls: {
        certificate: file(e.tls.certificate),
        privateKey: file(e.tls.private_key),
        privateKeyPassword: e.tls.private_key_password ? resolveSecret(e.tls.private_key_password, baseDir, secretAt(['eap', 'tls', 'private_key_password'])) : undefined,
        ca: (Array.isArray(e.tls.ca) ? e.tls.ca : [e.tls.ca]).map(file),
        crl: e.tls.crl.map(file),
        minVersion: version(e.tls.min_version),
        maxVersion: version(e.tls.max_version),
        fragmentSize: e.tls.fragment_size,
        resumption: { enabled: e.tls.resumption.enabled, lifetimeSeconds: e.tls.resumption.lifetime_seconds, tickets: e.tls.resumption.tickets },
      },
      udidSources: e.udid_sources,
      timeoutSeconds: e.timeout_seconds,
      maxConversations: e.max_conversations,
    };
  }

  let jamf: JamfConfig | undefined;
  const warnings: string[] = [];
  if (raw.jamf) {
    const r = jamfConfigFromSection(raw.jamf, baseDir, (path, message) =>
      (path[0] === 'client_secret' ? secretAt : at)(['jamf', ...path])(message));
    jamf = r.config;
    warnings.push(...r.warnings);
  }

  let push: PushSettings | undefined;
  if (raw.push) {
    if (!raw.jamf) at(['push'])('needs a jamf: section (webhooks and signals update the Jamf posture store)');
    push = pushSettingsFromSection(raw.push, baseDir, (path, message, isSecret) => (isSecret ? secretAt : at)(['push', ...path])(message));
  }

  if (problems.length) throw new ConfigError(problems);
  const config: Config = {
    file,
    auth: {
      listen: raw.server.auth_listen.map((s) => parseListen(s)!),
      acctListen: raw.server.acct_listen.map((s) => parseListen(s)!),
      duplicateWindowMs: raw.server.duplicate_window_seconds * 1000,
    },
    log: raw.log,
    store: { path: resolve(baseDir, raw.store.path), synchronous: raw.store.synchronous, authLogRetentionDays: raw.store.auth_log_retention_days },
    dictionaries: raw.dictionaries.map((d) => resolve(baseDir, d)),
    clients,
    policy,
    users,
    eap,
    jamf,
    push,
    warnings,
    posture: {
      staleAfterSeconds: raw.posture.stale_after_seconds,
      lookup: { perSecond: raw.posture.lookup.per_second, negativeTtlSeconds: raw.posture.lookup.negative_ttl_seconds, maxQueue: raw.posture.lookup.max_queue },
    },
    coa: {
      timeoutMs: Math.round(raw.coa.timeout_seconds * 1000), retries: raw.coa.retries, perSecond: raw.coa.per_second, maxQueue: raw.coa.max_queue,
      onPolicyChange: raw.coa.on_policy_change,
    },
  };
  return Object.freeze(config);
}

/** Reads and validates a config file; throws ConfigError (file, line, reason) for anything wrong. */
export function loadConfig(file: string, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: 0, column: 0, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  return parseConfig(text, file, options);
}
