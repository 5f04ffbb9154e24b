import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type RawAttribute, PacketCode, RadiusDecodeError, checkHeader, decodeAttributes, decodePacket, decodeVsa,
  encodeAttribute, encodePacket, encodeVsa, formatValue, hasZeroedRequestAuthenticator, isResponseCode,
  loadDictionaries, messageAuthenticatorPlaceholder, parseDictionaryText, requestHmacAuthenticator, signAccessRequest,
  signResponse, signZeroedRequest, splitAttribute, verifyMessageAuthenticator, verifyResponseAuthenticator,
  verifyZeroedRequestAuthenticator,
} from '../../src/radius/index.js';

// Bounded fuzzing of everything that reads wire bytes: 80,000 mutated valid packets (seeded PRNG, so a failure
// reproduces) and 20,000 fast-check packets. Decoders may only throw RadiusDecodeError; verify functions may only
// return booleans. Every loop has a fixed count.

const dict = loadDictionaries([fileURLToPath(new URL('../../dictionaries', import.meta.url))]);
// The shipped files use no short/signed/integer64/ether and few tagged types: a fuzz-only vendor adds them.
parseDictionaryText([
  'VENDOR Fuzz 65000', 'BEGIN-VENDOR Fuzz',
  'ATTRIBUTE Fuzz-Short 1 short', 'ATTRIBUTE Fuzz-Signed 2 signed', 'ATTRIBUTE Fuzz-Integer64 3 integer64',
  'ATTRIBUTE Fuzz-Ether 4 ether', 'ATTRIBUTE Fuzz-Fixed 5 octets[4]', 'ATTRIBUTE Fuzz-Hidden 6 string encrypt=1',
  'ATTRIBUTE Fuzz-Ipv6prefix 7 ipv6prefix', 'ATTRIBUTE Fuzz-Byte 8 byte', 'END-VENDOR Fuzz',
].join('\n'), '<fuzz>', dict);

const secret = Buffer.from('fuzz-secret');

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One valid, signed packet of `code` carrying every kind of attribute the codec knows. */
function validPacket(code: number, n: number): Buffer {
  const ownAuth = code === PacketCode.AccessRequest || code === PacketCode.StatusServer ? Buffer.alloc(16, n) : undefined;
  const requestAuth = Buffer.alloc(16, 0x40 + n);
  const hiding = { secret, requestAuthenticator: ownAuth ?? requestAuth };
  const enc = (name: string, value: string | number | bigint | Buffer, tag?: number) => encodeAttribute(dict, name, value, { hiding, tag });
  const attributes: RawAttribute[] = [
    messageAuthenticatorPlaceholder(),
    enc('User-Name', `user${n}@example.org`),
    enc('User-Password', `pw-${'x'.repeat(n)}`),
    enc('NAS-IP-Address', `10.0.${n}.1`),
    enc('NAS-IPv6-Address', `2001:db8::${n}`),
    enc('Framed-IPv6-Prefix', '2001:db8:1::/48'),
    enc('Framed-Interface-Id', '0211:22ff:fe33:4455'),
    enc('NAS-Port', n * 1000),
    enc('Service-Type', 'Framed-User'),
    enc('Event-Timestamp', 1_700_000_000 + n),
    enc('Class', Buffer.from([n, 0, 255, 1])),
    enc('State', Buffer.alloc(16, n)),
    enc('Proxy-State', Buffer.from('proxy')),
    enc('Tunnel-Type', 'VLAN', 1),
    enc('Tunnel-Medium-Type', 'IEEE-802', 1),
    enc('Tunnel-Private-Group-Id', String(100 + n), 1),
    enc('Tunnel-Assignment-Id', 'untagged'),
    enc('Tunnel-Password', 'tunnel-pw', 2),
    enc('MS-MPPE-Send-Key', Buffer.alloc(32, 0x11)),
    enc('MS-MPPE-Recv-Key', Buffer.alloc(32, 0x22)),
    enc('MS-CHAP-MPPE-Keys', Buffer.alloc(24, 0x33)),
    enc('Cisco-AVPair', 'subscriber:command=reauthenticate'),
    enc('Error-Cause', 'Session-Context-Not-Found'),
    enc('WFA-HS20-AP-Version', 1),
    enc('Fuzz-Short', 0xbeef),
    enc('Fuzz-Signed', -5),
    enc('Fuzz-Integer64', 5_000_000_000n),
    enc('Fuzz-Ether', '00:11:22:33:44:55'),
    enc('Fuzz-Fixed', Buffer.from('abcd')),
    enc('Fuzz-Hidden', 'hidden'),
    enc('Fuzz-Ipv6prefix', '2001:db8::/32'),
    enc('Fuzz-Byte', 7),
    // One VSA with several sub-attributes, and one of a vendor nobody knows.
    { type: 26, value: Buffer.concat([encodeVsa(14823, 1, Buffer.from('guest')), Buffer.from([2, 6, 0, 0, 0, 100, 10, 4, 0x61, 0x62])]) },
    { type: 26, value: encodeVsa(4_000_000, 9, Buffer.from('opaque')) },
    { type: 250, value: Buffer.from([n]) },
    ...splitAttribute(79, Buffer.alloc(300 + n, 0x02)),
  ];
  const buf = encodePacket({ code, identifier: n, authenticator: ownAuth, attributes });
  if (ownAuth) return signAccessRequest(buf, secret);
  if (hasZeroedRequestAuthenticator(code)) return signZeroedRequest(buf, secret);
  if (isResponseCode(code)) return signResponse(buf, requestAuth, secret);
  return buf;
}

const corpus = Object.values(PacketCode).flatMap((code) => [validPacket(code, 1), validPacket(code, 7)]);

/** Offsets of the attribute headers a correct walk would find (stops at the first bad length). */
function attributeOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let o = 20; o + 2 <= buf.length && buf[o + 1] >= 2; o += buf[o + 1]) out.push(o);
  return out;
}

type Mutator = (b: Buffer, rnd: () => number) => Buffer;
const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);
const randomBytes = (rnd: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => int(rnd, 256)));

const mutators: Mutator[] = [
  (b, r) => { const c = Buffer.from(b); for (let i = 1 + int(r, 8); i > 0; i--) c[int(r, c.length)] ^= 1 << int(r, 8); return c; },
  (b, r) => { const c = Buffer.from(b); for (let i = 1 + int(r, 4); i > 0; i--) c[int(r, c.length)] = [0, 0xff, 1, 2, int(r, 256)][int(r, 5)]; return c; },
  (b, r) => { // an attribute length
    const c = Buffer.from(b);
    const offsets = attributeOffsets(c);
    if (offsets.length) { const o = offsets[int(r, offsets.length)]; c[o + 1] = [0, 1, 2, 3, 255, c[o + 1] + 1, c[o + 1] - 1, int(r, 256)][int(r, 8)] & 0xff; }
    return c;
  },
  (b, r) => { // the Length field
    const c = Buffer.from(b);
    if (c.length >= 4) c.writeUInt16BE([0, 19, 20, 21, 4096, 4097, 0xffff, c.length - 1, c.length + 1, int(r, 0x10000)][int(r, 10)] & 0xffff, 2);
    return c;
  },
  (b, r) => b.subarray(0, int(r, b.length + 1)), // truncate
  (b, r) => { // extend, sometimes claiming the new bytes in Length
    const c = Buffer.concat([b, randomBytes(r, 1 + int(r, 200))]);
    if (r() < 0.5 && c.length <= 0xffff) c.writeUInt16BE(c.length, 2);
    return c;
  },
  (b, r) => { // insert an attribute whose length may lie
    const offsets = [...attributeOffsets(b), b.length];
    const at = offsets[int(r, offsets.length)];
    const value = randomBytes(r, int(r, 40));
    const attr = Buffer.concat([Buffer.from([[26, 79, 80, 2, 64, 81, 69, int(r, 256)][int(r, 8)], r() < 0.7 ? value.length + 2 : int(r, 256)]), value]);
    const c = Buffer.concat([b.subarray(0, at), attr, b.subarray(at)]);
    if (c.length >= 4 && c.length <= 0xffff) c.writeUInt16BE(c.length, 2);
    return c;
  },
  (b, r) => { // inside a VSA: vendor id, sub-attribute type or length
    const c = Buffer.from(b);
    const vsas = attributeOffsets(c).filter((o) => c[o] === 26 && c[o + 1] >= 8);
    if (vsas.length) { const o = vsas[int(r, vsas.length)]; c[o + 2 + int(r, Math.min(c[o + 1] - 2, c.length - o - 2))] = int(r, 256); }
    return c;
  },
  (b, r) => { // splice two corpus packets
    const other = corpus[int(r, corpus.length)];
    return Buffer.concat([b.subarray(0, int(r, b.length + 1)), other.subarray(int(r, other.length + 1))]);
  },
  (b, r) => { // change the code
    const c = Buffer.from(b);
    if (c.length) c[0] = r() < 0.5 ? Object.values(PacketCode)[int(r, 14)] : int(r, 256);
    return c;
  },
  (_b, r) => randomBytes(r, int(r, 300)), // noise
];

interface Stats { decoded: number; refused: Map<string, number>; attributeRefusals: Set<string>; failures: string[] }

function fail(stats: Stats, buf: Buffer, what: string, err?: unknown): void {
  if (stats.failures.length < 5) stats.failures.push(`${what}: ${err instanceof Error ? `${err.name} ${err.message}` : String(err)} on ${buf.toString('hex')}`);
}

function isBool(stats: Stats, buf: Buffer, what: string, fn: () => unknown): void {
  try {
    if (typeof fn() !== 'boolean') fail(stats, buf, `${what} returned a non-boolean`);
  } catch (err) {
    fail(stats, buf, `${what} threw`, err);
  }
}

/** Runs one buffer through every reader; records anything but RadiusDecodeError / booleans. */
function exercise(buf: Buffer, stats: Stats, rnd: () => number): void {
  const otherAuth = Buffer.alloc(16, 0x40);
  isBool(stats, buf, 'verifyZeroedRequestAuthenticator', () => verifyZeroedRequestAuthenticator(buf, secret));
  isBool(stats, buf, 'verifyResponseAuthenticator', () => verifyResponseAuthenticator(buf, otherAuth, secret));
  const offset = int(rnd, buf.length + 40) - 20;
  isBool(stats, buf, 'verifyMessageAuthenticator', () => verifyMessageAuthenticator(buf, offset, secret, requestHmacAuthenticator(buf)));

  try {
    checkHeader(buf);
  } catch (err) {
    if (!(err instanceof RadiusDecodeError)) fail(stats, buf, 'checkHeader', err);
  }
  let p: ReturnType<typeof decodePacket>;
  try {
    p = decodePacket(buf);
  } catch (err) {
    if (err instanceof RadiusDecodeError) stats.refused.set(err.code, (stats.refused.get(err.code) ?? 0) + 1);
    else fail(stats, buf, 'decodePacket', err);
    return;
  }
  stats.decoded++;
  // What decodes re-encodes to the same bytes.
  if (!encodePacket({ code: p.code, identifier: p.identifier, authenticator: p.authenticator, attributes: p.attributes }).equals(p.raw)) {
    fail(stats, buf, 'decode → encode changed the bytes');
  }
  isBool(stats, buf, 'verifyMessageAuthenticator(decoded)', () =>
    verifyMessageAuthenticator(p.raw, p.messageAuthenticatorOffset, secret, requestHmacAuthenticator(p.raw)));
  isBool(stats, buf, 'verifyZeroedRequestAuthenticator(decoded)', () => verifyZeroedRequestAuthenticator(p.raw, secret));
  isBool(stats, buf, 'verifyResponseAuthenticator(decoded)', () => verifyResponseAuthenticator(p.raw, otherAuth, secret));
  for (const a of p.attributes) {
    if (a.type !== 26) continue;
    try {
      decodeVsa(a.value);
    } catch (err) {
      if (!(err instanceof RadiusDecodeError)) fail(stats, buf, 'decodeVsa', err);
    }
  }
  for (const hiding of [undefined, { secret, requestAuthenticator: p.authenticator }]) {
    try {
      for (const a of decodeAttributes(p.attributes, dict, hiding)) {
        if (typeof formatValue(a) !== 'string') fail(stats, buf, 'formatValue returned a non-string');
      }
    } catch (err) {
      if (err instanceof RadiusDecodeError) stats.attributeRefusals.add(err.code);
      else fail(stats, buf, `decodeAttributes(hiding: ${Boolean(hiding)})`, err);
    }
  }
}

const newStats = (): Stats => ({ decoded: 0, refused: new Map(), attributeRefusals: new Set(), failures: [] });

describe('fuzz: mutated valid packets', () => {
  it('every corpus packet is valid to start with', () => {
    for (const buf of corpus) {
      const p = decodePacket(buf);
      // Hidden as validPacket hid them: with the packet's own random authenticator, else with 0x40 + n.
      const own = p.code === PacketCode.AccessRequest || p.code === PacketCode.StatusServer;
      const requestAuthenticator = own ? p.authenticator : Buffer.alloc(16, 0x40 + p.identifier);
      expect(decodeAttributes(p.attributes, dict, { secret, requestAuthenticator }).length).toBeGreaterThan(30);
    }
  });

  it('80,000 mutants: only RadiusDecodeError, only booleans', () => {
    const rnd = prng(0x5eed2865);
    const stats = newStats();
    for (let i = 0; i < 80_000; i++) {
      let buf = corpus[int(rnd, corpus.length)];
      for (let m = 1 + int(rnd, 3); m > 0; m--) buf = mutators[int(rnd, mutators.length)](buf, rnd);
      exercise(buf, stats, rnd);
    }
    expect(stats.failures).toEqual([]);
    // Not vacuous: many mutants still decode and many are refused, for many different reasons.
    expect(stats.decoded).toBeGreaterThan(10_000);
    expect(80_000 - stats.decoded).toBeGreaterThan(10_000);
    expect([...stats.refused.keys()].sort()).toEqual(expect.arrayContaining([
      'ERR_RADIUS_BAD_ATTRIBUTE_LENGTH', 'ERR_RADIUS_BAD_LENGTH', 'ERR_RADIUS_BAD_MESSAGE_AUTHENTICATOR_LENGTH',
      'ERR_RADIUS_DUPLICATE_MESSAGE_AUTHENTICATOR', 'ERR_RADIUS_TOO_SHORT', 'ERR_RADIUS_TRUNCATED_ATTRIBUTE',
      'ERR_RADIUS_UNKNOWN_CODE',
    ]));
    expect([...stats.attributeRefusals].sort()).toEqual(['ERR_RADIUS_BAD_VALUE', 'ERR_RADIUS_BAD_VSA']);
  });
});

describe('fuzz: fast-check packets', () => {
  it('10,000 byte strings', () => {
    const stats = newStats();
    const rnd = prng(1);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (a) => exercise(Buffer.from(a), stats, rnd)), { numRuns: 10_000 });
    expect(stats.failures).toEqual([]);
  });

  it('10,000 well-framed packets of random attributes', () => {
    const stats = newStats();
    const rnd = prng(2);
    const attribute = fc.record({
      type: fc.oneof(fc.constantFrom(1, 2, 26, 64, 69, 79, 80, 81, 95, 97), fc.integer({ min: 0, max: 255 })),
      value: fc.oneof(
        fc.uint8Array({ maxLength: 60 }),
        // VSAs of known vendors with random sub-attributes.
        fc.tuple(fc.constantFrom(9, 311, 14823, 65000, 4_000_000), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 }))
          .map(([vendor, type, v]) => encodeVsa(vendor, type, Buffer.from(v))),
      ),
    });
    const packet = fc.record({
      code: fc.constantFrom(...Object.values(PacketCode)),
      identifier: fc.integer({ min: 0, max: 255 }),
      authenticator: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      attributes: fc.array(attribute, { maxLength: 30 }),
    });
    fc.assert(
      fc.property(packet, (p) => {
        const attributes = p.attributes.map((a) => ({ type: a.type, value: Buffer.from(a.value) }));
        exercise(encodePacket({ ...p, authenticator: Buffer.from(p.authenticator), attributes }), stats, rnd);
      }),
      { numRuns: 10_000 },
    );
    expect(stats.failures).toEqual([]);
    expect(stats.decoded).toBeGreaterThan(5_000);
  });
});
