/**
 * An EAP-TLS peer for tests and benches: Node's tls.connect() over an in-memory Duplex, framed
 * into EAP-TLS fragments (L/M flags, ACKs) and driven through any transport that carries
 * EAP-Message + State (the EapEngine directly, or RADIUS). Written independently of src/eap
 * (its own EAP/EAP-TLS byte handling) so it can act as an oracle.
 *
 * It checks what a real supplicant would: the server certificate (ca + servername), the TLS 1.3
 * commitment message (0x00 after the tickets), and at Success derives its own MSK/EMSK with
 * exportKeyingMaterial to compare with the server's.
 */
import { constants } from 'node:crypto';
import { FLAG, OutgoingFlight, PeerDuplex, eapPacket, settle, tlsFrame } from './eap-peer-wire.js';
import tls from 'node:tls';

const CODE = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;
const TYPE = { Identity: 1, Nak: 3, Tls: 13 } as const;

/** What the transport reports back for one exchange (EapResult fits this shape). */
export type PeerReply =
  | { kind: 'challenge'; eapMessage: Buffer; state?: Buffer }
  | { kind: 'success'; eapMessage: Buffer; msk?: Buffer; emsk?: Buffer }
  | { kind: 'failure'; eapMessage: Buffer; reason?: string }
  | { kind: 'discard'; reason?: string };

export type EapTransport = (eapMessage: Buffer, state: Buffer | undefined) => Promise<PeerReply>;

export interface EapTlsClientOptions {
  /** Outer EAP identity (e.g. "host/<UDID>"). */
  identity: string;
  /** Trust anchor(s) for the server certificate. */
  ca: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Server name to verify (default "radius.test"). */
  servername?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** A session from an earlier result, to resume. */
  session?: Buffer;
  /** Refuse session tickets, like wpa_supplicant does for EAP-TLS 1.2: resumption by session ID only. */
  noTickets?: boolean;
  /** TLS data octets per fragment we send (default 1000). */
  fragmentSize?: number;
  /** Begin with an empty EAP-Message (EAP-Start) instead of an unsolicited Identity. */
  sendEapStart?: boolean;
  /** Types to put in a NAK when the server proposes a method other than EAP-TLS (default [13]). */
  nakTypes?: number[];
  /** NAK even an EAP-TLS proposal with these types (to test method switching). */
  nakTlsWith?: number[];
  /** Upper bound on exchanges (default 64). */
  maxRounds?: number;
}

export interface EapTlsClientResult {
  outcome: 'success' | 'failure' | 'discard' | 'error';
  /** Server-side reason (if the transport reports one) or the client's own error. */
  reason?: string;
  last?: PeerReply;
  /** Transport exchanges (RADIUS round trips). */
  rounds: number;
  tlsVersion?: string;
  /** Client's view (set once its handshake completes): did TLS resume? */
  resumed?: boolean;
  clientMsk?: Buffer;
  clientEmsk?: Buffer;
  /** Latest session/ticket for resumption. */
  session?: Buffer;
  /** TLS 1.3: 0x00 application data seen; tickets (if any) arrived before it. */
  commitmentReceived: boolean;
  ticketsBeforeCommitment: number;
  /** Largest EAP-TLS TLS-data fragment received from the server. */
  largestServerFragment: number;
  serverFragments: number;
  acksSent: number;
  /** Client TLS error, if any (e.g. the server sent an alert). */
  tlsError?: string;
  /** Types the server proposed, in order. */
  proposedTypes: number[];
  /**
   * EAP-TLS Session-Id computed on the client side: 0x0D‖client.random‖server.random (TLS 1.2,
   * randoms read from the hellos on the wire) or 0x0D‖Method-Id (TLS 1.3).
   */
  clientSessionId?: Buffer;
}

/** Random of the first hello of `type` (1 ClientHello, 2 ServerHello) in plaintext records. */
function helloRandomOf(records: Buffer, type: number): Buffer | undefined {
  // record header (5) + handshake header (4) + legacy_version (2), then 32 octets of random
  if (records.length >= 43 && records[0] === 22 && records[5] === type) return Buffer.from(records.subarray(11, 43));
  return undefined;
}


const eapResponse = (id: number, type: number, data: Buffer): Buffer => eapPacket(CODE.Response, id, type, data);

export async function runEapTlsClient(transport: EapTransport, options: EapTlsClientOptions): Promise<EapTlsClientResult> {
  const result: EapTlsClientResult = {
    outcome: 'error',
    rounds: 0,
    commitmentReceived: false,
    ticketsBeforeCommitment: 0,
    largestServerFragment: 0,
    serverFragments: 0,
    acksSent: 0,
    proposedTypes: [],
  };
  const maxRounds = options.maxRounds ?? 64;
  const fragmentSize = options.fragmentSize ?? 1000;
  let state: Buffer | undefined;
  let socket: tls.TLSSocket | undefined;
  let duplex: PeerDuplex | undefined;
  let tickets = 0;
  const sending = new OutgoingFlight(fragmentSize);
  let incoming: Buffer[] = [];
  let clientRandom: Buffer | undefined;
  let serverRandom: Buffer | undefined;

  const exchange = async (message: Buffer): Promise<PeerReply> => {
    result.rounds++;
    const reply = await transport(message, state);
    result.last = reply;
    if (reply.kind === 'challenge') state = reply.state;
    return reply;
  };
  const startTls = async (): Promise<Buffer> => {
    duplex = new PeerDuplex();
    socket = tls.connect({
      socket: duplex,
      ca: options.ca,
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      servername: options.servername ?? 'radius.test',
      ...(options.minVersion ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.session ? { session: options.session } : {}),
      ...(options.noTickets ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
    });
    socket.on('session', (s: Buffer) => {
      result.session = s;
      tickets++;
    });
    socket.on('data', (d: Buffer) => {
      if (d.length === 1 && d[0] === 0 && !result.commitmentReceived) {
        result.commitmentReceived = true;
        result.ticketsBeforeCommitment = tickets;
      }
    });
    socket.on('secureConnect', () => {
      const version = socket?.getProtocol();
      if (version) result.tlsVersion = version;
      result.resumed = socket?.isSessionReused() ?? false;
    });
    socket.on('error', (e: Error & { code?: string }) => {
      result.tlsError = e.code ?? e.message;
    });
    await settle();
    return duplex.drain();
  };

  try {
    let reply = await exchange(options.sendEapStart ? Buffer.alloc(0) : eapResponse(0, TYPE.Identity, Buffer.from(options.identity)));
    while (result.rounds < maxRounds) {
      if (reply.kind !== 'challenge') break;
      const eap = reply.eapMessage;
      if (eap[0] !== CODE.Request || eap.length < 5) throw new Error(`unexpected EAP packet code ${eap[0]}`);
      const id = eap[1]!;
      const type = eap[4]!;
      const data = eap.subarray(5, eap.readUInt16BE(2));
      if (type === TYPE.Identity) {
        reply = await exchange(eapResponse(id, TYPE.Identity, Buffer.from(options.identity)));
        continue;
      }
      if (type !== TYPE.Tls || (options.nakTlsWith && !socket && (data[0]! & FLAG.S) !== 0)) {
        result.proposedTypes.push(type);
        const nak = type === TYPE.Tls ? options.nakTlsWith! : (options.nakTypes ?? [TYPE.Tls]);
        reply = await exchange(eapResponse(id, TYPE.Nak, Buffer.from(nak)));
        continue;
      }
      const flags = data[0]!;
      if (flags & FLAG.S) {
        result.proposedTypes.push(type);
        const hello = await startTls();
        clientRandom = helloRandomOf(hello, 1);
        sending.start(hello);
        reply = await exchange(eapResponse(id, TYPE.Tls, sending.next()));
        continue;
      }
      const body = data.subarray(flags & FLAG.L ? 5 : 1);
      if (body.length === 0 && !(flags & FLAG.M)) {
        // The server ACKed our fragment.
        if (!sending.pending) throw new Error('server sent an ACK but we have nothing more to send');
        reply = await exchange(eapResponse(id, TYPE.Tls, sending.next()));
        continue;
      }
      result.serverFragments++;
      result.largestServerFragment = Math.max(result.largestServerFragment, body.length);
      incoming.push(Buffer.from(body));
      if (flags & FLAG.M) {
        result.acksSent++;
        reply = await exchange(eapResponse(id, TYPE.Tls, tlsFrame(0, Buffer.alloc(0))));
        continue;
      }
      const flight = Buffer.concat(incoming);
      serverRandom ??= helloRandomOf(flight, 2);
      duplex!.push(flight);
      incoming = [];
      await settle();
      const out = duplex!.drain();
      if (out.length === 0) {
        result.acksSent++;
        reply = await exchange(eapResponse(id, TYPE.Tls, tlsFrame(0, Buffer.alloc(0))));
      } else {
        sending.start(out);
        reply = await exchange(eapResponse(id, TYPE.Tls, sending.next()));
      }
    }

    const last = result.last;
    if (!last || last.kind === 'challenge') {
      result.outcome = 'error';
      result.reason = `no result after ${result.rounds} round trips`;
    } else if (last.kind === 'success' && result.tlsError) {
      // Node verifies the server certificate only after its handshake, so it cannot refuse
      // mid-handshake like a supplicant would; report the contradiction instead of hiding it.
      result.outcome = 'error';
      result.reason = `server sent Success but the client's TLS failed: ${result.tlsError}`;
    } else if (last.kind === 'success') {
      result.outcome = 'success';
      if (socket) {
        const version = socket.getProtocol() ?? undefined;
        if (version) result.tlsVersion = version;
        result.resumed = socket.isSessionReused();
        const material =
          version === 'TLSv1.3'
            ? socket.exportKeyingMaterial(128, 'EXPORTER_EAP_TLS_Key_Material', Buffer.from([0x0d]))
            : (socket.exportKeyingMaterial as (n: number, l: string) => Buffer)(128, 'client EAP encryption');
        result.clientMsk = material.subarray(0, 64);
        result.clientEmsk = material.subarray(64, 128);
        const type = Buffer.from([0x0d]);
        if (version === 'TLSv1.3') {
          result.clientSessionId = Buffer.concat([type, socket.exportKeyingMaterial(64, 'EXPORTER_EAP_TLS_Method-Id', type)]);
        } else if (clientRandom && serverRandom) {
          result.clientSessionId = Buffer.concat([type, clientRandom, serverRandom]);
        }
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
