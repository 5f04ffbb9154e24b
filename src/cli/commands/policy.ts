import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_DICTIONARIES } from '../../app.js';
import { ConfigError, formatProblem } from '../../config/errors.js';
import { loadConfig, type Config } from '../../config/load.js';
import { normaliseMac } from '../../posture/mac.js';
import { compilePolicy, type PolicySource } from '../../policy/compile.js';
import { loadPolicy } from '../../policy/load.js';
import type { CompiledPolicy } from '../../policy/policy.js';
import { postureFromStore } from '../../policy/posture-view.js';
import { AUTH_METHODS, type AuthMethod, type PolicyInput, type PolicyRequest } from '../../policy/types.js';
import { decodeAttributes, formatValue } from '../../radius/codec/attributes.js';
import type { RawAttribute } from '../../radius/codec/packet.js';
import type { Dictionary } from '../../radius/dictionary/dictionary.js';
import { loadDictionaries } from '../../radius/dictionary/parser.js';
import { openDatabase } from '../../store/db.js';
import { latestPolicyRequests } from '../../store/auth-requests.js';
import { openSnapshot } from './devices.js';

// `portcullis policy check | test | diff | hits`: the admin's tools to write a policy without surprises.

interface Env {
  config?: Config;
  dict: Dictionary;
}

/** The config (when there is one) gives the dictionaries, client names and whether Jamf is configured. */
function environment(configFile: string, required: boolean): Env {
  if (!required && !existsSync(configFile)) return { dict: loadDictionaries([BUILTIN_DICTIONARIES]) };
  const config = loadConfig(configFile, { requireSecrets: false });
  return { config, dict: loadDictionaries([BUILTIN_DICTIONARIES, ...config.dictionaries]) };
}

/** A file given on the command line: a policy file (labels/rules at the top) or a config file with policy:. */
function sourceOf(file: string): PolicySource {
  const path = resolve(file);
  const text = readFileSync(path, 'utf8');
  let top: unknown;
  try {
    top = parse(text);
  } catch {
    return { file, text, prefix: [] }; // the compiler reports the syntax error with its line
  }
  const isConfig = top !== null && typeof top === 'object' && 'policy' in top && !('rules' in top);
  if (isConfig) {
    const policy = (top as { policy: unknown }).policy;
    // As the config loader reads it: {file: PATH} alone points to a policy file; anything else is inline.
    if (policy && typeof policy === 'object' && Object.keys(policy).length === 1 && 'file' in policy && typeof policy.file === 'string') {
      return sourceOf(resolve(path, '..', policy.file));
    }
    return { file, text, prefix: ['policy'] };
  }
  return { file, text, prefix: [] };
}

function compileFile(file: string, env: Env): { policy?: CompiledPolicy; errors: string[]; warnings: string[] } {
  const result = compilePolicy(sourceOf(file), {
    dict: env.dict,
    clientNames: env.config?.clients.map((c) => c.name),
    jamfConfigured: env.config ? env.config.jamf !== undefined : undefined,
  });
  return { policy: result.policy, errors: result.errors.map(formatProblem), warnings: result.warnings.map(formatProblem) };
}

export function policyCheck(configFile: string, file: string | undefined): number {
  const env = environment(configFile, file === undefined);
  let policy: CompiledPolicy | undefined;
  let errors: string[] = [];
  let warnings: string[] = [];
  let label: string;
  if (file) {
    ({ policy, errors, warnings } = compileFile(file, env));
    label = file;
  } else {
    try {
      const loaded = loadPolicy(env.config!, env.dict);
      policy = loaded.policy;
      warnings = loaded.warnings.map(formatProblem);
      if (loaded.builtin) warnings.push(`${configFile}: no policy: section: the built-in policy allows successful 802.1X/PAP logins and refuses MAB`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors = err.problems.map(formatProblem);
    }
    label = configFile;
  }
  for (const e of errors) process.stderr.write(`error: ${e}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (!policy) {
    process.stderr.write(`${label}: ${errors.length} error(s): policy refused\n`);
    return 1;
  }
  const enabled = policy.rules.filter((r) => r.enabled).length;
  process.stdout.write(`${label}: OK — policy ${policy.version}, ${policy.rules.length} rule(s) (${enabled} enabled), default ${policy.defaultAction}${warnings.length ? `, ${warnings.length} warning(s)` : ''}\n`);
  return 0;
}

export interface TestOptions {
  config: string;
  policy?: string;
  method: string;
  udid?: string;
  mac?: string;
  ssid?: string;
  nas?: string;
  user?: string;
  portType?: string;
  json?: boolean;
}

/** The NAS a test request comes through: a configured client by name, else the first one. */
function nasFor(config: Config | undefined, name: string | undefined): PolicyRequest['nas'] {
  const clients = config?.clients ?? [];
  const client = name ? clients.find((c) => c.name === name) : clients[0];
  if (name && !client) throw new Error(`no client named "${name}" in the config (clients: ${clients.map((c) => c.name).join(', ') || 'none'})`);
  if (!client) return { name: name ?? 'test-nas', labels: [], ip: '127.0.0.1', vendor: 'generic' };
  return { name: client.name, labels: client.labels, ip: client.networks[0].address, vendor: client.vendor };
}

function currentPolicy(o: { config: string; policy?: string }, env: Env): CompiledPolicy {
  if (o.policy) {
    const r = compileFile(o.policy, env);
    if (!r.policy) throw new Error(`${o.policy} has errors:\n${r.errors.join('\n')}`);
    return r.policy;
  }
  return loadPolicy(env.config!, env.dict).policy;
}

function withSnapshot<T>(configFile: string, config: Config | undefined, body: (store: ReturnType<typeof openSnapshot>['store'] | undefined) => T): T {
  if (!config?.jamf || !existsSync(config.store.path)) return body(undefined);
  const view = openSnapshot(configFile);
  try {
    return body(view.store);
  } finally {
    view.close();
  }
}

export function attributeLines(attributes: readonly RawAttribute[], dict: Dictionary): string[] {
  return decodeAttributes(attributes, dict).map((a) => `${a.name}${a.tag ? `:${a.tag}` : ''} = ${formatValue(a)}`);
}

export function policyTest(o: TestOptions): number {
  if (!(AUTH_METHODS as readonly string[]).includes(o.method)) throw new Error(`--method must be one of ${AUTH_METHODS.join(', ')}`);
  if (!o.udid && !o.mac && !o.user) throw new Error('give the device: --udid, --mac or --user');
  const env = environment(o.config, true);
  const policy = currentPolicy(o, env);
  const mac = o.mac ? normaliseMac(o.mac) : undefined;
  if (o.mac && !mac) throw new Error(`"${o.mac}" is not a MAC address`);
  const request: PolicyRequest = { method: o.method as AuthMethod, nas: nasFor(env.config, o.nas) };
  if (mac) request.mac = mac;
  if (o.udid) request.udid = o.udid.toUpperCase();
  if (o.ssid) request.ssid = o.ssid;
  if (o.user) request.user = o.user;
  else if (o.method === 'mab' && mac) request.user = mac.replace(/:/g, '');
  if (o.portType) {
    if (o.portType !== 'wired' && o.portType !== 'wireless') throw new Error('--port-type must be wired or wireless');
    request.portType = o.portType;
  }
  return withSnapshot(o.config, env.config, (store) => {
    const input: PolicyInput = { request, posture: postureFromStore(store, request) };
    const { decision, trace } = policy.explain(input);
    const attributes = attributeLines(decision.attributes, env.dict);
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ request, posture: input.posture.device, decision: { ...decision, attributes }, trace }, null, 2)}\n`);
      return 0;
    }
    const p = input.posture.device;
    const out: string[] = [];
    out.push(`request:  ${request.method} via NAS ${request.nas.name} (${request.nas.vendor})${mac ? `, MAC ${mac}` : ''}${request.udid ? `, UDID ${request.udid}` : ''}${request.user ? `, user ${request.user}` : ''}${request.ssid ? `, SSID ${request.ssid}` : ''}`);
    const unknown = env.config?.jamf ? 'unknown (not in the Jamf snapshot)' : 'unknown (no jamf: section)';
    out.push(`posture:  ${p?.device ? `${p.state} (Jamf ${p.device.kind} ${p.device.jamfId}${p.device.name ? ` "${p.device.name}"` : ''}, ${p.ageSeconds ?? '?'} s old)` : p && p.state !== 'unknown' ? p.state : unknown}`);
    out.push(`policy:   ${policy.version} (${policy.source})`);
    trace.forEach((t, i) => {
      out.push(`  ${String(i + 1).padStart(2)}. ${t.rule}: ${t.matched ? 'MATCH' : t.enabled ? `no — ${t.reasons.join('; ')}` : 'disabled'}`);
    });
    if (decision.rule === 'default') out.push('      (no rule matched)');
    out.push(`decision: ${decision.action.toUpperCase()} by ${decision.rule === 'default' ? 'the default' : `rule "${decision.rule}"`} → ${decision.action === 'allow' ? 'Access-Accept' : 'Access-Reject'}`);
    if (decision.action === 'allow') {
      out.push(attributes.length ? 'attributes:' : 'attributes: none added by the policy');
      for (const a of attributes) out.push(`  ${a}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  });
}

/** --days: "abc" would otherwise select nothing and look like an empty log. */
function daysOf(text: string): number {
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0) throw new Error('--days must be a positive number');
  return days;
}

export function policyDiff(o: { config: string; days: string; json?: boolean }, oldFile: string, newFile: string): number {
  const env = environment(o.config, true);
  const before = compileFile(oldFile, env);
  const after = compileFile(newFile, env);
  for (const [file, r] of [[oldFile, before], [newFile, after]] as const) {
    if (!r.policy) throw new Error(`${file} has errors:\n${r.errors.join('\n')}`);
  }
  const days = daysOf(o.days);
  const config = env.config!;
  const requests = existsSync(config.store.path)
    ? (() => {
        const db = openDatabase(config.store.path, { readonly: true });
        try {
          return latestPolicyRequests(db, Date.now() - days * 86_400_000);
        } finally {
          db.close();
        }
      })()
    : [];
  return withSnapshot(o.config, config, (store) => {
    const seen = new Set<string>();
    const inputs: { who: string; request: PolicyRequest }[] = [];
    for (const r of requests) {
      const who = `${r.request.mac ?? r.request.user ?? '?'} via ${r.request.nas.name} (${r.request.method})`;
      inputs.push({ who, request: r.request });
      if (r.request.udid) seen.add(r.request.udid);
      if (r.request.mac) seen.add(r.request.mac);
    }
    // Jamf devices that have not authenticated recently: as they would arrive with EAP-TLS via the first client.
    for (const d of store?.records() ?? []) {
      if (!d.udid || seen.has(d.udid) || d.macs.some((m) => seen.has(m))) continue;
      const request: PolicyRequest = { method: 'eap-tls', nas: nasFor(config, undefined), udid: d.udid };
      if (d.macs[0]) request.mac = d.macs[0];
      inputs.push({ who: `${d.udid} (Jamf ${d.kind} ${d.jamfId}, as EAP-TLS)`, request });
    }
    const changes: { who: string; from: string; to: string; attributesChanged: boolean }[] = [];
    for (const { who, request } of inputs) {
      const input: PolicyInput = { request, posture: postureFromStore(store, request) };
      const a = before.policy!.peek(input);
      const b = after.policy!.peek(input);
      const attrsA = attributeLines(a.attributes, env.dict).join('|');
      const attrsB = attributeLines(b.attributes, env.dict).join('|');
      if (a.action !== b.action || a.rule !== b.rule || attrsA !== attrsB) {
        changes.push({ who, from: `${a.action} (${a.rule})`, to: `${b.action} (${b.rule})`, attributesChanged: attrsA !== attrsB });
      }
    }
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ evaluated: inputs.length, changes }, null, 2)}\n`);
    } else {
      for (const c of changes) process.stdout.write(`${c.who}: ${c.from} → ${c.to}${c.attributesChanged ? ' [attributes change]' : ''}\n`);
      process.stdout.write(`${inputs.length} device(s) evaluated (${requests.length} from the auth log of the last ${days} day(s)), ${changes.length} decision(s) change\n`);
    }
    return 0;
  });
}

export function policyHits(o: { config: string; days: string; json?: boolean }): number {
  const days = daysOf(o.days);
  const config = loadConfig(o.config, { requireSecrets: false });
  if (!existsSync(config.store.path)) throw new Error(`no database at ${config.store.path} yet`);
  const db = openDatabase(config.store.path, { readonly: true });
  try {
    const rows = db.prepare(`
      SELECT json_extract(details, '$.policy.version') AS version, json_extract(details, '$.policy.rule') AS rule,
             count(*) AS hits, max(time) AS last
      FROM auth_log WHERE time >= ? AND json_extract(details, '$.policy.rule') IS NOT NULL
      GROUP BY version, rule ORDER BY max(time) DESC`).all(Date.now() - days * 86_400_000) as { version: string; rule: string; hits: number; last: number }[];
    if (o.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      for (const r of rows) process.stdout.write(`${r.version}  ${String(r.hits).padStart(8)}  ${r.rule}  (last ${new Date(r.last).toISOString()})\n`);
      if (!rows.length) process.stdout.write('no policy decisions recorded in that period\n');
    }
    return 0;
  } finally {
    db.close();
  }
}
