// Shared pieces of the policy tests: the built-in dictionaries, a compiler over YAML text, requests and a
// real posture store filled with Jamf devices.
import { BUILTIN_DICTIONARIES } from '../../src/app.js';
import { formatProblem } from '../../src/config/errors.js';
import type { JamfDevice } from '../../src/jamf/device.js';
import { compilePolicy, type CompileContext, type CompileResult } from '../../src/policy/compile.js';
import type { CompiledPolicy } from '../../src/policy/policy.js';
import { postureFromStore } from '../../src/policy/posture-view.js';
import type { PolicyInput, PolicyPosture, PolicyRequest } from '../../src/policy/types.js';
import { PostureStore } from '../../src/posture/store.js';
import { decodeAttributes, formatValue } from '../../src/radius/codec/attributes.js';
import type { RawAttribute } from '../../src/radius/codec/packet.js';
import { loadDictionaries } from '../../src/radius/dictionary/parser.js';

export const dict = loadDictionaries([BUILTIN_DICTIONARIES]);

export const FILE = 'policy.yaml';

export function compile(text: string, ctx: Partial<CompileContext> = {}): CompileResult {
  return compilePolicy({ file: FILE, text, prefix: [] }, { dict, ...ctx });
}

/** Errors and warnings as the CLI prints them: "file:line:column: path: message". */
export function problems(text: string, ctx: Partial<CompileContext> = {}): { errors: string[]; warnings: string[] } {
  const r = compile(text, ctx);
  return { errors: r.errors.map(formatProblem), warnings: r.warnings.map(formatProblem) };
}

export function mustCompile(text: string, ctx: Partial<CompileContext> = {}): CompiledPolicy {
  const r = compile(text, ctx);
  if (!r.policy) throw new Error(`policy refused:\n${r.errors.map(formatProblem).join('\n')}`);
  return r.policy;
}

/** A wireless EAP-TLS request through a generic AP, with whatever the test overrides. */
export function request(over: Partial<PolicyRequest> = {}): PolicyRequest {
  return { method: 'eap-tls', nas: { name: 'ap-1', labels: ['wifi', 'hq'], ip: '10.1.2.3', vendor: 'generic' }, ...over };
}

export function input(over: Partial<PolicyRequest> = {}, posture: PolicyPosture = {}): PolicyInput {
  return { request: request(over), posture };
}

/** Decoded attributes as "Name[:tag] = value" lines (what `policy test` prints). */
export function lines(attributes: readonly RawAttribute[]): string[] {
  return decodeAttributes(attributes, dict).map((a) => `${a.name}${a.tag !== undefined ? `:${a.tag}` : ''} = ${formatValue(a)}`);
}

export const udid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`.toUpperCase();
export const mac = (n: number) => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

/** A Jamf computer n with MAC mac(n), in the compliant group or not. */
export function jamfDevice(n: number, compliant: boolean, extra: Partial<JamfDevice> = {}): JamfDevice {
  return {
    kind: 'computer', jamfId: String(n), udid: udid(n), macs: [mac(n)], serial: `C02X${n}`, name: `mac-${n}`,
    model: 'MacBook Pro (14-inch, 2023)', osVersion: '14.4.1', managed: true, lastInventory: '2026-11-20T10:00:00Z',
    compliantGroups: compliant ? ['Compliant Macs'] : [], ...extra,
  };
}

/** A posture store that synced `devices` at time 0; `clock.now` moves time. */
export function postureStore(devices: JamfDevice[], staleAfterMs = 3_600_000): { store: PostureStore; clock: { now: number } } {
  const clock = { now: 0 };
  const store = new PostureStore({ staleAfterMs, now: () => clock.now });
  store.applySnapshot(devices, 1);
  return { store, clock };
}

/** The input the CLI and CoA build: request facts plus posture read from the store. */
export function inputFrom(store: PostureStore, over: Partial<PolicyRequest>): PolicyInput {
  const req = request(over);
  return { request: req, posture: postureFromStore(store, req) };
}
