import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import radius, { type OracleAttribute, type OracleDecoded } from 'radius';
import { describe, expect, it } from 'vitest';
import {
  type AttributeValue, type NamedAttribute, type RawAttribute, PacketCode, codeName, decodeAttributes, decodePacket,
  encodeAttribute, encodePacket, formatValue, hasZeroedRequestAuthenticator, isResponseCode, joinAttribute,
  loadDictionaries, messageAuthenticatorPlaceholder, randomAuthenticator, requestHmacAuthenticator, signAccessRequest,
  signResponse, signZeroedRequest, splitAttribute, verifyMessageAuthenticator, verifyResponseAuthenticator,
  verifyZeroedRequestAuthenticator,
} from '../../src/radius/index.js';

// Cross-check against an independent implementation: the npm `radius` package (1.1.4, nearbuy/node-radius).
// Packets we encode must decode to the same values there, and packets it encodes must decode to the same values
// here, authenticators and Message-Authenticator included.
//
// Where the oracle is known to be wrong or incomplete, that part is not compared (see "oracle quirks" below):
//  - It appends Message-Authenticator LAST (valid per RFC 3579, but BlastRADIUS wants it first; we put it first).
//  - For Accounting-/CoA-/Disconnect-Request it computes the Request Authenticator with MA zeroed and then the MA
//    over the final authenticator, the reverse of RFC 5176 §3.1: its MA on those packets is wrong.
//  - It has no salted encryption (encrypt=2): Tunnel-Password and MS-MPPE keys come out as ciphertext.
//  - It has no ipv6addr / ipv6prefix / integer64 codec: those come out as raw bytes, compared to hand-written hex.
//  - It silently drops empty strings on encode, and encodes an empty User-Password as a 0-octet attribute.
//  - Its VALUE names are its own; only values named the same in both dictionaries are used here.

const DICT_DIR = fileURLToPath(new URL('../../dictionaries', import.meta.url));
const dict = loadDictionaries([DICT_DIR]);
const SECRET = 'cross-check-secret';
const secret = Buffer.from(SECRET);
const wrongSecret = Buffer.from('not-the-secret');

// The oracle ships RFC dictionaries only. Its one vendor file (from its own test suite) is Aruba; for Cisco and
// Microsoft it gets a few lines in its own format (numbers from Cisco's VSA documentation and RFC 2548).
const oracleRoot = dirname(createRequire(import.meta.url).resolve('radius/package.json'));
radius.add_dictionary(join(oracleRoot, 'test', 'dictionaries', 'dictionary.aruba'));
const oracleVendorFile = join(mkdtempSync(join(tmpdir(), 'radius-oracle-')), 'dictionary.vendors');
writeFileSync(oracleVendorFile, [
  'VENDOR Cisco 9', 'BEGIN-VENDOR Cisco', 'ATTRIBUTE Cisco-AVPair 1 string', 'END-VENDOR Cisco',
  'VENDOR Microsoft 311', 'BEGIN-VENDOR Microsoft', 'ATTRIBUTE MS-CHAP-Challenge 11 octets',
  'ATTRIBUTE MS-Primary-DNS-Server 28 ipaddr', 'END-VENDOR Microsoft', '',
].join('\n'));
radius.add_dictionary(oracleVendorFile);

interface Spec {
  readonly name: string;
  /** What we encode and expect back (VALUE names for enumerations). */
  readonly value: AttributeValue;
  readonly tag?: number;
  /** What the oracle takes and gives back when that differs: a Date for `date`, raw bytes for types it lacks. */
  readonly oracle?: unknown;
}

const hex = (h: string) => Buffer.from(h.replace(/ /g, ''), 'hex');

const common: readonly Spec[] = [
  { name: 'User-Name', value: 'host/laptop-42.corp.example' },
  { name: 'NAS-IP-Address', value: '192.0.2.10' },
  { name: 'NAS-Port', value: 0xfffffffe },
  { name: 'Service-Type', value: 'Call-Check' },
  { name: 'NAS-Port-Type', value: 'Wireless-802.11' },
  { name: 'Calling-Station-Id', value: 'AA-BB-CC-DD-EE-FF' },
  { name: 'Called-Station-Id', value: '00-11-22-33-44-55:Café Wi-Fi ✓' },
  { name: 'Event-Timestamp', value: 1_700_000_000, oracle: new Date(1_700_000_000_000) },
  { name: 'Class', value: hex('00ff10807f') },
  { name: 'NAS-IPv6-Address', value: '2001:db8::a:1', oracle: hex('20010db8 00000000 00000000 000a0001') },
  { name: 'Framed-IPv6-Prefix', value: '2001:db8:1::/48', oracle: hex('0030 20010db8 0001') },
  { name: 'Tunnel-Type', tag: 1, value: 'VLAN' },
  { name: 'Tunnel-Medium-Type', tag: 1, value: 'IEEE-802' },
  { name: 'Tunnel-Private-Group-Id', tag: 1, value: '100' },
  { name: 'Tunnel-Assignment-Id', value: 'untagged' },
  { name: 'Session-Timeout', value: 3600 },
  { name: 'Acct-Status-Type', value: 'Interim-Update' },
  { name: 'Error-Cause', value: 'Unsupported-Attribute' },
  { name: 'Aruba-User-Role', value: 'employee' },
  { name: 'Aruba-User-Vlan', value: 42 },
  { name: 'Cisco-AVPair', value: 'subscriber:command=reauthenticate' },
  { name: 'MS-CHAP-Challenge', value: hex('000102030405060708090a0b0c0d0e0f') },
  { name: 'MS-Primary-DNS-Server', value: '198.51.100.53' },
];
const password: Spec = { name: 'User-Password', value: 'correct horse battery staple' };
const eap = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7) & 0xff));

/** The request code each response code answers. */
const REQUEST_OF: Record<number, number> = { 2: 1, 3: 1, 11: 1, 5: 4, 41: 40, 42: 40, 44: 43, 45: 43 };
const ALL_CODES = Object.values(PacketCode);
const ownsAuthenticator = (code: number) => code === PacketCode.AccessRequest || code === PacketCode.StatusServer;
const carriesEap = (code: number) => code === PacketCode.AccessRequest || code === PacketCode.AccessChallenge;

const text = (v: unknown): string =>
  Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : v instanceof Date ? String(v.getTime() / 1000) : String(v);

function specsFor(code: number): Spec[] {
  return code === PacketCode.AccessRequest ? [...common, password] : [...common];
}

/** Encodes and signs with OUR codec; responses take the request's authenticator. */
function buildOurs(code: number, specs: readonly Spec[], opts: { requestAuth?: Buffer; ma?: boolean; extra?: RawAttribute[] } = {}): Buffer {
  const ownAuth = ownsAuthenticator(code) ? randomAuthenticator() : undefined;
  const hiding = { secret, requestAuthenticator: ownAuth ?? opts.requestAuth ?? Buffer.alloc(16) };
  const attributes = [
    ...(opts.ma ? [messageAuthenticatorPlaceholder()] : []),
    ...specs.map((s) => encodeAttribute(dict, s.name, s.value, { tag: s.tag, hiding })),
    ...(opts.extra ?? []),
  ];
  const buf = encodePacket({ code, identifier: 77, authenticator: ownAuth, attributes });
  if (ownAuth) return signAccessRequest(buf, secret);
  if (hasZeroedRequestAuthenticator(code)) return signZeroedRequest(buf, secret);
  if (isResponseCode(code)) return signResponse(buf, opts.requestAuth!, secret);
  return buf; // Status-Client: RFC 5997 gives it no authenticator rule.
}

/** The same attributes as the oracle takes them; vendor attributes grouped into one VSA per vendor. */
function toOracle(specs: readonly Spec[]): OracleAttribute[] {
  const out: OracleAttribute[] = [];
  const byVendor = new Map<number, OracleAttribute[]>();
  for (const s of specs) {
    const value = s.oracle ?? s.value;
    const attr: OracleAttribute = s.tag !== undefined ? [s.name, s.tag, value] : [s.name, value];
    const vendorId = dict.attribute(s.name)!.vendorId;
    if (vendorId) byVendor.set(vendorId, [...(byVendor.get(vendorId) ?? []), attr]);
    else out.push(attr);
  }
  for (const [vendorId, list] of byVendor) out.push(['Vendor-Specific', vendorId, list]);
  return out;
}

function expectOracleSees(decoded: OracleDecoded, specs: readonly Spec[]): void {
  for (const s of specs) {
    const holder = dict.attribute(s.name)!.vendorId ? (decoded.attributes['Vendor-Specific'] as Record<string, unknown>) : decoded.attributes;
    let got = holder[s.name];
    if (s.tag !== undefined) {
      expect(Array.isArray(got) && got[0], `${s.name} tag`).toBe(s.tag);
      got = (got as unknown[])[1];
    }
    expect(text(got), s.name).toBe(text(s.oracle ?? s.value));
  }
}

function expectWeSee(named: readonly NamedAttribute[], specs: readonly Spec[]): void {
  for (const s of specs) {
    const a = named.find((n) => n.name === s.name);
    expect(a, s.name).toBeDefined();
    expect(formatValue(a!), s.name).toBe(text(s.value));
    expect(a!.tag, `${s.name} tag`).toBe(s.tag);
  }
}

/** A request to answer, encoded by us: Access-Requests carry an MA, the zeroed-authenticator requests none. */
function ourRequest(code: number): Buffer {
  return buildOurs(code, [{ name: 'User-Name', value: 'req' }], { ma: code === PacketCode.AccessRequest });
}

describe('packets we encode decode identically in the oracle', () => {
  for (const code of ALL_CODES) {
    it(codeName(code), () => {
      const specs = specsFor(code);
      const extra = carriesEap(code) ? splitAttribute(79, eap) : [];
      let decoded: OracleDecoded;
      if (code in REQUEST_OF) {
        const request = ourRequest(REQUEST_OF[code]);
        const requestAuth = request.subarray(4, 20);
        const response = buildOurs(code, specs, { requestAuth, ma: REQUEST_OF[code] === PacketCode.AccessRequest, extra });
        // Response Authenticator, and the MA (at its place, first) when the request had one.
        expect(radius.verify_response({ request, response, secret: SECRET })).toBe(true);
        expect(radius.verify_response({ request, response, secret: 'wrong' })).toBe(false);
        decoded = radius.decode({ packet: response, secret: SECRET });
      } else {
        // Zeroed-authenticator requests go without MA: the oracle's MA rule for them is wrong (see top).
        const packet = buildOurs(code, specs, { ma: ownsAuthenticator(code), extra });
        decoded = radius.decode({ packet, secret: SECRET }); // throws on an authenticator or MA mismatch
        if (code !== PacketCode.StatusClient) {
          expect(() => radius.decode({ packet, secret: 'wrong' })).toThrow(/mismatch/);
        }
      }
      expect(decoded.code).toBe(codeName(code));
      expect(decoded.identifier).toBe(77);
      expectOracleSees(decoded, specs);
      if (carriesEap(code)) expect(Buffer.concat(decoded.attributes['EAP-Message'] as Buffer[])).toEqual(eap);
    });
  }

  it('an Access-Accept with salted keys still verifies there (the keys themselves are ours to check)', () => {
    const request = ourRequest(PacketCode.AccessRequest);
    const requestAuth = request.subarray(4, 20);
    const msk = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
    const hiding = { secret, requestAuthenticator: requestAuth };
    const extra = [
      encodeAttribute(dict, 'Tunnel-Password', 'vlan-secret', { tag: 1, hiding }),
      encodeAttribute(dict, 'MS-MPPE-Recv-Key', msk, { hiding }),
    ];
    const response = buildOurs(PacketCode.AccessAccept, common, { requestAuth, ma: true, extra });
    expect(radius.verify_response({ request, response, secret: SECRET })).toBe(true);
    const named = decodeAttributes(decodePacket(response).attributes, dict, hiding);
    expect(named.find((a) => a.name === 'Tunnel-Password')).toMatchObject({ value: 'vlan-secret', tag: 1 });
    expect(named.find((a) => a.name === 'MS-MPPE-Recv-Key')?.value).toEqual(msk);
  });
});

/** Encodes with the ORACLE; responses answer an oracle-encoded request. */
function buildOracle(code: number, specs: readonly Spec[]): { packet: Buffer; requestAuth?: Buffer } {
  const attributes = toOracle(specs);
  if (carriesEap(code)) for (const chunk of splitAttribute(79, eap)) attributes.push(['EAP-Message', chunk.value]);
  if (code in REQUEST_OF) {
    const requestCode = REQUEST_OF[code];
    // An EAP-Message makes the oracle add an MA to the Access-Request and then to its response.
    const reqAttrs: OracleAttribute[] = [['User-Name', 'req'], ...(requestCode === 1 ? [['EAP-Message', Buffer.from([2, 0, 0, 4])] as const] : [])];
    const request = radius.encode({ code: codeName(requestCode), identifier: 5, secret: SECRET, attributes: reqAttrs });
    const packet = radius.encode_response({ packet: radius.decode({ packet: request, secret: SECRET }), code: codeName(code), secret: SECRET, attributes });
    return { packet, requestAuth: request.subarray(4, 20) };
  }
  return { packet: radius.encode({ code: codeName(code), identifier: 5, secret: SECRET, attributes }) };
}

describe('packets the oracle encodes decode identically with ours', () => {
  for (const code of ALL_CODES) {
    it(codeName(code), () => {
      const specs = specsFor(code);
      const { packet, requestAuth } = buildOracle(code, specs);
      const p = decodePacket(packet);
      expect(p.code).toBe(code);
      const named = decodeAttributes(p.attributes, dict, { secret, requestAuthenticator: requestAuth ?? p.authenticator });
      expectWeSee(named, specs);
      if (carriesEap(code)) expect(joinAttribute(p.attributes, 79)).toEqual(eap);

      if (requestAuth) {
        expect(verifyResponseAuthenticator(p.raw, requestAuth, secret)).toBe(true);
        expect(verifyResponseAuthenticator(p.raw, requestAuth, wrongSecret)).toBe(false);
        if (REQUEST_OF[code] === PacketCode.AccessRequest) {
          expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, secret, requestAuth)).toBe(true);
          expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, wrongSecret, requestAuth)).toBe(false);
        }
      } else if (hasZeroedRequestAuthenticator(code)) {
        expect(p.messageAuthenticatorOffset).toBe(-1);
        expect(verifyZeroedRequestAuthenticator(p.raw, secret)).toBe(true);
        expect(verifyZeroedRequestAuthenticator(p.raw, wrongSecret)).toBe(false);
      } else if (ownsAuthenticator(code)) {
        // Access-Request (it carries an EAP-Message) and Status-Server: the oracle adds an MA.
        expect(p.messageAuthenticatorOffset).toBeGreaterThan(0);
        expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, secret, requestHmacAuthenticator(p.raw))).toBe(true);
        expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, wrongSecret, requestHmacAuthenticator(p.raw))).toBe(false);
      }
    });
  }
});

describe('random values of every type the oracle handles, both ways', () => {
  const graphemes = (max: number, maxBytes: number) =>
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => Buffer.byteLength(s) <= maxBytes);
  const arb = fc.record({
    code: fc.constantFrom(PacketCode.AccessRequest, PacketCode.AccountingRequest, PacketCode.CoaRequest, PacketCode.DisconnectRequest, PacketCode.StatusServer),
    user: graphemes(40, 253),
    // The oracle cuts a decrypted password at its first NUL, and so do RFC 2865 peers at the end: no NULs.
    password: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 128 }).filter((s) => !s.includes('\0')),
    ip: fc.ipV4(),
    port: fc.integer({ min: 0, max: 0xffffffff }),
    time: fc.integer({ min: 0, max: 0xffffffff }),
    cls: fc.uint8Array({ minLength: 0, maxLength: 253 }),
    tag: fc.integer({ min: 1, max: 0x1f }),
    preference: fc.integer({ min: 0, max: 0xffffff }),
    vlan: fc.integer({ min: 1, max: 4094 }),
    role: graphemes(60, 247),
  });

  it('agree on 300 random packets', () => {
    fc.assert(
      fc.property(arb, (r) => {
        const specs: Spec[] = [
          { name: 'User-Name', value: r.user },
          { name: 'NAS-IP-Address', value: r.ip },
          { name: 'NAS-Port', value: r.port },
          { name: 'Event-Timestamp', value: r.time, oracle: new Date(r.time * 1000) },
          { name: 'Class', value: Buffer.from(r.cls) },
          { name: 'Tunnel-Preference', tag: r.tag, value: r.preference },
          { name: 'Tunnel-Private-Group-Id', tag: r.tag, value: String(r.vlan) },
          { name: 'Aruba-User-Role', value: r.role },
          ...(r.code === PacketCode.AccessRequest ? [{ name: 'User-Password', value: r.password }] : []),
        ];
        const ours = buildOurs(r.code, specs, { ma: ownsAuthenticator(r.code) });
        expectOracleSees(radius.decode({ packet: ours, secret: SECRET }), specs);

        const theirs = decodePacket(radius.encode({ code: codeName(r.code), identifier: 3, secret: SECRET, attributes: toOracle(specs) }));
        expectWeSee(decodeAttributes(theirs.attributes, dict, { secret, requestAuthenticator: theirs.authenticator }), specs);
        if (hasZeroedRequestAuthenticator(r.code)) expect(verifyZeroedRequestAuthenticator(theirs.raw, secret)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('oracle quirks (documented, not compared)', () => {
  it('its MA on a CoA-/Disconnect-/Accounting-Request is taken over the final authenticator, so we refuse both', () => {
    for (const code of [PacketCode.CoaRequest, PacketCode.DisconnectRequest, PacketCode.AccountingRequest]) {
      const raw = radius.encode({ code: codeName(code), identifier: 1, secret: SECRET, attributes: [['User-Name', 'x']], add_message_authenticator: true });
      const p = decodePacket(raw);
      // RFC 5176 §3.1: HMAC with the authenticator field zeroed, then the authenticator over the packet with its MA.
      expect(verifyMessageAuthenticator(raw, p.messageAuthenticatorOffset, secret, requestHmacAuthenticator(raw))).toBe(false);
      expect(verifyZeroedRequestAuthenticator(raw, secret)).toBe(false);
      // What it did instead: the HMAC over the packet as sent.
      expect(verifyMessageAuthenticator(raw, p.messageAuthenticatorOffset, secret, p.authenticator)).toBe(true);
    }
  });

  it('it puts the MA last in replies; that still verifies here (BlastRADIUS prefers first, which we send)', () => {
    const { packet, requestAuth } = buildOracle(PacketCode.AccessAccept, common);
    const p = decodePacket(packet);
    expect(p.attributes.at(-1)?.type).toBe(80);
    expect(verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, secret, requestAuth!)).toBe(true);
  });

  it('it encodes an empty User-Password as a 0-octet attribute, which we refuse to decrypt', () => {
    const raw = radius.encode({ code: 'Access-Request', identifier: 1, secret: SECRET, attributes: [['User-Password', '']] });
    const p = decodePacket(raw);
    expect(p.attributes[0].value.length).toBe(0);
    expect(() => decodeAttributes(p.attributes, dict, { secret, requestAuthenticator: p.authenticator }))
      .toThrow(expect.objectContaining({ name: 'RadiusDecodeError', code: 'ERR_RADIUS_BAD_VALUE' }));
  });
});
