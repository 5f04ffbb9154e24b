import { normaliseMac } from '../posture/mac.js';
import { PatternError, compileMacPatterns, compileNetworks, compilePatterns, type TextMatcher } from './patterns.js';
import type { ConditionSpec } from './schema.js';
import type { PolicyInput } from './types.js';

// A condition compiles to a list of checks. The hot path calls test(); explain paths call why() for the
// first failing check, so failing reasons cost nothing per authentication.

export interface Check {
  /** e.g. "ssid is Corp" — used in explanations. */
  readonly what: string;
  test(input: PolicyInput): boolean;
  /** Why the check failed for this input (only called when test() was false). */
  why(input: PolicyInput): string;
}

const EKU_NAMES: Record<string, string> = {
  client_auth: '1.3.6.1.5.5.7.3.2',
  server_auth: '1.3.6.1.5.5.7.3.1',
};

const list = (values: readonly (string | number | boolean)[]) => values.map(String).join(', ');
const shown = (v: string | undefined) => (v === undefined ? 'none' : `"${v}"`);

function textCheck(what: string, patterns: readonly string[], get: (input: PolicyInput) => string | undefined): Check {
  const match: TextMatcher = compilePatterns(patterns);
  return {
    what: `${what} is ${list(patterns)}`,
    test: (input) => {
      const v = get(input);
      return v !== undefined && match(v);
    },
    why: (input) => `${what} is ${shown(get(input))}, not ${list(patterns)}`,
  };
}

/** Any of the values (e.g. SAN entries) matches any of the patterns. */
function anyTextCheck(what: string, patterns: readonly string[], get: (input: PolicyInput) => readonly string[]): Check {
  const match = compilePatterns(patterns);
  return {
    what: `${what} is ${list(patterns)}`,
    test: (input) => get(input).some(match),
    why: (input) => {
      const values = get(input);
      return values.length ? `${what} is ${list(values)}, not ${list(patterns)}` : `there is no ${what}`;
    },
  };
}

export function realmOf(user: string | undefined): string | undefined {
  if (!user) return undefined;
  const at = user.lastIndexOf('@');
  if (at >= 0) return user.slice(at + 1) || undefined;
  const slash = user.indexOf('\\');
  return slash > 0 ? user.slice(0, slash) : undefined;
}

function sans(input: PolicyInput, kind: string): string[] {
  const out: string[] = [];
  for (const s of input.request.certificate?.subjectAltNames ?? []) {
    if (s.startsWith(kind)) out.push(s.slice(kind.length));
  }
  return out;
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const postureState = (input: PolicyInput) => input.posture.device?.state ?? 'unknown';
const deviceRecord = (input: PolicyInput) => input.posture.device?.device;

function certChecks(cert: NonNullable<ConditionSpec['cert']>): Check[] {
  const c = (input: PolicyInput) => input.request.certificate;
  const checks: Check[] = [];
  if (cert.cn) checks.push(textCheck('certificate CN', cert.cn, (i) => c(i)?.commonName));
  if (cert.subject) checks.push(textCheck('certificate subject', cert.subject, (i) => c(i)?.subject));
  if (cert.issuer) checks.push(textCheck('certificate issuer', cert.issuer, (i) => c(i)?.issuer));
  if (cert.serial) {
    const plain = cert.serial.map((s) => s.replace(/:/g, ''));
    checks.push(textCheck('certificate serial', plain, (i) => c(i)?.serialNumber.replace(/:/g, '')));
  }
  if (cert.san_dns) checks.push(anyTextCheck('certificate SAN DNS', cert.san_dns, (i) => sans(i, 'DNS:')));
  if (cert.san_uri) checks.push(anyTextCheck('certificate SAN URI', cert.san_uri, (i) => sans(i, 'URI:')));
  if (cert.san_email) checks.push(anyTextCheck('certificate SAN email', cert.san_email, (i) => sans(i, 'email:')));
  if (cert.eku) {
    for (const e of cert.eku) {
      // Certificates list OIDs: another name (OpenSSL's "clientAuth") would silently never match.
      if (!EKU_NAMES[e] && !/^\d+(\.\d+)+$/.test(e)) throw new PatternError(`"${e}" is not an EKU OID (e.g. "1.3.6.1.5.5.7.3.2") or one of ${Object.keys(EKU_NAMES).join(', ')}`);
    }
    const oids = cert.eku.map((e) => EKU_NAMES[e] ?? e);
    checks.push(anyTextCheck('certificate EKU', oids, (i) => c(i)?.extendedKeyUsage ?? []));
  }
  return checks;
}

function deviceChecks(device: NonNullable<ConditionSpec['device']>): Check[] {
  const checks: Check[] = [];
  if (device.model) checks.push(textCheck('Jamf model', device.model, (i) => deviceRecord(i)?.model));
  if (device.os_version) {
    const { min, max } = device.os_version;
    const range = [min && `>= ${min}`, max && `<= ${max}`].filter(Boolean).join(' and ');
    const ok = (v: string | undefined) => v !== undefined && /^\d+(\.\d+)*/.test(v)
      && (min === undefined || compareVersions(v, min) >= 0) && (max === undefined || compareVersions(v, max) <= 0);
    checks.push({
      what: `Jamf OS version ${range}`,
      test: (i) => ok(deviceRecord(i)?.osVersion),
      why: (i) => `Jamf OS version is ${shown(deviceRecord(i)?.osVersion)}, not ${range}`,
    });
  }
  if (device.managed !== undefined) {
    const want = device.managed;
    checks.push({
      what: `Jamf managed is ${want}`,
      test: (i) => deviceRecord(i) !== undefined && deviceRecord(i)!.managed === want,
      why: (i) => (deviceRecord(i) ? `Jamf managed is ${deviceRecord(i)!.managed}` : 'Jamf does not know this device'),
    });
  }
  if (device.kind) {
    const kinds = device.kind;
    checks.push({
      what: `Jamf device kind is ${list(kinds)}`,
      test: (i) => deviceRecord(i) !== undefined && kinds.includes(deviceRecord(i)!.kind),
      why: (i) => (deviceRecord(i) ? `Jamf device kind is ${deviceRecord(i)!.kind}` : 'Jamf does not know this device'),
    });
  }
  return checks;
}

/** Compiles one condition object; throws PatternError for a bad pattern (compile.ts adds the location). */
export function compileCondition(spec: ConditionSpec): Check[] {
  const checks: Check[] = [];
  if (spec.method) {
    const methods = spec.method;
    checks.push({
      what: `method is ${list(methods)}`,
      test: (i) => methods.includes(i.request.method),
      why: (i) => `method is ${i.request.method}, not ${list(methods)}`,
    });
  }
  if (spec.nas) checks.push(textCheck('NAS', spec.nas, (i) => i.request.nas.name));
  if (spec.nas_label) {
    const labels = spec.nas_label;
    checks.push({
      what: `NAS label is ${list(labels)}`,
      test: (i) => i.request.nas.labels.some((l) => labels.includes(l)),
      why: (i) => `NAS labels are ${i.request.nas.labels.length ? list(i.request.nas.labels) : 'none'}, not ${list(labels)}`,
    });
  }
  if (spec.nas_ip) {
    const inNets = compileNetworks(spec.nas_ip);
    checks.push({
      what: `NAS IP in ${list(spec.nas_ip)}`,
      test: (i) => inNets(i.request.nas.ip),
      why: (i) => `NAS IP ${i.request.nas.ip} is not in ${list(spec.nas_ip!)}`,
    });
  }
  if (spec.ssid) checks.push(textCheck('SSID', spec.ssid, (i) => i.request.ssid));
  if (spec.port_type) {
    const types = spec.port_type;
    checks.push({
      what: `port type is ${list(types)}`,
      test: (i) => i.request.portType !== undefined && (types as string[]).includes(i.request.portType),
      why: (i) => `port type is ${i.request.portType ?? 'not given by the NAS'}, not ${list(types)}`,
    });
  }
  if (spec.mac) {
    const match = compileMacPatterns(spec.mac, normaliseMac);
    checks.push({
      what: `MAC is ${list(spec.mac)}`,
      test: (i) => i.request.mac !== undefined && match(i.request.mac),
      why: (i) => `MAC is ${i.request.mac ?? 'none'}, not ${list(spec.mac!)}`,
    });
  }
  if (spec.user) checks.push(textCheck('user', spec.user, (i) => i.request.user));
  if (spec.realm) checks.push(textCheck('realm', spec.realm, (i) => realmOf(i.request.user)));
  if (spec.udid) checks.push(textCheck('UDID', spec.udid, (i) => i.request.udid));
  if (spec.cert) checks.push(...certChecks(spec.cert));
  if (spec.mdm) {
    const states = spec.mdm.state;
    checks.push({
      what: `Jamf posture is ${list(states)}`,
      test: (i) => (states as string[]).includes(postureState(i)),
      why: (i) => `Jamf posture is ${postureState(i)}, not ${list(states)}`,
    });
  }
  if (spec.device) checks.push(...deviceChecks(spec.device));
  if (spec.same_device !== undefined) {
    const want = spec.same_device;
    const same = (i: PolicyInput) => {
      const record = i.posture.byUdid?.device;
      return record !== undefined && i.request.mac !== undefined && record.macs.includes(i.request.mac);
    };
    checks.push({
      what: want ? 'certificate UDID and MAC are the same Jamf device' : 'certificate UDID and MAC are not the same Jamf device',
      test: (i) => same(i) === want,
      why: (i) => {
        if (!want) return 'the certificate UDID and the MAC belong to the same Jamf device';
        if (!i.request.udid) return 'no certificate UDID';
        if (!i.request.mac) return 'no MAC in the request';
        const record = i.posture.byUdid?.device;
        if (!record) return `Jamf does not know UDID ${i.request.udid}`;
        return `MAC ${i.request.mac} is not one of Jamf's MACs for UDID ${i.request.udid} (${record.macs.join(', ') || 'none'})`;
      },
    });
  }
  return checks;
}
