import { isIP } from 'node:net';
import { z } from 'zod';
import { jamfSectionSchema } from '../jamf/config.js';
import { pushSectionSchema } from '../push/config.js';
import { passwordHashProblem } from '../eap/credentials.js';

// The config file's shape, with defaults beside each field. Keys are snake_case as admins write them in YAML.
// Every key is documented in config.example.yaml.

/** A secret written inline, or taken from an environment variable or a file. */
export const secretRef = z.union([
  z.string().min(1, 'must not be empty'),
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRef>;

const hostPort = z.string().refine((s) => parseListen(s) !== undefined, {
  message: 'must be ADDRESS:PORT, e.g. "0.0.0.0:1812" or "[::]:1812"',
});

/** "0.0.0.0:1812" / "[::]:1812" → {address, port}. */
export function parseListen(s: string): { address: string; port: number } | undefined {
  const m = s.match(/^\[([^\]]+)\]:(\d+)$/) ?? s.match(/^([^:]+):(\d+)$/);
  if (!m) return undefined;
  const port = Number(m[2]);
  // Port 0 = any free port (tests); the bound port is logged at start.
  if (!isIP(m[1]) || port < 0 || port > 65535) return undefined;
  return { address: m[1], port };
}

const ipOrCidr = z.string().refine((s) => {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || !isIP(addr)) return false;
  if (bits === undefined) return true;
  const max = isIP(addr) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}, { message: 'must be an IP address or CIDR, e.g. "10.1.0.0/16" or "2001:db8::/48"' });

export const EAP_METHODS = ['tls', 'ttls', 'peap'] as const;
const tlsVersion = z.enum(['1.2', '1.3']);

const eap = z.object({
  /** Methods offered, in order of preference; a peer may NAK to another one in the list. */
  methods: z.array(z.enum(EAP_METHODS)).min(1).default(['tls', 'ttls', 'peap']),
  tls: z.object({
    certificate: z.string().min(1),
    private_key: z.string().min(1),
    private_key_password: secretRef.optional(),
    /** CA bundle(s) trusted for client certificates (EAP-TLS). */
    ca: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** CRL file(s), reloaded on SIGHUP. */
    crl: z.array(z.string().min(1)).default([]),
    min_version: tlsVersion.default('1.2'),
    max_version: tlsVersion.default('1.3'),
    /** Largest TLS payload per EAP fragment; Framed-MTU from the NAS lowers it (≤ 3000 keeps packets under 4096). */
    fragment_size: z.number().int().min(64).max(3000).default(1024),
    resumption: z.object({
      enabled: z.boolean().default(true),
      lifetime_seconds: z.number().int().min(60).max(7 * 86_400).default(86_400),
      /** Stateless session tickets (CPU on every full handshake); off: resumption from the session cache only. */
      tickets: z.boolean().default(false),
    }).strict().default({}),
  }).strict(),
  /** Where the Jamf device UDID is taken from in a client certificate, in order. */
  udid_sources: z.array(z.enum(['san_uri', 'san_dns', 'cn'])).min(1).default(['san_uri', 'san_dns', 'cn']),
  timeout_seconds: z.number().int().min(5).max(600).default(30),
  max_conversations: z.number().int().min(16).max(1_000_000).default(4096),
}).strict();

export const VENDOR_PROFILES = ['generic', 'cisco', 'aruba', 'juniper', 'mist', 'meraki', 'ruckus', 'hp', 'hostapd'] as const;

const client = z.object({
  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"'),
  address: z.union([ipOrCidr, z.array(ipOrCidr).min(1)]),
  secret: secretRef,
  vendor: z.enum(VENDOR_PROFILES).default('generic'),
  labels: z.array(z.string()).default([]),
  coa_port: z.number().int().min(1).max(65535).default(3799),
  coa_secret: secretRef.optional(),
  require_message_authenticator: z.boolean().optional(),
  /** EAP methods this NAS may use (default: eap.methods). */
  eap_methods: z.array(z.enum(EAP_METHODS)).min(1).optional(),
}).strict();

const user = z.object({
  name: z.string().min(1),
  password: secretRef.optional(),
  /** bcrypt hash for PAP (TTLS/PAP and RADIUS PAP); cannot do MSCHAPv2. */
  password_hash: z.string().superRefine((hash, ctx) => {
    const problem = passwordHashProblem(hash);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  }).optional(),
  /** NT hash (32 hex digits) for MSCHAPv2 (and PAP) without a clear-text password. */
  nt_hash: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits').optional(),
}).strict()
  .refine((u) => u.password !== undefined || u.password_hash !== undefined || u.nt_hash !== undefined, { message: 'needs password, password_hash or nt_hash' })
  .refine((u) => u.password === undefined || u.password_hash === undefined, { message: 'use password or password_hash, not both', path: ['password_hash'] });

export const configSchema = z.object({
  server: z.object({
    auth_listen: z.array(hostPort).min(1).default(['0.0.0.0:1812', '[::]:1812']),
    acct_listen: z.array(hostPort).default(['0.0.0.0:1813', '[::]:1813']),
    /** RFC 5080: a retransmission within this window is answered from the reply cache. */
    duplicate_window_seconds: z.number().int().min(1).max(300).default(30),
  }).strict().default({}),
  log: z.object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    /** Also write every authentication decision to the log (it always goes to the auth log table). */
    auth_decisions: z.boolean().default(false),
  }).strict().default({}),
  store: z.object({
    path: z.string().min(1).default('./portcullis.db'),
    /** full: survives power loss; normal: survives a crash of the server process (faster). */
    synchronous: z.enum(['full', 'normal']).default('full'),
    auth_log_retention_days: z.number().int().min(1).default(30),
  }).strict().default({}),
  /** Extra dictionary folders, read after the built-in one. */
  dictionaries: z.array(z.string()).default([]),
  security: z.object({
    /** BlastRADIUS: default for every client; an Access-Request without a valid Message-Authenticator is dropped. */
    require_message_authenticator: z.boolean().default(true),
  }).strict().default({}),
  clients: z.array(client).default([]),
  /** Removed: MAB is decided by the policy (a label with `mac: [...]` and a rule). */
  mab: z.unknown().optional().superRefine((v, ctx) => {
    if (v !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'mab.allow has moved into the policy: add a label like `printers: {method: mab, mac: [...]}` and an allow rule for it (see config.example.yaml)' });
  }),
  users: z.array(user).default([]),
  /** 802.1X: without this section, EAP requests are rejected. */
  eap: eap.optional(),
  /**
   * The auth policy: inline (labels, rules, default, vlans) or `{file: policy.yaml}`. Checked by src/policy
   * (it needs the dictionaries); without it, successful 802.1X/PAP logins are allowed and MAB is refused.
   */
  policy: z.record(z.unknown()).optional(),
  /** Jamf Pro posture: without this section every device is "unknown". */
  jamf: jamfSectionSchema.optional(),
  /** Push posture: Jamf webhooks and SSF/CAEP signals on an HTTPS listener (needs the jamf: section). */
  push: pushSectionSchema.optional(),
  posture: z.object({
    /** With no successful Jamf sync for this long, every device answers "stale" (never silently compliant). */
    stale_after_seconds: z.number().int().min(60).default(6 * 3600),
    lookup: z.object({
      /** Background Jamf lookups of unseen devices started per second at most. */
      per_second: z.number().int().min(1).max(50).default(5),
      /** A MAC/UDID Jamf does not know is not looked up again for this long. */
      negative_ttl_seconds: z.number().int().min(10).default(600),
      /** Lookups waiting beyond this are dropped (a flood of random MACs cannot grow memory). */
      max_queue: z.number().int().min(1).default(1000),
    }).strict().default({}),
  }).strict().default({}),
  /** CoA / Disconnect sending (RFC 5176); per-NAS port and secret are coa_port / coa_secret under clients:. */
  coa: z.object({
    /** Wait for the NAS's answer before the first retransmission; doubles for each one after. */
    timeout_seconds: z.number().min(0.05).max(60).default(3),
    /** Retransmissions of an unanswered request (the same bytes), after the first send. */
    retries: z.number().int().min(0).max(10).default(2),
    /** Requests sent per second at most, all NASes together: a mass posture change is paced, never a storm. */
    per_second: z.number().min(0.1).max(10_000).default(50),
    /** Requests waiting to be sent; beyond this a request fails at once (and is logged). */
    max_queue: z.number().int().min(1).max(1_000_000).default(10_000),
    /**
     * After a policy reload, live sessions whose outcome changes: `keep` (they keep it until they authenticate
     * again; the server logs how many) or `reauthorize` (CoA / Disconnect now, paced by per_second).
     */
    on_policy_change: z.enum(['keep', 'reauthorize']).default('keep'),
  }).strict().default({}),
}).strict();

export type ConfigInput = z.input<typeof configSchema>;
export type RawConfig = z.infer<typeof configSchema>;
export type ClientConfig = z.infer<typeof client>;
export type UserConfig = z.infer<typeof user>;
export type EapConfig = z.infer<typeof eap>;
