// The auth log details of a policy decision are written from cached parts; readers (policy diff, CoA
// re-evaluation, the CLI) parse them as JSON, so the text must be exactly what JSON.stringify gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision, PolicyRequest } from '../../src/policy/types.js';
import { policyDetailsJson, policyRequestJson } from '../../src/server/auth-details.js';

const nas: Required<PolicyRequest['nas']> = Object.freeze({ name: 'ap "1"', labels: ['wifi', 'hq'], ip: '10.0.0.1', vendor: 'aruba' });

/** A request with every key PolicyRequest has: a key added there fails to compile here until it is covered. */
const full: Required<PolicyRequest> = {
  method: 'eap-tls', nas, ssid: 'Café "Wi-Fi"\\', portType: 'wireless', mac: '02:00:00:00:00:01', user: 'host/x\u2028y', udid: 'ABC',
  certificate: { commonName: 'x', subject: 'CN=x', issuer: 'CN=ca', serialNumber: '01', subjectAltNames: ['DNS:x', 'URI:urn:x'], extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'] },
};

const decision = (over: Partial<Decision> = {}): Decision => Object.freeze({
  action: 'allow', rule: 'corp "a"', ruleIndex: 0, attributes: [], signature: '0123456789ab', policyVersion: 'abcdef012345', ...over,
});

/** What access.ts logged before: the object spread, serialised. */
const spread = (details: Record<string, unknown> | undefined, d: Decision, request: PolicyRequest, posture?: object) =>
  JSON.stringify({ ...details, policy: { rule: d.rule, version: d.policyVersion, signature: d.signature }, request, ...(posture ? { posture } : {}) });

describe('policyRequestJson', () => {
  it('is JSON.stringify(request) for a request with every key, and with only the required ones', () => {
    expect(policyRequestJson(full)).toBe(JSON.stringify(full));
    expect(policyRequestJson({ method: 'mab', nas })).toBe(JSON.stringify({ method: 'mab', nas }));
  });

  it('serialises a nas object that is not shared (not frozen) afresh each time', () => {
    const own = { name: 'a', labels: [], ip: '1.2.3.4', vendor: 'generic' as const };
    expect(policyRequestJson({ method: 'mab', nas: own })).toBe(JSON.stringify({ method: 'mab', nas: own }));
    own.ip = '5.6.7.8';
    expect(policyRequestJson({ method: 'mab', nas: own })).toContain('"ip":"5.6.7.8"');
  });

  it('matches JSON.stringify for any text in the free-form fields', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), fc.string(), (ssid, user, name) => {
      const r: PolicyRequest = { method: 'mab', nas: Object.freeze({ ...nas, name }), ssid, mac: '02:00:00:00:00:01', user };
      expect(policyRequestJson(r)).toBe(JSON.stringify(r));
    }), { numRuns: 300 });
  });
});

describe('policyDetailsJson', () => {
  it('equals the spread of method details, policy, request and posture, key for key', () => {
    const cases: [Record<string, unknown> | undefined, object | undefined][] = [
      [undefined, undefined],
      [{}, undefined],
      [{ identity: 'x', outerIdentity: 'anonymous', resumed: true, tlsVersion: 'TLSv1.2', udid: 'ABC', certificate: full.certificate }, undefined],
      [{ identity: undefined, innerIdentity: 'bob' }, { state: 'compliant', lastKnown: true, ageSeconds: 12, jamfId: '7', udid: undefined }],
      [{ skipped: undefined }, undefined],
    ];
    for (const [details, posture] of cases) {
      for (const d of [decision(), decision({ action: 'block', rule: 'default', signature: 'block' })]) {
        expect(policyDetailsJson(details, d, full, posture)).toBe(spread(details, d, full, posture));
        expect(policyDetailsJson(details, d, { method: 'mab', nas }, posture)).toBe(spread(details, d, { method: 'mab', nas }, posture));
      }
    }
  });

  it('stays exact when a device comes back with the same request, a changed one, or another decision', () => {
    const base: PolicyRequest = { method: 'mab', nas, ssid: 'Corp', portType: 'wireless', mac: '02:00:00:00:00:09', user: '020000000009' };
    const allow = decision();
    const block = decision({ action: 'block', rule: 'default', signature: 'block' });
    const steps: [PolicyRequest, Decision, object | undefined][] = [
      [base, allow, undefined], [{ ...base }, allow, undefined], [{ ...base, ssid: 'Guest' }, allow, undefined], [{ ...base }, block, undefined],
      [{ ...base }, block, { state: 'compliant' }], [{ ...base }, block, undefined], [{ ...base, nas: Object.freeze({ ...nas, ip: '10.0.0.2' }) }, block, undefined],
      [{ ...base, user: undefined }, allow, undefined], [base, allow, undefined],
    ];
    for (const [i, [r, d, posture]] of steps.entries()) expect(policyDetailsJson(undefined, d, r, posture), `step ${i}`).toBe(spread(undefined, d, r, posture));
  });

  it('lets the policy parts win over method details that use the same keys, as the spread did', () => {
    const details = { request: 'mine', posture: 1, policy: { rule: 'fake' }, identity: 'x' };
    const text = policyDetailsJson(details, decision(), full, { state: 'unknown' });
    expect(text).toBe(spread(details, decision(), full, { state: 'unknown' }));
    expect(JSON.parse(text).policy.rule).toBe('corp "a"');
  });

  it('takes the decision as it is when it is not a shared (frozen) one', () => {
    const d: Decision = { action: 'allow', rule: 'r', ruleIndex: 0, attributes: [], signature: 's1', policyVersion: 'v' };
    expect(policyDetailsJson(undefined, d, full, undefined)).toBe(spread(undefined, d, full));
    d.signature = 's2';
    expect(JSON.parse(policyDetailsJson(undefined, d, full, undefined)).policy.signature).toBe('s2');
  });
});
