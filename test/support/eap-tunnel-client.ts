/**
 * An EAP-TTLSv0 / PEAPv0 peer for tests: Node's tls.connect() over an in-memory Duplex, framed
 * into EAP fragments (L/M flags, ACKs), with the inner methods a supplicant would run:
 * TTLS/PAP, TTLS/EAP-MSCHAPv2 and PEAP/EAP-MSCHAPv2 (Result TLV included). Its EAP and TLS
 * framing is its own; the MSCHAPv2 maths and the AVP/TLV codecs come from src (they have their
 * own RFC-vector tests), and eapol_test is the independent check (test/interop).
 *
 * At Success it derives its own MSK/EMSK with exportKeyingMaterial to compare with the server's.
 */
import { FLAG, OutgoingFlight, PeerDuplex, eapPacket, settle, tlsFrame } from './eap-peer-wire.js';
import tls from 'node:tls';
import { checkAuthenticatorResponse, generateNtResponse, ntPasswordHash } from '../../src/crypto/mschapv2.js';
import { decodeMschapV2Request, encodeFailureResponse, encodeResponse, encodeSuccessResponse, parseSuccessMessage } from '../../src/eap/methods/mschapv2-packet.js';
import { decodePeapTlvs, encodePeapTlvs, findResult, resultTlv } from '../../src/eap/methods/peap-tlv.js';
import { AvpCode, decodeAvps, encodeAvps, findEapMessage, radiusAvp, type DiameterAvp } from '../../src/eap/methods/ttls-avp.js';
import type { EapTransport, PeerReply } from './eap-tls-client.js';

const CODE = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;
const TYPE = { Identity: 1, Nak: 3, Ttls: 21, Peap: 25, MsChapV2: 26, Tlv: 33 } as const;

export type InnerAuth =
  /** TTLS only. `extraAvps` are appended (e.g. an unknown mandatory AVP). */
  | { kind: 'pap'; user: string; password: string; extraAvps?: DiameterAvp[]; omitPassword?: boolean }
  /** TTLS (EAP-Message AVPs) or PEAP (header-stripped inner EAP). */
  | { kind: 'mschapv2'; user: string; password: string; mschapName?: string };

export interface TunnelClientOptions {
  method: 'ttls' | 'peap';
  outerIdentity: string;
  inner: InnerAuth;
  /** Trust anchor(s) for the server certificate. */
  ca: string | Buffer | Array<string | Buffer>;
  servername?: string;
  maxVersion?: tls.SecureVersion;
  /** TLS data octets per fragment we send (default 1000). */
  fragmentSize?: number;
  maxRounds?: number;
}

export interface TunnelClientResult {
  outcome: 'success' | 'failure' | 'discard' | 'error';
  reason?: string;
  last?: PeerReply;
  rounds: number;
  tlsVersion?: string;
  clientMsk?: Buffer;
  clientEmsk?: Buffer;
  proposedTypes: number[];
  /** Version bits of the server's Start. */
  startVersion?: number;
  /** MSCHAPv2: the server's S= proved it knows the password. */
  serverAuthenticated: boolean;
  /** MSCHAPv2 Failure request text, if one came. */
  mschapFailure?: string;
  /** PEAP: the Result TLV status the server sent. */
  resultTlv?: 'success' | 'failure';
  /** Inner EAP types the server requested, in order (PEAP/TTLS-EAP). */
  innerRequests: number[];
  tlsError?: string;
}


/** The peer half of EAP-MSCHAPv2 on Type-Data. */
function mschapPeer(user: string, password: string, result: TunnelClientResult, name = user) {
  const ntHash = ntPasswordHash(password);
  let sent: { peerChallenge: Buffer; ntResponse: Buffer; challenge: Buffer } | undefined;
  return (typeData: Buffer): Buffer => {
    const req = decodeMschapV2Request(typeData);
    if (req.kind === 'challenge') {
      const peerChallenge = Buffer.alloc(16, 0x5a);
      const ntResponse = generateNtResponse(req.challenge, peerChallenge, name, ntHash);
      sent = { peerChallenge, ntResponse, challenge: req.challenge };
      return encodeResponse({ mschapId: req.mschapId, peerChallenge, ntResponse, name });
    }
    if (req.kind === 'success') {
      const { authenticatorResponse } = parseSuccessMessage(req.message);
      result.serverAuthenticated =
        sent !== undefined && checkAuthenticatorResponse(ntHash, sent.ntResponse, sent.peerChallenge, sent.challenge, name, authenticatorResponse);
      return result.serverAuthenticated ? encodeSuccessResponse() : encodeFailureResponse();
    }
    result.mschapFailure = req.message;
    return encodeFailureResponse();
  };
}

/** Inner method driver: what to write into the tunnel once it is up, and in answer to tunnel data. */
interface InnerDriver {
  onSecure(): Buffer | undefined;
  onData(data: Buffer): Buffer | undefined;
}

function ttlsDriver(inner: InnerAuth, result: TunnelClientResult): InnerDriver {
  if (inner.kind === 'pap') {
    return {
      onSecure() {
        // RFC 5281 §11.2.5: the password may be NUL-padded to a multiple of 16 octets (wpa_supplicant does).
        const pw = Buffer.from(inner.password, 'utf8');
        const padded = Buffer.alloc(Math.max(16, Math.ceil(pw.length / 16) * 16));
        pw.copy(padded);
        const avps = [radiusAvp(AvpCode.UserName, inner.user)];
        if (!inner.omitPassword) avps.push(radiusAvp(AvpCode.UserPassword, padded));
        return encodeAvps([...avps, ...(inner.extraAvps ?? [])]);
      },
      onData() {
        throw new Error('TTLS/PAP server sent tunnel data');
      },
    };
  }
  const mschap = mschapPeer(inner.user, inner.password, result, inner.mschapName);
  const wrap = (packet: Buffer) => encodeAvps([radiusAvp(AvpCode.EapMessage, packet)]);
  return {
    onSecure: () => wrap(eapPacket(CODE.Response, 0, TYPE.Identity, Buffer.from(inner.user))),
    onData(data) {
      const eap = findEapMessage(decodeAvps(data));
      if (!eap || eap[0] !== CODE.Request) throw new Error('TTLS server sent no inner EAP-Request');
      result.innerRequests.push(eap[4]!);
      if (eap[4] !== TYPE.MsChapV2) throw new Error(`unexpected inner EAP type ${eap[4]}`);
      return wrap(eapPacket(CODE.Response, eap[1]!, TYPE.MsChapV2, mschap(eap.subarray(5))));
    },
  };
}

function peapDriver(inner: InnerAuth, result: TunnelClientResult): InnerDriver {
  if (inner.kind !== 'mschapv2') throw new Error('PEAP carries EAP-MSCHAPv2 only');
  const mschap = mschapPeer(inner.user, inner.password, result, inner.mschapName);
  return {
    onSecure: () => undefined,
    onData(data) {
      // PEAPv0: a full EAP header only on type 33 (EAP-TLV); everything else starts at the Type.
      if (data.length > 5 && data[0] === CODE.Request && data.readUInt16BE(2) === data.length && data[4] === TYPE.Tlv) {
        result.innerRequests.push(TYPE.Tlv);
        const status = findResult(decodePeapTlvs(data.subarray(5)));
        if (status) result.resultTlv = status;
        return eapPacket(CODE.Response, data[1]!, TYPE.Tlv, encodePeapTlvs([resultTlv(status ?? 'failure')]));
      }
      const type = data[0]!;
      result.innerRequests.push(type);
      if (type === TYPE.Identity) return Buffer.concat([Buffer.from([TYPE.Identity]), Buffer.from(inner.user)]);
      if (type === TYPE.MsChapV2) return Buffer.concat([Buffer.from([TYPE.MsChapV2]), mschap(data.subarray(1))]);
      throw new Error(`unexpected inner EAP type ${type}`);
    },
  };
}

export async function runTunnelClient(transport: EapTransport, options: TunnelClientOptions): Promise<TunnelClientResult> {
  const result: TunnelClientResult = { outcome: 'error', rounds: 0, proposedTypes: [], serverAuthenticated: false, innerRequests: [] };
  const wanted = options.method === 'ttls' ? TYPE.Ttls : TYPE.Peap;
  const driver = options.method === 'ttls' ? ttlsDriver(options.inner, result) : peapDriver(options.inner, result);
  const maxRounds = options.maxRounds ?? 64;
  const fragmentSize = options.fragmentSize ?? 1000;
  let state: Buffer | undefined;
  let socket: tls.TLSSocket | undefined;
  let duplex: PeerDuplex | undefined;
  let secure = false;
  let secureHandled = false;
  let appData: Buffer[] = [];
  const sending = new OutgoingFlight(fragmentSize);
  let incoming: Buffer[] = [];

  const exchange = async (message: Buffer): Promise<PeerReply> => {
    result.rounds++;
    const reply = await transport(message, state);
    result.last = reply;
    if (reply.kind === 'challenge') state = reply.state;
    return reply;
  };
  const send = (id: number, data: Buffer): Promise<PeerReply> => {
    sending.start(data);
    return exchange(eapPacket(CODE.Response, id, wanted, sending.next()));
  };
  const ack = (id: number) => exchange(eapPacket(CODE.Response, id, wanted, tlsFrame(0, Buffer.alloc(0))));

  try {
    let reply = await exchange(eapPacket(CODE.Response, 0, TYPE.Identity, Buffer.from(options.outerIdentity)));
    while (result.rounds < maxRounds && reply.kind === 'challenge') {
      const eap = reply.eapMessage;
      if (eap[0] !== CODE.Request || eap.length < 5) throw new Error(`unexpected EAP packet code ${eap[0]}`);
      const id = eap[1]!;
      const type = eap[4]!;
      const data = eap.subarray(5, eap.readUInt16BE(2));
      if (type === TYPE.Identity) {
        reply = await exchange(eapPacket(CODE.Response, id, TYPE.Identity, Buffer.from(options.outerIdentity)));
        continue;
      }
      if (type !== wanted) {
        result.proposedTypes.push(type);
        reply = await exchange(eapPacket(CODE.Response, id, TYPE.Nak, Buffer.from([wanted])));
        continue;
      }
      const flags = data[0]!;
      if (flags & FLAG.S) {
        result.proposedTypes.push(type);
        result.startVersion = flags & 0x07;
        duplex = new PeerDuplex();
        socket = tls.connect({
          socket: duplex,
          ca: options.ca,
          servername: options.servername ?? 'radius.test',
          ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
        });
        socket.on('secureConnect', () => {
          secure = true;
          result.tlsVersion = socket?.getProtocol() ?? undefined;
        });
        socket.on('data', (d: Buffer) => appData.push(Buffer.from(d)));
        socket.on('error', (e: Error & { code?: string }) => {
          result.tlsError = e.code ?? e.message;
        });
        await settle();
        reply = await send(id, duplex.drain());
        continue;
      }
      const body = data.subarray(flags & FLAG.L ? 5 : 1);
      if (body.length === 0 && !(flags & FLAG.M)) {
        if (!sending.pending) throw new Error('server sent an ACK but we have nothing more to send');
        reply = await exchange(eapPacket(CODE.Response, id, wanted, sending.next()));
        continue;
      }
      incoming.push(Buffer.from(body));
      if (flags & FLAG.M) {
        reply = await ack(id);
        continue;
      }
      duplex!.push(Buffer.concat(incoming));
      incoming = [];
      await settle();
      const flight = duplex!.drain();
      if (flight.length > 0) {
        reply = await send(id, flight);
        continue;
      }
      let plaintext: Buffer | undefined;
      if (secure && !secureHandled) {
        secureHandled = true;
        plaintext = driver.onSecure();
      }
      const received = Buffer.concat(appData);
      appData = [];
      if (received.length > 0) plaintext = driver.onData(received);
      if (!plaintext) {
        reply = await ack(id);
        continue;
      }
      socket!.write(plaintext);
      await settle();
      reply = await send(id, duplex!.drain());
    }

    const last = result.last;
    if (!last || last.kind === 'challenge') {
      result.reason = `no result after ${result.rounds} round trips`;
    } else if (last.kind === 'success') {
      result.outcome = 'success';
      if (socket && secure) {
        const label = options.method === 'ttls' ? 'ttls keying material' : 'client EAP encryption';
        const material = (socket.exportKeyingMaterial as (n: number, l: string) => Buffer)(128, label);
        result.clientMsk = material.subarray(0, 64);
        result.clientEmsk = material.subarray(64, 128);
      }
    } else {
      result.outcome = last.kind;
      if (last.reason !== undefined) result.reason = last.reason;
    }
  } catch (err) {
    result.outcome = 'error';
    result.reason = (err as Error).message;
  } finally {
    socket?.destroy();
    duplex?.destroy();
  }
  return result;
}
