/** Shared setup for the EAP engine tests: options from the test PKI, a recording logger, transports. */
import { EapEngine } from '../../src/eap/engine.js';
import type { EapEngineOptions, EapTlsOptions } from '../../src/eap/options.js';
import type { EapLogger, EapMethodName, EapResult } from '../../src/eap/types.js';
import { runEapTlsClient, type EapTlsClientOptions, type EapTransport } from '../support/eap-tls-client.js';
import type { TestCredential, TestPki } from '../support/pki.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn';
  msg: string | undefined;
  obj: Record<string, unknown>;
}

export function recordingLogger(): EapLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const rec = (level: LogLine['level']) => (obj: object, msg?: string) => lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn') };
}

export function engineOptions(
  pki: TestPki,
  overrides: Omit<Partial<EapEngineOptions>, 'tls'> & { tls?: Partial<EapTlsOptions> } = {},
): EapEngineOptions {
  const { tls, ...rest } = overrides;
  return {
    tls: {
      certificate: { file: pki.serverRsa.certFile },
      privateKey: { file: pki.serverRsa.keyFile },
      ca: { file: pki.trustedCasFile },
      crl: [{ file: pki.crl.ecFile }, { file: pki.crl.rsaFile }],
      ...tls,
    },
    ...rest,
  };
}

export interface TransportOptions {
  nas?: string;
  framedMtu?: number;
  allowedMethods?: readonly EapMethodName[];
  /** Every engine result, in order. */
  seen?: EapResult[];
}

export function transportTo(engine: EapEngine, opts: TransportOptions = {}): EapTransport {
  return async (eapMessage, state) => {
    const result = await engine.process({
      nas: opts.nas ?? 'ap-1',
      eapMessage,
      state,
      framedMtu: opts.framedMtu,
      allowedMethods: opts.allowedMethods,
    });
    opts.seen?.push(result);
    return result;
  };
}

/** Client options for a device credential, trusting the RSA server certificate. */
export function device(pki: TestPki, cred: TestCredential, extra: Partial<EapTlsClientOptions> = {}): EapTlsClientOptions {
  return { identity: `host/${cred.udid}`, ca: pki.rsaCa.cert, cert: cred.cert, key: cred.key, ...extra };
}

/** Decoded view of an EAP-Request in a challenge. */
export function requestOf(result: EapResult): { id: number; type: number; data: Buffer } {
  if (result.kind !== 'challenge') throw new Error(`expected a challenge, got ${result.kind}: ${'reason' in result ? result.reason : ''}`);
  const m = result.eapMessage;
  return { id: m[1]!, type: m[4]!, data: m.subarray(5) };
}

export function response(id: number, type: number, data: Buffer | number[] = []): Buffer {
  const d = Buffer.from(data);
  const b = Buffer.alloc(5 + d.length);
  b[0] = 2;
  b[1] = id;
  b.writeUInt16BE(b.length, 2);
  b[4] = type;
  d.copy(b, 5);
  return b;
}

/** The first flight (ClientHello) of a real Node TLS client, captured on a throw-away conversation. */
export async function captureClientHello(engine: EapEngine, pki: TestPki): Promise<Buffer> {
  let captured: Buffer | undefined;
  await runEapTlsClient(async (m, state) => {
    if (m[4] === 13 && m.length > 6 && !captured) {
      captured = Buffer.from(m.subarray(6)); // flags 0x00: unfragmented, no L
      return { kind: 'discard' };
    }
    return engine.process({ nas: 'capture', eapMessage: m, state });
  }, device(pki, pki.clients.ec));
  if (!captured) throw new Error('no ClientHello');
  return captured;
}
