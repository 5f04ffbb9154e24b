import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { RadiusCode, decryptMppeKey, eapAccessRequest, type NasContext } from './eap-radius.js';
import { RoundTripError, type EapRadiusTransport } from './eap-transport.js';

// One EAP-TLS authentication as a supplicant behind a NAS does it: Identity, EAP-TLS Start, the TLS handshake
// framed into EAP-TLS fragments (L/M flags, ACKs both ways), then the Access-Accept is checked like an AP checks
// it: EAP-Success inside, and MS-MPPE-Recv/Send-Key decrypted and compared with the MSK this side exports from its
// own TLS session (RFC 5216 / RFC 9190 labels). Node's TLS client runs over an in-memory Duplex; the
// SecureContext is built once per device certificate (building one costs more than a resumed handshake).
// Written for load (no per-step logging, few allocations); test/support/eap-tls-client.ts is the test oracle.

const EAP = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;
const TYPE = { Identity: 1, Nak: 3, Tls: 13 } as const;
const FLAG = { L: 0x80, M: 0x40, S: 0x20 } as const;
const ACK = Buffer.from([0]);
const CTX_EAP_TLS = Buffer.from([0x0d]);
/** Ticks to wait for OpenSSL output to stop changing after feeding it (1–2 are normally used). */
const MAX_SETTLE_TICKS = 8;

export interface Device {
  index: number;
  nas: NasContext;
  /** EAP-Response/Identity payload ("host/<UDID>"). */
  identity: Buffer;
  context: tls.SecureContext;
  /** Latest session / ticket the server gave this device (resumption). */
  session: Buffer | undefined;
}

export interface PeerOptions {
  servername: string;
  /** TLS data octets per EAP-TLS fragment we send (wpa_supplicant: 1398). */
  fragmentSize: number;
  /** Offer the device's stored session. */
  resume: boolean;
  /** 'TLSv1.2' | 'TLSv1.3': the version every auth must end up with. */
  expectVersion: string;
  maxRounds: number;
}

export interface AuthOutcome {
  ok: boolean;
  /** Failure class (counted per reason in the report). */
  reason?: string;
  detail?: string;
  rounds: number;
  resumed: boolean;
  ms: number;
}

class PeerDuplex extends Duplex {
  out: Buffer[] = [];
  progress = 0;
  override _read(): void {}
  override _write(chunk: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.out.push(chunk);
    this.progress++;
    cb();
  }
  drain(): Buffer {
    const b = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    return b;
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function settle(d: PeerDuplex): Promise<void> {
  for (let i = 0; i < MAX_SETTLE_TICKS; i++) {
    const before = d.progress;
    await tick();
    if (d.progress === before && i > 0) return;
  }
}

function eapResponse(id: number, type: number, data: Buffer, extra?: Buffer): Buffer {
  const length = 5 + data.length + (extra ? extra.length : 0);
  const b = Buffer.allocUnsafe(length);
  b[0] = EAP.Response;
  b[1] = id;
  b.writeUInt16BE(length, 2);
  b[4] = type;
  data.copy(b, 5);
  if (extra) extra.copy(b, 5 + data.length);
  return b;
}

class Failed extends Error {
  constructor(readonly reason: string, readonly detail?: string) {
    super(reason);
  }
}

export async function authenticate(dev: Device, transport: EapRadiusTransport, o: PeerOptions): Promise<AuthOutcome> {
  const t0 = performance.now();
  let rounds = 0;
  let state: Buffer | undefined;
  let duplex: PeerDuplex | undefined;
  let socket: tls.TLSSocket | undefined;
  let tlsError: string | undefined;
  let newSession: Buffer | undefined;
  let outgoing: Buffer | undefined;
  let outgoingOffset = 0;
  let incoming: Buffer[] = [];

  const exchange = async (eap: Buffer) => {
    if (++rounds > o.maxRounds) throw new Failed('too_many_rounds');
    try {
      return await transport.roundTrip(eapAccessRequest(dev.nas, eap, state));
    } catch (err) {
      if (err instanceof RoundTripError) throw new Failed(err.reason);
      throw err;
    }
  };
  const nextFragment = (id: number): Buffer => {
    const data = outgoing!;
    const first = outgoingOffset === 0;
    const end = Math.min(outgoingOffset + o.fragmentSize, data.length);
    const more = end < data.length;
    const chunk = data.subarray(outgoingOffset, end);
    outgoingOffset = end;
    if (!more) outgoing = undefined;
    if (first && more) {
      const head = Buffer.allocUnsafe(5);
      head[0] = FLAG.L | FLAG.M;
      head.writeUInt32BE(data.length, 1);
      return eapResponse(id, TYPE.Tls, head, chunk);
    }
    return eapResponse(id, TYPE.Tls, Buffer.from([more ? FLAG.M : 0]), chunk);
  };
  const startTls = async (): Promise<Buffer> => {
    duplex = new PeerDuplex();
    socket = tls.connect({
      socket: duplex,
      secureContext: dev.context,
      servername: o.servername,
      ...(o.resume && dev.session ? { session: dev.session } : {}),
    });
    socket.on('session', (s: Buffer) => (newSession = s));
    socket.on('error', (e: Error & { code?: string }) => (tlsError ??= e.code ?? e.message));
    await settle(duplex);
    return duplex.drain();
  };

  try {
    let reply = await exchange(eapResponse(0, TYPE.Identity, dev.identity));
    for (;;) {
      if (reply.code === RadiusCode.AccessAccept) return finish(reply);
      if (reply.code === RadiusCode.AccessReject) throw new Failed(tlsError ? 'reject_after_client_tls_error' : 'reject', tlsError);
      if (reply.code !== RadiusCode.AccessChallenge) throw new Failed('unexpected_radius_code', String(reply.code));
      if (!reply.state) throw new Failed('challenge_without_state');
      state = reply.state;
      const eap = reply.eap;
      if (!eap || eap.length < 5 || eap[0] !== EAP.Request || eap.readUInt16BE(2) > eap.length) throw new Failed('bad_eap_request');
      const id = eap[1];
      const type = eap[4];
      if (type === TYPE.Identity) {
        reply = await exchange(eapResponse(id, TYPE.Identity, dev.identity));
        continue;
      }
      if (type !== TYPE.Tls) {
        reply = await exchange(eapResponse(id, TYPE.Nak, Buffer.from([TYPE.Tls])));
        continue;
      }
      const data = eap.subarray(5, eap.readUInt16BE(2));
      if (data.length < 1) throw new Failed('bad_eap_tls_frame');
      const flags = data[0];
      if (flags & FLAG.S) {
        if (socket) throw new Failed('second_eap_tls_start');
        outgoing = await startTls();
        outgoingOffset = 0;
        if (outgoing.length === 0) throw new Failed('client_tls_no_clienthello', tlsError);
        reply = await exchange(nextFragment(id));
        continue;
      }
      const body = data.subarray(flags & FLAG.L ? 5 : 1);
      if (body.length === 0 && !(flags & FLAG.M)) {
        // The server ACKed our fragment.
        if (!outgoing) throw new Failed('unexpected_ack_from_server');
        reply = await exchange(nextFragment(id));
        continue;
      }
      incoming.push(Buffer.from(body));
      if (flags & FLAG.M) {
        reply = await exchange(eapResponse(id, TYPE.Tls, ACK));
        continue;
      }
      if (!duplex) throw new Failed('tls_data_before_start');
      duplex.push(incoming.length === 1 ? incoming[0] : Buffer.concat(incoming));
      incoming = [];
      await settle(duplex);
      const out = duplex.drain();
      if (out.length === 0) {
        reply = await exchange(eapResponse(id, TYPE.Tls, ACK));
      } else {
        outgoing = out;
        outgoingOffset = 0;
        reply = await exchange(nextFragment(id));
      }
    }
  } catch (err) {
    const f = err instanceof Failed ? err : new Failed('client_exception', (err as Error).message);
    return { ok: false, reason: f.reason, detail: f.detail, rounds, resumed: false, ms: performance.now() - t0 };
  } finally {
    socket?.destroy();
    duplex?.destroy();
  }

  function finish(reply: Awaited<ReturnType<EapRadiusTransport['roundTrip']>>): AuthOutcome {
    const fail = (reason: string, detail?: string): AuthOutcome => ({ ok: false, reason, detail, rounds, resumed: false, ms: performance.now() - t0 });
    if (!reply.eap || reply.eap[0] !== EAP.Success) return fail('accept_without_eap_success');
    if (!socket) return fail('accept_before_tls');
    if (tlsError) return fail('accept_despite_client_tls_error', tlsError);
    const version = socket.getProtocol();
    if (!version) return fail('accept_before_client_handshake_done');
    if (version !== o.expectVersion) return fail('wrong_tls_version', version);
    const material = version === 'TLSv1.3'
      ? socket.exportKeyingMaterial(128, 'EXPORTER_EAP_TLS_Key_Material', CTX_EAP_TLS)
      // RFC 5216: TLS 1.2 PRF with no context at all (an empty context gives other keys).
      : (socket.exportKeyingMaterial as (n: number, label: string) => Buffer)(128, 'client EAP encryption');
    if (!reply.mppeRecv || !reply.mppeSend) return fail('accept_without_mppe_keys');
    const recv = decryptMppeKey(reply.mppeRecv, transport.secret, reply.requestAuthenticator);
    const send = decryptMppeKey(reply.mppeSend, transport.secret, reply.requestAuthenticator);
    if (!recv || !send) return fail('mppe_key_malformed');
    // RFC 2548 / RFC 5216: MS-MPPE-Recv-Key = MSK[0..31], MS-MPPE-Send-Key = MSK[32..63].
    if (!recv.equals(material.subarray(0, 32)) || !send.equals(material.subarray(32, 64))) return fail('msk_mismatch');
    const resumed = socket.isSessionReused();
    if (newSession) dev.session = newSession;
    return { ok: true, rounds, resumed, ms: performance.now() - t0 };
  }
}
