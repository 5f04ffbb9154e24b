/**
 * The EAP-TLS family conversation, written once for EAP-TLS, TTLS and PEAP (after hostapd's
 * eap_server_tls_common.c): Start, fragment reassembly with ACKs, fragmentation of our flights,
 * feeding the TLS channel, and the final ACK before Success. What happens once the handshake is
 * complete is the method's business (TlsMethodHooks): EAP-TLS checks the certificate and
 * finishes; a tunnelled method reads and writes application data.
 */
import type { EapMethodSession, EapResponseInfo, EapSessionContext, MethodStep, MethodSuccess } from '../method.js';
import type { ClientCertificateInfo } from '../identity/certificate-info.js';
import { EapDecodeError } from '../errors.js';
import { OutgoingTlsMessage, fragmentPayloadSize } from './fragmentation.js';
import { decodeEapTlsFrame, encodeEapTlsFrame, isEapTlsAck, type EapTlsFrame } from './framing.js';
import { TlsMessageReassembler } from './reassembly.js';
import type { ServerTlsConnection, TlsTunnel } from './tls-channel.js';
import type { TlsEndpoint } from './tls-endpoint.js';

export type TunnelAction =
  /** Send the pending TLS output (if any) and wait for the peer. */
  | { kind: 'continue' }
  /** Send the pending TLS output; succeed once the peer ACKs it (at once if there is none). */
  | { kind: 'succeed'; success: MethodSuccess }
  /** Fail now; pending TLS output is dropped (it may hold tickets or a Finished). */
  | { kind: 'fail'; reason: string; certificate?: ClientCertificateInfo };

export interface TlsMethodHooks {
  /** Server-side handshake complete and, if the endpoint requests one, the client cert verified. */
  onHandshakeComplete(tunnel: TlsTunnel): Promise<TunnelAction>;
  /** Application data from the peer after the handshake (tunnelled methods). */
  onApplicationData(data: Buffer, tunnel: TlsTunnel): Promise<TunnelAction>;
  /** An empty response after the handshake (PEAP: the peer's turn to wait for phase 2). Without
   *  this hook such an ACK fails the method. */
  onPeerAck?(tunnel: TlsTunnel): Promise<TunnelAction>;
  /** Version bits the peer used (TTLS/PEAP negotiation); return false to fail. Optional. */
  acceptPeerVersion?(version: number): boolean;
}

export interface TlsMethodSessionConfig {
  /** "EAP-TLS" (logs). */
  name: string;
  endpoint: TlsEndpoint;
  hooks: TlsMethodHooks;
  /** Version bits we send (TTLS/PEAP); 0 for EAP-TLS. */
  version: number;
  fragmentSize: number;
  maxMessageLength: number;
  /** Builds failure details (e.g. certificate info) when the client cert is not authorized. */
  describeRejectedPeer?(tunnel: TlsTunnel): ClientCertificateInfo | undefined;
  /** Reason text for an unauthorized client certificate. */
  rejectionReason(tunnel: TlsTunnel): string;
}

/** hostapd's eap_tls states plus FINISHING: final flight sent, waiting for the peer's ACK. */
type SessionState = 'START' | 'HANDSHAKE' | 'TUNNEL' | 'FINISHING' | 'SUCCESS' | 'FAILURE';

type PendingEnd = { kind: 'success'; success: MethodSuccess } | { kind: 'failure'; reason: string };

export class TlsMethodSession implements EapMethodSession {
  readonly #config: TlsMethodSessionConfig;
  readonly #ctx: EapSessionContext;
  readonly #reassembler: TlsMessageReassembler;
  #channel: ServerTlsConnection | undefined;
  #state: SessionState = 'START';
  #outgoing: OutgoingTlsMessage | undefined;
  #pendingEnd: PendingEnd | undefined;
  #checkedHandshake = false;

  constructor(config: TlsMethodSessionConfig, ctx: EapSessionContext) {
    this.#config = config;
    this.#ctx = ctx;
    this.#reassembler = new TlsMessageReassembler(config.maxMessageLength);
  }

  /** EAP-TLS Start. The TLS connection is opened only when a ClientHello arrives, so a flood of
   *  Identity responses costs no OpenSSL state. */
  initiate(): Buffer {
    return encodeEapTlsFrame({ start: true, version: this.#config.version });
  }

  async process(typeData: Buffer, info: EapResponseInfo): Promise<MethodStep> {
    try {
      return await this.#process(typeData, info);
    } catch (err) {
      // A bug or an OpenSSL surprise must end this conversation, not the server.
      return this.#failNow(`internal error in ${this.#config.name}: ${(err as Error).message}`);
    }
  }

  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
    this.#outgoing = undefined;
    this.#reassembler.reset();
  }

  async #process(typeData: Buffer, info: EapResponseInfo): Promise<MethodStep> {
    if (this.#state === 'SUCCESS' || this.#state === 'FAILURE') {
      return { kind: 'ignore', reason: `${this.#config.name} conversation already finished` };
    }
    let frame: EapTlsFrame;
    try {
      frame = decodeEapTlsFrame(typeData);
    } catch (err) {
      if (err instanceof EapDecodeError) return this.#failNow(`malformed ${this.#config.name} response: ${err.message}`);
      throw err;
    }
    if (this.#config.hooks.acceptPeerVersion && !this.#config.hooks.acceptPeerVersion(frame.version)) {
      return this.#failNow(`${this.#config.name} version ${frame.version} not supported`);
    }

    // Our flight is being sent in fragments: every response must be an ACK.
    if (this.#outgoing && !this.#outgoing.done) {
      if (!isEapTlsAck(frame)) return this.#failNow('peer sent data while we were waiting for a fragment ACK');
      return this.#request(this.#outgoing.next());
    }
    if (this.#state === 'FINISHING') return this.#finish(frame);
    if (isEapTlsAck(frame) && !this.#reassembler.inProgress) {
      const onPeerAck = this.#config.hooks.onPeerAck;
      if (this.#state === 'TUNNEL' && onPeerAck && this.#channel) {
        return this.#afterAction(this.#channel, await onPeerAck.call(this.#config.hooks, this.#channel), info);
      }
      return this.#failNow(this.#state === 'START' ? 'peer answered EAP-TLS Start without a ClientHello' : 'unexpected ACK from peer');
    }

    const part = this.#reassembler.add(frame);
    if (part.kind === 'error') return this.#failNow(part.reason);
    if (part.kind === 'more') return this.#request(encodeEapTlsFrame({ version: this.#config.version }));

    if (this.#state === 'START') {
      this.#setState('HANDSHAKE');
      // A returning EAP-TLS 1.2 peer may be resumed without OpenSSL; its ClientHello is answered already.
      const fast = this.#config.endpoint.resumeFast(part.message, this.#ctx.log);
      if (fast) {
        this.#ctx.log.debug({ method: this.#config.name }, 'TLS 1.2 session-ID resumption answered without OpenSSL');
        this.#channel = fast;
        return this.#afterFeed(fast, info);
      }
      this.#channel = this.#config.endpoint.openChannel(this.#ctx.log);
    }
    const channel = this.#channel;
    if (!channel) return this.#failNow('TLS channel missing');
    await channel.feed(part.message);
    return this.#afterFeed(channel, info);
  }

  async #afterFeed(channel: ServerTlsConnection, info: EapResponseInfo): Promise<MethodStep> {
    if (channel.phase === 'FAILED' || channel.phase === 'CLOSED') {
      const reason = channel.failureReason ?? 'TLS failed';
      // RFC 5216 §2.1.3: an alert OpenSSL produced goes to the peer before EAP-Failure.
      const alert = channel.takeOutput();
      if (alert.length > 0 && this.#state === 'HANDSHAKE') return this.#sendThenEnd(alert, { kind: 'failure', reason }, info);
      return this.#failNow(reason);
    }
    let action: TunnelAction;
    if (channel.phase === 'SECURE' && !this.#checkedHandshake) {
      this.#checkedHandshake = true;
      if (this.#config.endpoint.requestCert && !channel.authorized) {
        const certificate = this.#config.describeRejectedPeer?.(channel);
        return this.#failNow(this.#config.rejectionReason(channel), certificate);
      }
      this.#setState('TUNNEL');
      action = await this.#config.hooks.onHandshakeComplete(channel);
    } else if (channel.phase === 'SECURE') {
      action = await this.#config.hooks.onApplicationData(channel.takeApplicationData(), channel);
    } else {
      action = { kind: 'continue' };
    }
    return this.#afterAction(channel, action, info);
  }

  #afterAction(channel: ServerTlsConnection, action: TunnelAction, info: EapResponseInfo): MethodStep {
    if (channel.phase === 'FAILED' || channel.phase === 'CLOSED') return this.#failNow(channel.failureReason ?? 'TLS failed');
    if (action.kind === 'fail') return this.#failNow(action.reason, action.certificate);

    const flight = channel.takeOutput();
    if (action.kind === 'succeed') {
      if (flight.length === 0) return this.#succeedNow(action.success);
      return this.#sendThenEnd(flight, { kind: 'success', success: action.success }, info);
    }
    if (flight.length === 0) return this.#failNow('TLS produced no response to the peer message');
    return this.#send(flight, info);
  }

  /** Final flight fully delivered: the peer's ACK ends the method (any other answer fails it). */
  #finish(frame: EapTlsFrame): MethodStep {
    const end = this.#pendingEnd;
    this.#pendingEnd = undefined;
    if (!end) return this.#failNow('no pending result');
    if (end.kind === 'failure') return this.#failNow(end.reason);
    if (!isEapTlsAck(frame)) return this.#failNow('peer answered the final TLS flight with data instead of an ACK');
    return this.#succeedNow(end.success);
  }

  #sendThenEnd(flight: Buffer, end: PendingEnd, info: EapResponseInfo): MethodStep {
    this.#pendingEnd = end;
    this.#setState('FINISHING');
    return this.#send(flight, info);
  }

  #send(flight: Buffer, info: EapResponseInfo): MethodStep {
    const size = fragmentPayloadSize(this.#config.fragmentSize, info.framedMtu);
    this.#outgoing = new OutgoingTlsMessage(flight, size, this.#config.version);
    return this.#request(this.#outgoing.next());
  }

  #request(typeData: Buffer): MethodStep {
    return { kind: 'request', typeData };
  }

  #succeedNow(success: MethodSuccess): MethodStep {
    this.#setState('SUCCESS');
    this.close();
    return { kind: 'success', success };
  }

  #failNow(reason: string, certificate?: ClientCertificateInfo): MethodStep {
    this.#setState('FAILURE');
    this.close();
    return certificate ? { kind: 'failure', reason, certificate } : { kind: 'failure', reason };
  }

  #setState(to: SessionState): void {
    if (to === this.#state) return;
    this.#ctx.log.debug({ method: this.#config.name, from: this.#state, to }, 'EAP method state');
    this.#state = to;
  }
}
