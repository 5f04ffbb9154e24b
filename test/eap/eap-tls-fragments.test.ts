import { afterAll, describe, expect, it } from 'vitest';
import { EapEngine } from '../../src/eap/engine.js';
import type { EapResult } from '../../src/eap/types.js';
import { runEapTlsClient } from '../support/eap-tls-client.js';
import { makeTestPki } from '../support/pki.js';
import { captureClientHello, device, engineOptions, requestOf, response, transportTo } from './fixture.js';

const pki = makeTestPki();
const engine = new EapEngine(engineOptions(pki));
afterAll(() => engine.close());

const TLS = 13;
const L = 0x80;
const M = 0x40;

/** A conversation driven by hand, one EAP-TLS response at a time, after EAP-TLS Start. */
async function handDriven() {
  let r = await engine.process({ nas: 'ap-1', eapMessage: response(1, 1, Buffer.from('host/hand')) });
  expect(requestOf(r).data).toEqual(Buffer.from([0x20]));
  return {
    async send(flags: number, data: Buffer = Buffer.alloc(0), total?: number): Promise<EapResult> {
      const head = total === undefined ? Buffer.from([flags]) : Buffer.from([flags | L, 0, 0, 0, 0]);
      if (total !== undefined) head.writeUInt32BE(total, 1);
      const { id } = requestOf(r);
      r = await engine.process({ nas: 'ap-1', eapMessage: response(id, TLS, Buffer.concat([head, data])), state: r.kind === 'challenge' ? r.state : undefined });
      return r;
    },
  };
}

const isAck = (r: EapResult): boolean => r.kind === 'challenge' && requestOf(r).data.equals(Buffer.from([0x00]));

describe('EAP-TLS fragments from the peer', () => {
  it('ACKs every fragment of a fragmented client flight with an empty EAP-TLS request', async () => {
    const seen: EapResult[] = [];
    const sent: Buffer[] = [];
    const transport = transportTo(engine, { seen });
    const r = await runEapTlsClient(async (m, s) => {
      sent.push(m);
      return transport(m, s);
    }, device(pki, pki.clients.rsa, { fragmentSize: 150 }));
    expect(r.outcome).toBe('success');
    // Every response with M set was answered by an ACK.
    const moreFragments = sent.map((m, i) => [m, seen[i]!] as const).filter(([m]) => m[4] === TLS && m.length > 5 && (m[5]! & M) !== 0);
    expect(moreFragments.length).toBeGreaterThan(8);
    for (const [, reply] of moreFragments) expect(isAck(reply)).toBe(true);
  });

  it('reassembles up to exactly 64 KiB, ACKing each fragment', async () => {
    const c = await handDriven();
    const total = 65_536;
    let sent = 0;
    while (sent + 1000 < total) {
      const res = await c.send(M, Buffer.alloc(1000, 0x16), sent === 0 ? total : undefined);
      expect(isAck(res)).toBe(true);
      sent += 1000;
    }
    // The complete message reaches TLS (and is garbage to it): the limit itself was not hit.
    let last = await c.send(0, Buffer.alloc(total - sent, 0x16));
    if (last.kind === 'challenge') last = await c.send(0);
    expect(last).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/^TLS handshake failed/) });
  });

  it('fails a message announced above 64 KiB at once', async () => {
    const c = await handDriven();
    const res = await c.send(M, Buffer.alloc(100), 65_537);
    expect(res).toMatchObject({ kind: 'failure', reason: 'TLS message length 65537 exceeds the 65536-octet limit' });
  });

  it('fails fragments that go past the announced length', async () => {
    const c = await handDriven();
    expect(isAck(await c.send(M, Buffer.alloc(600), 1000))).toBe(true);
    const res = await c.send(M, Buffer.alloc(600));
    expect(res).toMatchObject({ kind: 'failure', reason: 'TLS fragments carry more than the announced 1000 octets' });
  });

  it('fails a fragmented message whose first fragment has no L', async () => {
    const c = await handDriven();
    expect(await c.send(M, Buffer.alloc(100))).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/no TLS Message Length/) });
  });

  it('fails an ACK in answer to EAP-TLS Start', async () => {
    const c = await handDriven();
    expect(await c.send(0)).toMatchObject({ kind: 'failure', reason: 'peer answered EAP-TLS Start without a ClientHello' });
  });

  it('fails an EAP-TLS response without flags', async () => {
    const r0 = await engine.process({ nas: 'ap-1', eapMessage: response(1, 1, Buffer.from('x')) });
    const { id } = requestOf(r0);
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(id, TLS), state: r0.kind === 'challenge' ? r0.state : undefined });
    expect(r).toMatchObject({ kind: 'failure', reason: 'malformed EAP-TLS response: EAP-TLS frame without flags' });
  });
});

describe('EAP-TLS fragments to the peer', () => {
  it('marks the first fragment with L and all but the last with M, and waits for ACKs', async () => {
    const seen: EapResult[] = [];
    // Stateless tickets make the last flight big enough to need fragments too.
    const withTickets = new EapEngine(engineOptions(pki, { tls: { resumption: { tickets: true } } }));
    const r = await runEapTlsClient(transportTo(withTickets, { seen }), device(pki, pki.clients.rsa, { maxVersion: 'TLSv1.3' }));
    withTickets.close();
    expect(r.outcome).toBe('success');
    expect(r.acksSent).toBeGreaterThanOrEqual(2);
    const flags = seen
      .filter((x) => x.kind === 'challenge' && requestOf(x).type === TLS && requestOf(x).data.length > 1)
      .map((x) => requestOf(x).data[0]!);
    // Server hello flight (RSA chain > 1024 octets) and the ticket flight are both fragmented.
    expect(flags.filter((f) => f === (L | M)).length).toBeGreaterThanOrEqual(2);
    for (const f of flags) expect(f & 0x20).toBe(0);
  });

  it('fails when the peer sends data instead of the ACK for a fragment', async () => {
    const c = await handDriven();
    // A real ClientHello gets the server's first flight, fragmented (RSA chain).
    const hello = await captureClientHello(engine, pki);
    const first = await c.send(0, hello);
    expect(requestOf(first).data[0]).toBe(L | M);
    expect(await c.send(0, Buffer.from([22, 3, 3, 0, 1, 0]))).toMatchObject({
      kind: 'failure',
      reason: 'peer sent data while we were waiting for a fragment ACK',
    });
  });
});
