import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticOnly, attributeText, signedReply, TestNas, type NasRequest } from '../support/test-nas.js';
import { SECRET, capturingLogger, client, closeClients, nasOf, session, sleep } from './helpers.js';

// The sender against a scriptable NAS on 127.0.0.1: what goes on the wire, retries, timeouts, NAK handling,
// forged replies, queue bound.

const nases: TestNas[] = [];
async function startNas(...args: Parameters<typeof TestNas.start>): Promise<TestNas> {
  const nas = await TestNas.start(...args);
  nases.push(nas);
  return nas;
}
afterEach(async () => {
  await closeClients();
  await Promise.all(nases.splice(0).map((n) => n.close()));
});

const types = (r: NasRequest) => r.attributes.map((a) => a.type);

describe('disconnect', () => {
  it('sends an authentic Disconnect-Request with MA first, the session identifiers and a current Event-Timestamp; ACK', async () => {
    const nas = await startNas(SECRET);
    const r = await client().disconnect(nasOf(nas), session);
    expect(r).toMatchObject({ kind: 'ack', action: 'disconnect', sent: 'disconnect', attempts: 1, target: `127.0.0.1:${nas.port}` });
    expect(r.steps).toHaveLength(1);
    const [req] = nas.requests;
    expect(req).toMatchObject({ code: 40, authentic: true, hasMessageAuthenticator: true });
    expect(types(req)).toEqual([80, 4, 32, 44, 31, 55]);
    expect(attributeText(req, 44)).toBe('5F3A2B1C0D9E8F70');
    expect(attributeText(req, 31)).toBe('02-00-00-00-80-01');
    expect(attributeText(req, 32)).toBe('sw-1');
    const ts = req.attributes.find((a) => a.type === 55)!.value.readUInt32BE(0);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
  });

  it('writes the MAC as AA-BB-CC-DD-EE-FF when the NAS\'s own Calling-Station-Id text is unknown', async () => {
    const nas = await startNas(SECRET);
    await client().disconnect(nasOf(nas), { nasIp: '127.0.0.1', mac: '0a:1b:2c:3d:4e:5f' });
    expect(attributeText(nas.requests[0], 31)).toBe('0A-1B-2C-3D-4E-5F');
  });

  it('refuses to send a request that names no session (a NAS might match every session)', async () => {
    const nas = await startNas(SECRET);
    const r = await client().disconnect(nasOf(nas), { nasIp: '127.0.0.1', nasIdentifier: 'sw-1' });
    expect(r).toMatchObject({ kind: 'error', attempts: 0 });
    expect(r.error).toMatch(/no session identifier/);
    await sleep(50);
    expect(nas.requests).toHaveLength(0);
  });

  it('reaches a NAS on ::1 and names it with NAS-IPv6-Address', async () => {
    const nas = await startNas(SECRET, undefined, '::1');
    const r = await client().disconnect(nasOf(nas), { ...session, nasIp: '::1' });
    expect(r).toMatchObject({ kind: 'ack', target: `[::1]:${nas.port}` });
    expect(types(nas.requests[0])).toContain(95);
    expect(types(nas.requests[0])).not.toContain(4);
  });
});

describe('retries and timeouts', () => {
  it('retransmits the identical datagram with a doubling wait until the NAS answers', async () => {
    const nas = await startNas(SECRET, authenticOnly((req) => (req.copy < 3 ? { type: 'drop' } : { type: 'ack' })));
    const r = await client({ timeoutMs: 100, retries: 3 }).disconnect(nasOf(nas), session);
    expect(r).toMatchObject({ kind: 'ack', attempts: 3 });
    expect(nas.requests.map((q) => q.copy)).toEqual([1, 2, 3]);
    expect(new Set(nas.requests.map((q) => q.raw.toString('hex'))).size).toBe(1);
    const [a, b, c] = nas.requests.map((q) => q.at);
    expect(b - a).toBeGreaterThanOrEqual(90);
    // Timers never fire early, so these lower bounds hold on a loaded machine: the second wait is twice the first.
    expect(c - b).toBeGreaterThanOrEqual(190);
  });

  it('gives up after 1 + retries sends with kind timeout, and sends nothing more', async () => {
    const nas = await startNas(SECRET, () => ({ type: 'drop' }));
    const r = await client({ timeoutMs: 40, retries: 2 }).disconnect(nasOf(nas), session);
    expect(r).toMatchObject({ kind: 'timeout', attempts: 3, action: 'disconnect' });
    expect(r.ms).toBeGreaterThanOrEqual(40 + 80 + 160 - 5);
    await sleep(200);
    expect(nas.requests).toHaveLength(3);
  });

  it('a NAS with another secret never answers (hostapd drops it): timeout, and the secret is in no log line', async () => {
    const nas = await startNas('the-nas-has-another-secret');
    const { log, lines } = capturingLogger();
    const r = await client({ timeoutMs: 30, retries: 1, log }).disconnect(nasOf(nas), session);
    expect(r).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect(nas.requests.every((q) => !q.authentic)).toBe(true);
    expect(lines.join('\n')).toMatch(/"result":"timeout"/);
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });
});

describe('NAK handling', () => {
  it('reauthenticate on a Cisco NAS: CoA with Cisco-AVPair reauthenticate; NAK 401 falls back to a Disconnect', async () => {
    const nas = await startNas(SECRET, authenticOnly((req) => (req.code === 43 ? { type: 'nak', errorCause: 401 } : { type: 'ack' })));
    const { log, lines } = capturingLogger();
    const r = await client({ log }).reauthenticate(nasOf(nas, 'cisco'), session);
    expect(r).toMatchObject({ kind: 'ack', action: 'reauthenticate', sent: 'disconnect' });
    expect(r.steps.map((s) => [s.message, s.outcome.kind, s.outcome.errorCauseText])).toEqual([
      ['coa-reauthenticate', 'nak', 'Unsupported Attribute (401)'], ['disconnect', 'ack', undefined],
    ]);
    const [coa, disconnect] = nas.requests;
    expect(coa.code).toBe(43);
    // Vendor-Specific: vendor 9, type 1 (Cisco-AVPair).
    const vsa = coa.attributes.find((a) => a.type === 26)!.value;
    expect(vsa.readUInt32BE(0)).toBe(9);
    expect(vsa[4]).toBe(1);
    expect(vsa.subarray(6).toString()).toBe('subscriber:command=reauthenticate');
    expect(types(coa)).toEqual([80, 4, 44, 31, 26, 55]);
    expect(disconnect.code).toBe(40);
    expect(types(disconnect)).toEqual([80, 4, 44, 31, 55]);
    expect(lines.join('\n')).toContain('Unsupported Attribute (401)');
  });

  it('no fallback when the call says so, or when the NAK says the session is not there (503)', async () => {
    const nas = await startNas(SECRET, authenticOnly((req) => ({ type: 'nak', errorCause: req.code === 43 ? 405 : 503 })));
    const noFallback = await client().reauthenticate(nasOf(nas, 'cisco'), session, { fallbackToDisconnect: false });
    expect(noFallback).toMatchObject({ kind: 'nak', errorCause: 405, errorCauseText: 'Unsupported Service (405)', sent: 'coa-reauthenticate' });
    expect(noFallback.steps).toHaveLength(1);
    nas.script = authenticOnly(() => ({ type: 'nak', errorCause: 503 }));
    const gone = await client().reauthenticate(nasOf(nas, 'meraki'), session);
    expect(gone).toMatchObject({ kind: 'nak', errorCause: 503, errorCauseText: 'Session Context Not Found (503)' });
    expect(nas.requests.map((q) => q.code)).toEqual([43, 43]);
  });

  it('a Disconnect NAK is the result as it is (there is nothing to fall back to)', async () => {
    const nas = await startNas(SECRET, authenticOnly(() => ({ type: 'nak', errorCause: 503 })));
    const r = await client().disconnect(nasOf(nas, 'hostapd'), session);
    expect(r).toMatchObject({ kind: 'nak', errorCause: 503, errorCauseText: 'Session Context Not Found (503)', attempts: 1 });
  });

  it('reauthenticate on hostapd / generic is a Disconnect (no reauthenticate CoA there)', async () => {
    const nas = await startNas(SECRET);
    for (const vendor of ['hostapd', 'generic', 'aruba', 'juniper', 'mist', 'ruckus'] as const) {
      const r = await client().reauthenticate(nasOf(nas, vendor), session);
      expect(r).toMatchObject({ kind: 'ack', sent: 'disconnect' });
    }
    expect(nas.requests.every((q) => q.code === 40)).toBe(true);
  });

  it('HP: reauthenticate is a CoA with Session-Timeout + Termination-Action=RADIUS-Request', async () => {
    const nas = await startNas(SECRET);
    const r = await client().reauthenticate(nasOf(nas, 'hp'), { ...session, nasPortId: '3' });
    expect(r).toMatchObject({ kind: 'ack', sent: 'coa-reauthenticate' });
    const [req] = nas.requests;
    expect(req.code).toBe(43);
    expect(req.attributes.find((a) => a.type === 29)!.value.readUInt32BE(0)).toBe(1);
    expect(req.attributes.find((a) => a.type === 27)!.value.readUInt32BE(0)).toBeGreaterThan(0);
    expect(attributeText(req, 87)).toBe('3');
  });
});

describe('changeAuthorization', () => {
  it('sends the new attributes in a CoA-Request (tagged VLAN, Filter-Id, Aruba role) on a NAS that takes them', async () => {
    const nas = await startNas(SECRET);
    const r = await client().changeAuthorization(nasOf(nas, 'aruba'), session, [
      { name: 'Tunnel-Type', value: 'VLAN', tag: 1 }, { name: 'Tunnel-Medium-Type', value: 'IEEE-802', tag: 1 },
      { name: 'Tunnel-Private-Group-Id', value: '666', tag: 1 }, { name: 'Filter-Id', value: 'quarantine' }, { name: 'Aruba-User-Role', value: 'remediation' },
    ]);
    expect(r).toMatchObject({ kind: 'ack', action: 'change-authorization', sent: 'coa-attributes' });
    const [req] = nas.requests;
    expect(req.code).toBe(43);
    expect(attributeText(req, 11)).toBe('quarantine');
    expect(req.attributes.find((a) => a.type === 81)!.value).toEqual(Buffer.from('\x01666', 'latin1'));
    expect(req.attributes.find((a) => a.type === 26)!.value.readUInt32BE(0)).toBe(14823);
  });

  it('on hostapd (no attribute CoA) it disconnects instead, and says so', async () => {
    const nas = await startNas(SECRET);
    const r = await client().changeAuthorization(nasOf(nas, 'hostapd'), session, [{ name: 'Filter-Id', value: 'quarantine' }]);
    expect(r).toMatchObject({ kind: 'ack', action: 'change-authorization', sent: 'disconnect' });
    expect(nas.requests.map((q) => q.code)).toEqual([40]);
  });

  it('an unknown attribute name is an error before anything is sent', async () => {
    const nas = await startNas(SECRET);
    const r = await client().changeAuthorization(nasOf(nas), session, [{ name: 'No-Such-Attribute', value: 'x' }]);
    expect(r).toMatchObject({ kind: 'error', attempts: 0 });
    expect(r.error).toMatch(/No-Such-Attribute/);
    expect(nas.requests).toHaveLength(0);
  });
});

describe('forged replies', () => {
  const forgeries: [string, (req: NasRequest, nas: TestNas) => Buffer][] = [
    ['wrong Response Authenticator', (req, nas) => { const b = signedReply(req.raw, 41, [], nas.secret); b[10] ^= 0x40; return b; }],
    ['wrong Message-Authenticator', (req, nas) => {
      // A right Response Authenticator over a wrong MA: only the MA check can catch it.
      const b = signedReply(req.raw, 41, [], nas.secret);
      b[25] ^= 1;
      req.raw.copy(b, 4, 4, 20);
      return signedOver(b, nas.secret);
    }],
    ['wrong Identifier', (req, nas) => signedReply(req.raw, 41, [], nas.secret, { identifier: (req.identifier + 1) & 0xff })],
    ['signed with another secret', (req) => signedReply(req.raw, 41, [], Buffer.from('attacker-secret'))],
    ['ACK code of the other request kind', (req, nas) => signedReply(req.raw, 44, [], nas.secret)],
  ];

  for (const [name, forge] of forgeries) {
    it(`${name}: ignored, never accepted (the request times out)`, async () => {
      const nas = await startNas(SECRET, authenticOnly((req, n) => ({ type: 'raw', bytes: forge(req, n) })));
      const { log, lines } = capturingLogger();
      const r = await client({ timeoutMs: 40, retries: 1, log }).disconnect(nasOf(nas), session);
      expect(r).toMatchObject({ kind: 'timeout', attempts: 2 });
      expect(lines.join('\n')).not.toContain(SECRET);
    });
  }

  it('a forged reply first does not stop the real one from being accepted', async () => {
    const nas = await startNas(SECRET, authenticOnly((req, n) => [{ type: 'raw', bytes: forgeries[0][1](req, n) }, { type: 'nak', errorCause: 506 }]));
    const r = await client().disconnect(nasOf(nas), session);
    expect(r).toMatchObject({ kind: 'nak', errorCause: 506, attempts: 1 });
  });

  it('a correctly signed reply from another source port is ignored', async () => {
    const decoy = await startNas(SECRET, () => ({ type: 'drop' }));
    const nas = await startNas(SECRET, authenticOnly((req) => {
      decoy.send(signedReply(req.raw, 41, [], Buffer.from(SECRET)), req.from);
      return { type: 'drop' };
    }));
    const r = await client({ timeoutMs: 40, retries: 0 }).disconnect(nasOf(nas), session);
    expect(r).toMatchObject({ kind: 'timeout', attempts: 1 });
  });
});

describe('queue bound', () => {
  it('beyond max_queue waiting requests fail at once; close() ends the waiting ones', async () => {
    const nas = await startNas(SECRET);
    const c = client({ perSecond: 0.5, burst: 1, maxQueue: 5 });
    const all = Array.from({ length: 10 }, (_, i) => c.disconnect(nasOf(nas), { ...session, acctSessionId: `S${i}` }));
    const first = await all[0];
    expect(first.kind).toBe('ack');
    const rejected = await Promise.all(all.slice(6));
    for (const r of rejected) expect(r).toMatchObject({ kind: 'error', attempts: 0, error: expect.stringMatching(/queue full/) });
    expect(c.queued).toBe(5);
    await c.close();
    for (const r of await Promise.all(all.slice(1, 6))) expect(r).toMatchObject({ kind: 'error', attempts: 0, error: expect.stringMatching(/closed/) });
    expect(nas.requests).toHaveLength(1);
  });
});

/** Recomputes the Response Authenticator of `b` (whose Authenticator field holds the request's). */
function signedOver(b: Buffer, secret: Buffer): Buffer {
  const out = Buffer.from(b);
  createHash('md5').update(out).update(secret).digest().copy(out, 4);
  return out;
}
