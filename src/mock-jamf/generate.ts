// Deterministic device generators: the same (seed, id) always gives the same device, so a test can
// add computer 7 on its own and get exactly what a full seed would have made. Identifiers that must be
// unique (MACs, serials, the start of UDIDs) come from a bijection of the id, not from chance.

import {
  COMPUTER_SERIAL_PREFIX, EMAIL_DOMAIN, FIRST_NAMES, IOS_RELEASES, LAST_NAMES, MAC_MODELS, MACOS_RELEASES,
  MOBILE_MODELS, MOBILE_SERIAL_PREFIXES, OUI, SERIAL_ALPHABET, TVOS_RELEASES,
} from './catalog.js';
import { AdapterType, type MockComputer, type MockMobileDevice } from './types.js';

const DAY_MS = 86_400_000;
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

export interface GenerateOptions {
  /** Any integer; different seeds give different fleets. */
  seed: number;
  /** Dates are spread backwards from here (epoch ms). */
  referenceTime: number;
}

/** splitmix32 finaliser: a bijection on 32-bit integers with good mixing. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Small fast PRNG (sfc32) seeded from (seed, stream, id). */
export class Rng {
  #a: number; #b: number; #c: number; #d: number;
  constructor(seed: number, stream: number, id: number) {
    this.#a = mix32(seed ^ 0x5eed);
    this.#b = mix32(stream * 0x10001 + 7);
    this.#c = mix32(id);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }
  /** Uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.float() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** Upper-case hex digits. */
  hex(digits: number): string {
    let s = '';
    while (s.length < digits) s += hex8(this.next());
    return s.length === digits ? s : s.slice(0, digits);
  }
}

/** Deterministic number in [0,1) for (seed, salt, id): used for "x % of devices are in group G". */
export function unitHash(seed: number, salt: number, id: number): number {
  return mix32(mix32(mix32(seed) ^ salt) ^ id) / 4294967296;
}

/** Bijection on [0, 2^24): distinct ids give distinct values, scrambled so neighbours look unrelated. */
function permute24(id: number, salt: number): number {
  let x = (id ^ salt) & 0xffffff;
  x = Math.imul(x, 0x2c1b3d) & 0xffffff; // odd multiplier: invertible mod 2^24
  x ^= x >>> 12;
  return Math.imul(x, 0x1b873) & 0xffffff;
}

function hex8(n: number): string {
  return BYTE_HEX[n >>> 24] + BYTE_HEX[(n >>> 16) & 255] + BYTE_HEX[(n >>> 8) & 255] + BYTE_HEX[n & 255];
}

/**
 * Strings built by concatenation are V8 ropes (~5x their flat size). Reading a character flattens
 * them in place, which keeps a 100,000-device fleet small.
 */
function flattenStrings<T extends object>(record: T): T {
  for (const v of Object.values(record)) if (typeof v === 'string' && v.length > 0) v.charCodeAt(0);
  return record;
}

function macFrom(oui: string, low24: number): string {
  const h = low24.toString(16).padStart(6, '0').toUpperCase();
  return `${oui}:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

function serialChars(value: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s = SERIAL_ALPHABET[value % SERIAL_ALPHABET.length] + s;
    value = Math.floor(value / SERIAL_ALPHABET.length);
  }
  return s;
}

/** Hardware-UUID style (version 5 nibble, RFC variant) with a unique first group. */
function hardwareUuid(rng: Rng, unique: number): string {
  const first = hex8(unique);
  const variant = '89AB'[rng.int(4)];
  return `${first}-${rng.hex(4)}-5${rng.hex(3)}-${variant}${rng.hex(3)}-${rng.hex(12)}`;
}

function managementId(rng: Rng): string {
  const v = '89ab'[rng.int(4)];
  const h = rng.hex(30).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-${v}${h.slice(15, 18)}-${h.slice(18, 30)}`;
}

function person(rng: Rng): { first: string; username: string; realName: string; email: string } {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const username = `${first}.${last}`.toLowerCase();
  return { first, username, realName: `${first} ${last}`, email: `${username}@${EMAIL_DOMAIN}` };
}

/** Inventory mostly fresh, about 5 % stale (30–120 days), like a real fleet with lost or shelved devices. */
function dates(rng: Rng, now: number): { report: number; contact: number; enrolled: number; entry: number } {
  const age = rng.float() < 0.05 ? (30 + rng.float() * 90) * DAY_MS : rng.float() * 7 * DAY_MS;
  const report = Math.round(now - age);
  const contact = Math.round(Math.min(now, report + rng.float() * DAY_MS));
  const enrolled = Math.round(report - (30 + rng.float() * 870) * DAY_MS);
  const entry = Math.round(enrolled - rng.float() * 30 * DAY_MS);
  return { report, contact, enrolled, entry };
}

function ipv4(rng: Rng): string {
  return `10.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

const shortNames = new Map<string, string>();

/** "13-inch MacBook Pro (2020, …)" → "MacBook Pro", for names like "Anna's MacBook Pro". */
function shortModelName(model: string): string {
  let short = shortNames.get(model);
  if (short === undefined) {
    short = model.replace(/ \(.*$/, '').replace(/^\d+-inch (Retina )?/, '').replace(/ with .*$/, '');
    shortNames.set(model, short);
  }
  return short;
}

export function generateComputer(id: number, opts: GenerateOptions): MockComputer {
  const rng = new Rng(opts.seed, 1, id);
  const hw = rng.pick(MAC_MODELS);
  const os = rng.pick(MACOS_RELEASES);
  const who = person(rng);
  const d = dates(rng, opts.referenceTime);
  const wifi = macFrom(rng.pick(OUI.macWifi), permute24(id, opts.seed ^ 0xa11ce));
  const ethernet = macFrom(rng.pick(OUI.macEthernet), permute24(id, opts.seed ^ 0xe7e7));
  const serial = COMPUTER_SERIAL_PREFIX + serialChars(permute24(id, opts.seed ^ 0x5e1), 5) + serialChars(rng.next(), 4);
  const short = shortModelName(hw.model);
  const name = rng.float() < 0.5 ? `${who.first}'s ${short}` : `${who.username.replace('.', '-')}-${serial.slice(-6)}`;
  return flattenStrings({
    id,
    udid: hardwareUuid(rng, mix32(id ^ mix32(opts.seed ^ 1))),
    provisioningUdid: hw.appleSilicon ? `0000${hw.chip}-${rng.hex(8)}${hex8(mix32(id ^ mix32(opts.seed ^ 4)))}` : '',
    name,
    serialNumber: serial,
    macAddress: hw.desktop ? ethernet : wifi,
    networkAdapterType: hw.desktop ? AdapterType.ethernet : AdapterType.wifi,
    altMacAddress: hw.desktop ? wifi : ethernet,
    altNetworkAdapterType: hw.desktop ? AdapterType.wifi : AdapterType.ethernet,
    model: hw.model,
    modelIdentifier: hw.modelIdentifier,
    appleSilicon: hw.appleSilicon,
    osVersion: os.version,
    osBuild: os.build,
    managed: rng.float() < 0.95,
    supervised: rng.float() < 0.7,
    fileVault2Enabled: rng.float() < 0.9,
    reportDate: d.report,
    lastContact: d.contact,
    lastEnrolled: d.enrolled,
    initialEntry: d.entry,
    managementId: managementId(rng),
    ipAddress: ipv4(rng),
    username: who.username,
    realName: who.realName,
    email: who.email,
    siteId: -1,
  });
}

export function generateMobileDevice(id: number, opts: GenerateOptions): MockMobileDevice {
  const rng = new Rng(opts.seed, 2, id);
  const hw = rng.pick(MOBILE_MODELS);
  const os = rng.pick(hw.type === 'tvos' ? TVOS_RELEASES : IOS_RELEASES);
  const who = person(rng);
  const d = dates(rng, opts.referenceTime);
  const unique = mix32(id ^ mix32(opts.seed ^ 2));
  const udid = hw.chip === ''
    ? (hex8(unique) + rng.hex(32)).toLowerCase()
    : `0000${hw.chip}-${hex8(unique)}${rng.hex(8)}`;
  const serial = rng.pick(MOBILE_SERIAL_PREFIXES) + serialChars(permute24(id, opts.seed ^ 0x3e3), 5) +
    serialChars(rng.next(), 4);
  const kindName = hw.model.split(' ')[0] === 'Apple' ? 'Apple TV' : hw.model.split(' ')[0];
  return flattenStrings({
    id,
    udid,
    name: `${who.first}'s ${kindName}`,
    serialNumber: serial,
    wifiMacAddress: macFrom(rng.pick(OUI.mobileWifi), permute24(id, opts.seed ^ 0x3f1)),
    bluetoothMacAddress: macFrom(rng.pick(OUI.mobileBluetooth), permute24(id, opts.seed ^ 0xb1e)),
    type: hw.type,
    model: hw.model,
    modelIdentifier: hw.modelIdentifier,
    modelNumber: hw.modelNumber,
    osVersion: os.version,
    osBuild: os.build,
    managed: rng.float() < 0.95,
    supervised: rng.float() < 0.85,
    lastInventoryUpdate: d.report,
    lastContact: d.contact,
    lastEnrolled: d.enrolled,
    managementId: managementId(rng),
    ipAddress: ipv4(rng),
    username: who.username,
    realName: who.realName,
    email: who.email,
    phoneNumber: hw.modelIdentifier.startsWith('iPhone') ? `+1 555 01${String(rng.int(100)).padStart(2, '0')}` : '',
    siteId: -1,
  });
}
