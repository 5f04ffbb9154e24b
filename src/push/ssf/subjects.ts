import { normaliseMac } from '../../posture/mac.js';
import type { DeviceRef } from '../events.js';

// Which device a SET is about. Subjects follow RFC 9493 (Subject Identifiers for SETs): the SSF 1.0 top-level
// `sub_id`, or a `subject` inside the event (older CAEP). How Jamf's transmitter names devices is not
// documented, so the device is taken from whatever identifies it:
// - complex {format:"complex", device:{…}} → the device member (user/session members are not devices);
// - opaque {id} and iss_sub {sub} → the identifier's shape: a UDID (8-4-4-4-12, 8-16 or 40 hex), a MAC written
//   with separators (aa:bb:…, aa-bb-…, aabb.ccdd.eeff), otherwise an Apple serial number;
// - uri {uri} → "…:udid:X", "…:serial:X", "…:mac:X" (e.g. urn:jamf:udid:X), else the last segment's shape;
// - aliases {identifiers:[…]} → every alias;
// - members named udid / serial_number / mac_address on a device object are read directly.
// Formats that name people (email, phone_number, account) give no device.

const UDID = /^(?:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}|[0-9A-F]{8}-[0-9A-F]{16}|[0-9A-F]{40})$/i;
const SEPARATED_MAC = /^[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
const SERIAL = /^[A-Z0-9]{8,20}$/i;
const MAX_DEPTH = 4;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** One identifier string → udid, mac or serial by its shape. */
export function classifyIdentifier(text: string): DeviceRef {
  const t = text.trim();
  if (UDID.test(t)) return { udid: t.toUpperCase() };
  if (SEPARATED_MAC.test(t)) return { mac: normaliseMac(t) };
  if (SERIAL.test(t)) return { serial: t.toUpperCase() };
  return {};
}

function fromUri(uri: string): DeviceRef {
  const m = /(?:^|[:/])(udid|serial(?:_?number)?|mac(?:_?address)?)[:/]([^:/]+)$/i.exec(uri);
  if (m) {
    const kind = m[1].toLowerCase();
    const value = decodeURIComponent(m[2]);
    if (kind === 'udid') return UDID.test(value) ? { udid: value.toUpperCase() } : {};
    if (kind.startsWith('mac')) {
      const mac = normaliseMac(value);
      return mac ? { mac } : {};
    }
    return SERIAL.test(value) ? { serial: value.toUpperCase() } : {};
  }
  const last = uri.split(/[:/]/).filter(Boolean).pop();
  return last ? classifyIdentifier(decodeURIComponent(last)) : {};
}

/** Explicitly named members on a device object ({udid, serial_number, mac_address} and common spellings). */
function namedMembers(o: Obj): DeviceRef {
  const ref: DeviceRef = {};
  const udid = str(o.udid);
  if (udid && UDID.test(udid)) ref.udid = udid.toUpperCase();
  const serial = str(o.serial_number) ?? str(o.serialNumber) ?? str(o.serial);
  if (serial && SERIAL.test(serial)) ref.serial = serial.toUpperCase();
  const macText = str(o.mac_address) ?? str(o.macAddress) ?? str(o.mac);
  const mac = macText ? normaliseMac(macText) : undefined;
  if (mac) ref.mac = mac;
  return ref;
}

function merge(into: DeviceRef, from: DeviceRef): DeviceRef {
  return { udid: into.udid ?? from.udid, serial: into.serial ?? from.serial, mac: into.mac ?? from.mac };
}

function resolve(subject: unknown, depth: number, inDevice: boolean): DeviceRef {
  if (!isObj(subject) || depth > MAX_DEPTH) return {};
  // Older CAEP drafts wrote subject_type "iss-sub"; RFC 9493 writes format "iss_sub".
  const format = (str(subject.format) ?? str(subject.subject_type) ?? '').toLowerCase().replace(/-/g, '_');
  let ref = namedMembers(subject);
  if (format === 'complex' || (!format && isObj(subject.device))) {
    return isObj(subject.device) ? merge(ref, resolve(subject.device, depth + 1, true)) : ref;
  }
  if (format === 'aliases' && Array.isArray(subject.identifiers)) {
    for (const alias of subject.identifiers.slice(0, 16)) ref = merge(ref, resolve(alias, depth + 1, inDevice));
    return ref;
  }
  if (format === 'opaque' && str(subject.id)) return merge(ref, classifyIdentifier(str(subject.id)!));
  if (format === 'iss_sub' && str(subject.sub)) return merge(ref, classifyIdentifier(str(subject.sub)!));
  if (format === 'uri' && str(subject.uri)) return merge(ref, fromUri(str(subject.uri)!));
  if (format === 'did' && str(subject.url)) return merge(ref, fromUri(str(subject.url)!));
  if (!format && inDevice && str(subject.id)) return merge(ref, classifyIdentifier(str(subject.id)!));
  return ref;
}

/** The device a subject identifies (empty when it names none). */
export function deviceFromSubject(subject: unknown): DeviceRef {
  const ref = resolve(subject, 0, false);
  const out: DeviceRef = {};
  if (ref.udid) out.udid = ref.udid;
  if (ref.serial) out.serial = ref.serial;
  if (ref.mac) out.mac = ref.mac;
  return out;
}

export function hasDevice(ref: DeviceRef): boolean {
  return ref.udid !== undefined || ref.serial !== undefined || ref.mac !== undefined;
}
