import { resolve } from 'node:path';
import { z } from 'zod';
import type { Secret } from '../log/secret.js';
import { resolveSecret } from '../config/secrets.js';

// The `jamf:` section of the config file (snake_case, as admins write it) and the resolved settings the
// client runs on. The lead plugs `jamfSectionSchema` into the config schema and calls `jamfConfigFromSection`.

/** Jamf asks integrations to stay at or below 5 concurrent connections (jamf-pro-api-scalability-best-practices). */
export const JAMF_MAX_CONNECTIONS = 5;
/** Jamf Pro silently clamps page-size to 2000; asking for more only hides the clamp. */
export const JAMF_MAX_PAGE_SIZE = 2000;

/** The client secret comes from the environment or a file, never from the config text itself. */
const secretSource = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
], {
  errorMap: () => ({ message: 'must be {env: VARIABLE} or {file: /path/to/secret} (the client secret is not written in the config file)' }),
});

const groupNames = z.array(z.string().trim().min(1, 'must not be empty')).default([]);

export const jamfSectionSchema = z.object({
  /** https://acme.jamfcloud.com or https://jamf.example.com:8443 (a context path is allowed). */
  url: z.string().min(1),
  /** API client id (Jamf Pro → Settings → API roles and clients). */
  client_id: z.string().trim().min(1),
  client_secret: secretSource,
  /** Smart Computer Group names: a Mac in any of them is compliant. */
  computer_groups: groupNames,
  /** Smart Device Group names (iPhone/iPad): a device in any of them is compliant. */
  mobile_device_groups: groupNames,
  poll_interval_seconds: z.number().int().min(60).max(7 * 86_400).default(7200),
  tls: z.object({
    /** PEM bundle that signed the Jamf server certificate; without it the system CAs are used. */
    ca_file: z.string().min(1).optional(),
    /** false turns certificate checks off (a warning is logged at every start). */
    verify: z.boolean().default(true),
  }).strict().default({}),
  max_connections: z.number().int().min(1).max(JAMF_MAX_CONNECTIONS).default(JAMF_MAX_CONNECTIONS),
  page_size: z.number().int().min(1).max(JAMF_MAX_PAGE_SIZE).default(1000),
  timeouts: z.object({
    connect_seconds: z.number().min(0.1).max(120).default(10),
    /** Whole request, per attempt (large inventory pages can be slow). */
    request_seconds: z.number().min(0.1).max(600).default(60),
  }).strict().default({}),
  retry: z.object({
    /** Retries after the first attempt, on 408/429/5xx and network errors. */
    limit: z.number().int().min(0).max(10).default(4),
    /** First backoff; doubles each retry up to max_backoff_seconds. */
    backoff_seconds: z.number().min(0).max(60).default(1),
    max_backoff_seconds: z.number().min(0).max(600).default(30),
    /** A Retry-After longer than this fails the request instead of waiting. */
    max_retry_after_seconds: z.number().min(0).max(3600).default(120),
  }).strict().default({}),
}).strict()
  .refine((j) => j.computer_groups.length + j.mobile_device_groups.length > 0, {
    message: 'name at least one smart group in computer_groups or mobile_device_groups',
    path: ['computer_groups'],
  });

export type JamfSectionInput = z.input<typeof jamfSectionSchema>;
export type JamfSection = z.infer<typeof jamfSectionSchema>;

/** Resolved Jamf settings. Times are in milliseconds. */
export interface JamfConfig {
  /** Base URL without a trailing slash. */
  url: string;
  clientId: string;
  clientSecret: Secret;
  computerGroups: readonly string[];
  mobileGroups: readonly string[];
  pollIntervalSeconds: number;
  tls: { caFile?: string; verify: boolean };
  /** ≤ 5. */
  maxConcurrency: number;
  pageSize: number;
  timeouts: { connectMs: number; requestMs: number };
  retry: { limit: number; backoffMs: number; maxBackoffMs: number; maxRetryAfterMs: number };
}

/** Path inside the jamf section ("client_secret") and what is wrong there. */
export type JamfProblem = (path: (string | number)[], message: string) => void;

export interface JamfSectionResult {
  config: JamfConfig;
  /** Things that work but deserve a log line (e.g. a trailing "/" removed from the URL). */
  warnings: string[];
}

/** Checks the URL; returns it without trailing slashes. */
function normaliseUrl(text: string, problem: JamfProblem, warnings: string[]): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problem(['url'], `"${text}" is not a URL (e.g. https://acme.jamfcloud.com)`);
    return text;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problem(['url'], `must start with https:// (got ${url.protocol})`);
  if (url.username || url.password) problem(['url'], 'must not contain a user name or password (use client_id and client_secret)');
  if (url.search || url.hash) problem(['url'], 'must not contain "?" or "#"');
  let out = text.trim();
  if (out.endsWith('/')) {
    out = out.replace(/\/+$/, '');
    warnings.push(`jamf.url: trailing "/" removed (${out})`);
  }
  return out;
}


/**
 * Turns a validated `jamf:` section into JamfConfig: reads the secret, resolves ca_file against the config
 * file's folder, strips a trailing "/" from the URL (with a warning). Problems go to `problem`.
 */
export function jamfConfigFromSection(section: JamfSection, baseDir: string, problem: JamfProblem): JamfSectionResult {
  const warnings: string[] = [];
  const url = normaliseUrl(section.url, problem, warnings);
  const dedupe = (names: string[]) => [...new Set(names)];
  const config: JamfConfig = {
    url,
    clientId: section.client_id,
    clientSecret: resolveSecret(section.client_secret, baseDir, (message) => problem(['client_secret'], message)),
    computerGroups: dedupe(section.computer_groups),
    mobileGroups: dedupe(section.mobile_device_groups),
    pollIntervalSeconds: section.poll_interval_seconds,
    tls: { caFile: section.tls.ca_file ? resolve(baseDir, section.tls.ca_file) : undefined, verify: section.tls.verify },
    maxConcurrency: Math.min(section.max_connections, JAMF_MAX_CONNECTIONS),
    pageSize: section.page_size,
    timeouts: { connectMs: section.timeouts.connect_seconds * 1000, requestMs: section.timeouts.request_seconds * 1000 },
    retry: {
      limit: section.retry.limit,
      backoffMs: section.retry.backoff_seconds * 1000,
      maxBackoffMs: section.retry.max_backoff_seconds * 1000,
      maxRetryAfterMs: section.retry.max_retry_after_seconds * 1000,
    },
  };
  if (config.tls.caFile && !config.tls.verify) warnings.push('jamf.tls: ca_file is ignored because verify is false');
  return { config, warnings };
}

/** Warnings the client logs at every start: settings that weaken the connection to Jamf. */
export function jamfStartupWarnings(config: JamfConfig): string[] {
  const out: string[] = [];
  if (!config.tls.verify) out.push(`jamf.tls.verify is false: the certificate of ${config.url} is NOT checked; anyone in the path can read the client secret and forge device posture`);
  if (config.url.startsWith('http:')) out.push(`jamf.url ${config.url} is plain http: the client secret and tokens cross the network unencrypted`);
  return out;
}

/** Parses a raw `jamf:` value (tests, `jamf test` without the full config); throws with every problem. */
export function parseJamfSection(raw: unknown, baseDir: string): JamfSectionResult {
  const parsed = jamfSectionSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${['jamf', ...issue.path].join('.')}: ${issue.message}`);
    throw new Error(problems.join('\n'));
  }
  const result = jamfConfigFromSection(parsed.data, baseDir, (path, message) => problems.push(`${['jamf', ...path].join('.')}: ${message}`));
  if (problems.length) throw new Error(problems.join('\n'));
  return result;
}
