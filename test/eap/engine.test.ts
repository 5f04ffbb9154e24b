import { afterEach, describe, expect, it, vi } from 'vitest';
import { EapEngine } from '../../src/eap/engine.js';
import { EapConfigError } from '../../src/eap/errors.js';
import type { EapMethod, EapMethodSession, MethodStep } from '../../src/eap/method.js';
import { eapTlsMethod } from '../../src/eap/methods/tls.js';
import { EapMethodRegistry } from '../../src/eap/registry.js';
import type { EapResult } from '../../src/eap/types.js';
import { runEapTlsClient } from '../support/eap-tls-client.js';
import { makeTestPki } from '../support/pki.js';
import { captureClientHello, device, engineOptions, recordingLogger, requestOf, response, transportTo } from './fixture.js';

const pki = makeTestPki();
const engines: EapEngine[] = [];
function newEngine(...args: ConstructorParameters<typeof EapEngine>): EapEngine {
  const e = new EapEngine(...args);
  engines.push(e);
  return e;
}
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
  vi.useRealTimers();
});

const IDENTITY = 1;
const NAK = 3;
const TLS = 13;

/** A stand-in for PEAP (type 25): succeeds on its first response. Proves the method interface and NAK switching. */
function fakePeap(): EapMethod {
  return {
    name: 'peap',
    type: 25,
    newSession(): EapMethodSession {
      return {
        initiate: () => Buffer.from([0x20]),
        process: async (): Promise<MethodStep> => ({ kind: 'success', success: { msk: Buffer.alloc(64, 1), emsk: Buffer.alloc(64, 2), innerIdentity: 'alice' } }),
        close: () => {},
      };
    },
  };
}
const registryWithFakePeap = (): EapMethodRegistry =>
  new EapMethodRegistry().register(eapTlsMethod).register({ name: 'peap', type: 25, create: fakePeap });

describe('EAP engine: Identity and method proposal', () => {
  it('answers EAP-Start with EAP-Request/Identity and a fresh 32-octet State', async () => {
    const engine = newEngine(engineOptions(pki));
    const r = await engine.process({ nas: 'ap-1', eapMessage: Buffer.alloc(0) });
    expect(requestOf(r)).toMatchObject({ type: IDENTITY, data: Buffer.alloc(0) });
    expect(r.kind === 'challenge' && r.state.length).toBe(32);
    expect(engine.conversations).toBe(1);
  });

  it('proposes EAP-TLS (Start flag) after the identity, with the next identifier', async () => {
    const engine = newEngine(engineOptions(pki));
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(200, IDENTITY, Buffer.from('host/x')) });
    expect(requestOf(r)).toEqual({ id: 201, type: TLS, data: Buffer.from([0x20]) });
  });

  it('wraps the identifier from 255 to 0', async () => {
    const engine = newEngine(engineOptions(pki));
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(255, IDENTITY, Buffer.from('x')) });
    expect(requestOf(r).id).toBe(0);
  });

  it.each([
    ['garbage', Buffer.from([0x02, 0x01, 0x00]), /malformed EAP-Message/],
    ['an EAP-Request from the NAS side', Buffer.from([0x01, 0x01, 0x00, 0x05, 0x01]), /not a Response/],
    ['a non-Identity response without State', response(1, TLS, [0]), /without State/],
  ])('discards %s', async (_n, eapMessage, reason) => {
    const engine = newEngine(engineOptions(pki));
    const r = await engine.process({ nas: 'ap-1', eapMessage });
    expect(r).toEqual({ kind: 'discard', reason: expect.stringMatching(reason) });
    expect(engine.conversations).toBe(0);
  });

  it('discards a response carrying an unknown State', async () => {
    const engine = newEngine(engineOptions(pki));
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(1, TLS, [0]), state: Buffer.alloc(32, 7) });
    expect(r).toEqual({ kind: 'discard', reason: 'unknown or expired State' });
  });

  it('drops a response whose identifier does not match the last request, then accepts the right one', async () => {
    const engine = newEngine(engineOptions(pki));
    const start = await engine.process({ nas: 'ap-1', eapMessage: Buffer.alloc(0) });
    const { id } = requestOf(start);
    const state = start.kind === 'challenge' ? start.state : undefined;
    const wrong = await engine.process({ nas: 'ap-1', eapMessage: response((id + 5) & 0xff, IDENTITY, Buffer.from('x')), state });
    expect(wrong).toEqual({ kind: 'discard', reason: expect.stringMatching(/identifier .* does not match/) });
    const right = await engine.process({ nas: 'ap-1', eapMessage: response(id, IDENTITY, Buffer.from('x')), state });
    expect(requestOf(right).type).toBe(TLS);
  });

  it('binds State to the NAS it was sent to', async () => {
    const engine = newEngine(engineOptions(pki));
    const first = await engine.process({ nas: 'ap-1', eapMessage: response(1, IDENTITY, Buffer.from('x')) });
    const state = first.kind === 'challenge' ? first.state : undefined;
    const other = await engine.process({ nas: 'ap-2', eapMessage: response(2, TLS, [0]), state });
    expect(other).toEqual({ kind: 'discard', reason: 'unknown or expired State' });
    const same = await engine.process({ nas: 'ap-1', eapMessage: response(2, TLS, [0]), state });
    // The conversation is intact on its own NAS (an ACK instead of a ClientHello fails it properly).
    expect(same).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/without a ClientHello/), method: 'tls' });
  });

  it('refuses a retransmission that arrives while the conversation is still working', async () => {
    const engine = newEngine(engineOptions(pki));
    const transport = transportTo(engine);
    let state: Buffer | undefined;
    let parallel: Promise<EapResult> | undefined;
    const racing = async (m: Buffer, s: Buffer | undefined) => {
      const p = transport(m, s);
      if (s && state && s.equals(state) && !parallel && m[4] === TLS && m.length > 10) {
        parallel = engine.process({ nas: 'ap-1', eapMessage: m, state: s });
      }
      const r = await p;
      if (r.kind === 'challenge') state = r.state;
      return r;
    };
    const result = await runEapTlsClient(racing, device(pki, pki.clients.ec));
    expect(result.outcome).toBe('success');
    expect(await parallel).toEqual({ kind: 'discard', reason: expect.stringMatching(/still in progress/) });
  });
});

describe('EAP engine: NAK and allowed methods', () => {
  it('fails with a clear reason when the peer NAKs to a method that is not allowed', async () => {
    const engine = newEngine(engineOptions(pki));
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec, { nakTlsWith: [21, 25] }));
    expect(r.outcome).toBe('failure');
    expect(r.reason).toBe('peer refused EAP-TLS (NAK) and offered EAP-TTLS, PEAP; no allowed method in common');
    expect(r.last?.kind === 'failure' && r.last.eapMessage[0]).toBe(4);
  });

  it('switches to the method the peer asks for in its NAK', async () => {
    const engine = newEngine(engineOptions(pki, { methods: ['peap', 'tls'], registry: registryWithFakePeap() }));
    const seen: EapResult[] = [];
    const r = await runEapTlsClient(transportTo(engine, { seen }), device(pki, pki.clients.ec));
    expect(r.proposedTypes).toEqual([25, TLS]);
    expect(r.outcome).toBe('success');
    expect(seen.at(-1)).toMatchObject({ kind: 'success', method: 'tls' });
  });

  it('runs a registered method through the same interface', async () => {
    const engine = newEngine(engineOptions(pki, { methods: ['peap', 'tls'], registry: registryWithFakePeap() }));
    const start = await engine.process({ nas: 'ap-1', eapMessage: response(1, IDENTITY, Buffer.from('anonymous')) });
    const req = requestOf(start);
    expect(req.type).toBe(25);
    const done = await engine.process({ nas: 'ap-1', eapMessage: response(req.id, 25, [0]), state: start.kind === 'challenge' ? start.state : undefined });
    expect(done).toMatchObject({ kind: 'success', method: 'peap', innerIdentity: 'alice', outerIdentity: 'anonymous' });
    expect(engine.conversations).toBe(0);
  });

  it('uses the per-NAS list (order and subset) over the global one', async () => {
    const engine = newEngine(engineOptions(pki, { methods: ['peap', 'tls'], registry: registryWithFakePeap() }));
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(1, IDENTITY, Buffer.from('x')), allowedMethods: ['tls'] });
    expect(requestOf(r).type).toBe(TLS);
  });

  it('fails when the NAS allows no method this server offers', async () => {
    const engine = newEngine(engineOptions(pki));
    const r = await engine.process({ nas: 'ap-1', eapMessage: response(1, IDENTITY, Buffer.from('x')), allowedMethods: ['ttls'] });
    expect(r).toMatchObject({ kind: 'failure', reason: 'no EAP method is allowed for this NAS', outerIdentity: 'x' });
  });

  it('discards a NAK once the method is running (RFC 4137: NAK only answers the proposal)', async () => {
    const engine = newEngine(engineOptions(pki));
    const transport = transportTo(engine);
    let lastState: Buffer | undefined;
    let nakResult: EapResult | undefined;
    let tlsResponses = 0;
    const probing = async (m: Buffer, s: Buffer | undefined) => {
      if (m[4] === TLS && m.length > 6) tlsResponses++;
      if (s && tlsResponses === 2 && !nakResult) {
        // Second TLS response (the client's certificate flight): try a NAK with the same id first.
        nakResult = await engine.process({ nas: 'ap-1', eapMessage: response(m[1]!, NAK, [21]), state: s });
      }
      const r = await transport(m, s);
      if (r.kind === 'challenge') lastState = r.state;
      return r;
    };
    const r = await runEapTlsClient(probing, device(pki, pki.clients.ec));
    expect(lastState).toBeDefined();
    expect(nakResult).toEqual({ kind: 'discard', reason: expect.stringMatching(/expected EAP-TLS, got NAK/) });
    expect(r.outcome).toBe('success');
  });
});

describe('EAP engine: limits and lifecycle', () => {
  it('keeps a flood of 10,000 Identity-only conversations within the cap and frees them after the timeout', async () => {
    const hello = await captureClientHello(newEngine(engineOptions(pki)), pki);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const engine = newEngine(engineOptions(pki, { maxConversations: 1000, timeoutSeconds: 2 }));
    let challenges = 0;
    let refused = 0;
    let first: { state: Buffer; id: number } | undefined;
    for (let i = 0; i < 10_000; i++) {
      const r = await engine.process({ nas: 'ap-1', eapMessage: response(i & 0xff, IDENTITY, Buffer.from(`flood-${i}`)) });
      if (r.kind === 'challenge') {
        challenges++;
        first ??= { state: r.state, id: r.eapMessage[1]! };
      } else if (r.kind === 'failure' && /too many concurrent EAP conversations \(limit 1000\)/.test(r.reason)) {
        expect(r.eapMessage).toEqual(Buffer.from([4, i & 0xff, 0, 4]));
        refused++;
      }
    }
    expect([challenges, refused, engine.conversations]).toEqual([1000, 9000, 1000]);
    expect(engine.tlsConnections).toBe(0); // EAP-TLS Start costs no OpenSSL state

    // An existing conversation is unaffected by the flood: its ClientHello gets the server flight.
    vi.advanceTimersByTime(1500);
    const flight = await engine.process({ nas: 'ap-1', eapMessage: response(first!.id, TLS, Buffer.concat([Buffer.from([0]), hello])), state: first!.state });
    expect(requestOf(flight).data[0]).toBe(0xc0); // L+M: first fragment of the server's flight
    expect(engine.tlsConnections).toBe(1);

    vi.advanceTimersByTime(600); // everyone else has been idle for 2.1 s now
    expect(engine.conversations).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(engine.conversations).toBe(0);
    expect(engine.tlsConnections).toBe(0); // the TLS connection of the timed-out conversation is destroyed
    expect(vi.getTimerCount()).toBe(0);
    expect((await engine.process({ nas: 'ap-1', eapMessage: Buffer.alloc(0) })).kind).toBe('challenge');
  });

  it('fails a conversation that exceeds maxRoundTrips', async () => {
    const engine = newEngine(engineOptions(pki, { maxRoundTrips: 4 }));
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec, { fragmentSize: 100 }));
    expect(r.outcome).toBe('failure');
    expect(r.reason).toBe('more than 4 EAP round trips');
    expect(engine.conversations).toBe(0);
  });

  it('close() ends every conversation, destroys TLS connections and discards later requests', async () => {
    const hello = await captureClientHello(newEngine(engineOptions(pki)), pki);
    const engine = newEngine(engineOptions(pki));
    const start = await engine.process({ nas: 'ap-1', eapMessage: response(1, IDENTITY, Buffer.from('x')) });
    await engine.process({ nas: 'ap-1', eapMessage: response(requestOf(start).id, TLS, Buffer.concat([Buffer.from([0]), hello])), state: start.kind === 'challenge' ? start.state : undefined });
    await engine.process({ nas: 'ap-1', eapMessage: Buffer.alloc(0) });
    expect(engine.conversations).toBe(2);
    expect(engine.tlsConnections).toBe(1);
    engine.close();
    expect(engine.conversations).toBe(0);
    expect(engine.tlsConnections).toBe(0);
    expect(await engine.process({ nas: 'ap-1', eapMessage: Buffer.alloc(0) })).toEqual({ kind: 'discard', reason: 'EAP engine is closed' });
  });

  it('logs the outcome with NAS, identity and UDID but no key material', async () => {
    const log = recordingLogger();
    const engine = newEngine(engineOptions(pki), log);
    const r = await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec));
    expect(r.outcome).toBe('success');
    const success = log.lines.find((l) => l.msg === 'EAP success');
    expect(success?.obj).toMatchObject({ nas: 'ap-1', outerIdentity: `host/${pki.clients.ec.udid}`, udid: pki.clients.ec.udid, method: 'tls' });
    const msk = r.clientMsk!.toString('hex');
    const dump = JSON.stringify(log.lines, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
    expect(dump).not.toContain(msk.slice(0, 32));
    expect(dump).not.toMatch(/"msk"|"emsk"/);
  });
});

describe('EAP engine: options and reload', () => {
  it('lists every problem in bad options', () => {
    try {
      new EapEngine(
        engineOptions(pki, {
          methods: ['tls', 'ttls'],
          timeoutSeconds: 0,
          tls: { minVersion: 'TLSv1.1' as 'TLSv1.2', ca: { file: '/nonexistent/ca.pem' }, fragmentSize: 10 },
        }),
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EapConfigError);
      const problems = (err as EapConfigError).problems;
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^tls\.ca\[0\]: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/),
          expect.stringMatching(/^tls\.minVersion: must be TLSv1\.2 or TLSv1\.3/),
          expect.stringMatching(/^tls\.fragmentSize/),
          expect.stringMatching(/^timeoutSeconds/),
        ]),
      );
    }
  });

  it('refuses a method that is not available in this build', () => {
    const tlsOnly = new EapMethodRegistry().register(eapTlsMethod);
    expect(() => new EapEngine(engineOptions(pki, { methods: ['tls', 'ttls'], registry: tlsOnly }))).toThrowError(/"ttls" is not available/);
  });

  it.each([
    ['an RSA key of another certificate', 'rsa'],
    ['an EC key for the RSA certificate', 'ec'],
  ] as const)('refuses %s', (_n, which) => {
    const keyFile = which === 'rsa' ? pki.clients.rsa.keyFile : pki.serverEc.keyFile;
    expect(() => new EapEngine(engineOptions(pki, { tls: { privateKey: { file: keyFile } } }))).toThrowError(
      'invalid EAP options: tls.privateKey does not match tls.certificate',
    );
  });

  it('gives new conversations the new trust while running ones finish on the old', async () => {
    const engine = newEngine(engineOptions(pki));
    const transport = transportTo(engine);
    let reloaded = false;
    const reloadAfterStart = async (m: Buffer, s: Buffer | undefined) => {
      const r = await transport(m, s);
      if (!reloaded && r.kind === 'challenge' && r.eapMessage[4] === TLS) {
        reloaded = true; // trust only the RSA CA from now on
        engine.reload(engineOptions(pki, { tls: { ca: { file: pki.rsaCa.certFile }, crl: { file: pki.crl.rsaFile } } }));
      }
      return r;
    };
    const inFlight = await runEapTlsClient(reloadAfterStart, device(pki, pki.clients.ec));
    expect(reloaded).toBe(true);
    expect(inFlight.outcome).toBe('success');
    const after = await runEapTlsClient(transport, device(pki, pki.clients.ec));
    expect(after.outcome).toBe('failure');
    expect(after.reason).toMatch(/not issued by a trusted CA/);
    expect((await runEapTlsClient(transport, device(pki, pki.clients.rsa))).outcome).toBe('success');
  });

  it('keeps the old configuration when a reload fails', async () => {
    const engine = newEngine(engineOptions(pki));
    expect(() => engine.reload(engineOptions(pki, { tls: { ca: { file: '/nonexistent' } } }))).toThrowError(EapConfigError);
    expect((await runEapTlsClient(transportTo(engine), device(pki, pki.clients.ec))).outcome).toBe('success');
  });
});
