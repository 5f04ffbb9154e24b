import type { Logger } from 'pino';
import { PacketCode, codeName, hasZeroedRequestAuthenticator } from '../codec/codes.js';
import { RadiusDecodeError } from '../codec/errors.js';
import { signResponse, verifyMessageAuthenticator, verifyZeroedRequestAuthenticator } from '../codec/authenticator.js';
import { Attr, checkHeader, decodePacket, encodePacket, type RadiusPacket, type RawAttribute } from '../codec/packet.js';
import type { ClientTable } from './clients.js';
import { unmapIpv4 } from './clients.js';
import { DropReason, type DropReasonValue, ListenerCounters, RateLimitedLog } from './counters.js';
import { DuplicateCache, type RequestKey } from './dedupe.js';
import type { RadiusHandler, RadiusReply, RadiusRequest } from './types.js';

export type PortKind = 'auth' | 'acct';

export interface PipelineOptions {
  kind: PortKind;
  clients: () => ClientTable;
  handler: RadiusHandler;
  duplicateWindowMs: number;
  log: Logger;
}

/** Sends reply bytes back out of the socket the request came in on. */
export type ReplySender = (reply: Buffer, address: string, port: number) => void;

/** Codes each port accepts; anything else is dropped and counted. */
const ACCEPTED: Record<PortKind, ReadonlySet<number>> = {
  auth: new Set([PacketCode.AccessRequest, PacketCode.StatusServer]),
  acct: new Set([PacketCode.AccountingRequest, PacketCode.StatusServer]),
};

const ZERO16 = Buffer.alloc(16);

/** The zero Message-Authenticator put first in a reply; encodePacket copies it and signResponse fills it in. */
const MA_PLACEHOLDER: RawAttribute = Object.freeze({ type: Attr.MessageAuthenticator, value: ZERO16 });

/** Reply codes that must carry Message-Authenticator, FIRST (BlastRADIUS, RFC 3579, RFC 5997). */
const MA_FIRST = new Set<number>([PacketCode.AccessAccept, PacketCode.AccessReject, PacketCode.AccessChallenge]);

/**
 * One datagram's path through the server: header → client → duplicate check → decode → authenticity →
 * handler → encode → sign → cache → send. Nothing is trusted before the client and its secret check out;
 * every drop is counted and logged at most once a minute per source and reason.
 */
export class RadiusPipeline {
  readonly counters = new ListenerCounters();
  readonly #dedupe: DuplicateCache;
  readonly #dropLog = new RateLimitedLog();
  readonly #o: PipelineOptions;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#dedupe = new DuplicateCache(options.duplicateWindowMs);
  }

  get cachedRequests(): number {
    return this.#dedupe.size;
  }

  #drop(reason: DropReasonValue, address: string, detail: string, client?: string): void {
    this.counters.dropped[reason]++;
    const suppressed = this.#dropLog.admit(`${address}|${reason}`);
    if (suppressed >= 0) {
      this.#o.log.warn({ source: address, client, reason, suppressed, port: this.#o.kind }, `dropped packet: ${detail}`);
    }
  }

  handleDatagram(msg: Buffer, rawAddress: string, port: number, send: ReplySender): void {
    this.counters.received++;
    const address = unmapIpv4(rawAddress);
    try {
      checkHeader(msg);
    } catch (err) {
      this.#drop(DropReason.Malformed, address, (err as Error).message);
      return;
    }
    const client = this.#o.clients().find(address);
    if (!client) {
      this.#drop(DropReason.UnknownClient, address, `${address} is not a configured client (add it under clients:)`);
      return;
    }
    const key = DuplicateCache.key(address, port, msg);
    const dup = this.#dedupe.check(key);
    if (dup.kind === 'in-flight') {
      this.counters.dropped.duplicate_in_flight++;
      return;
    }
    if (dup.kind === 'answered') {
      this.counters.duplicatesAnswered++;
      if (dup.reply) send(dup.reply, rawAddress, port);
      return;
    }
    let packet: RadiusPacket;
    try {
      packet = decodePacket(msg);
    } catch (err) {
      this.#dedupe.forget(key);
      const detail = err instanceof RadiusDecodeError ? `${err.code}: ${err.message}` : String(err);
      this.#drop(DropReason.Malformed, address, detail, client.name);
      return;
    }
    if (!ACCEPTED[this.#o.kind].has(packet.code)) {
      this.#dedupe.forget(key);
      this.#drop(DropReason.UnexpectedCode, address, `${codeName(packet.code)} is not accepted on the ${this.#o.kind} port`, client.name);
      return;
    }
    const secret = client.secret.reveal();
    const refused = this.#checkAuthenticity(packet, secret, client.requireMessageAuthenticator);
    if (refused) {
      this.#dedupe.forget(key);
      this.#drop(refused.reason, address, refused.detail, client.name);
      return;
    }
    const request: RadiusRequest = { client, packet, source: { address, port }, secret };
    let result: ReturnType<RadiusHandler>;
    try {
      result = this.#o.handler(request);
    } catch (err) {
      this.#failed(key, address, client.name, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (reply) => this.#finish(key, request, reply, rawAddress, send),
        (err) => this.#failed(key, address, client.name, err),
      );
    } else {
      this.#finish(key, request, result, rawAddress, send);
    }
  }

  #checkAuthenticity(packet: RadiusPacket, secret: Buffer, requireMa: boolean): { reason: DropReasonValue; detail: string } | undefined {
    const hasMa = packet.messageAuthenticatorOffset >= 0;
    if (packet.code === PacketCode.AccountingRequest) {
      if (!verifyZeroedRequestAuthenticator(packet.raw, secret)) {
        return { reason: DropReason.BadAuthenticator, detail: 'Accounting-Request authenticator does not verify: the shared secret differs' };
      }
    } else if (!hasMa) {
      if (packet.code === PacketCode.StatusServer) {
        return { reason: DropReason.MissingMessageAuthenticator, detail: 'Status-Server without Message-Authenticator (RFC 5997 requires it)' };
      }
      if (packet.attributes.some((a) => a.type === Attr.EapMessage)) {
        return { reason: DropReason.MissingMessageAuthenticator, detail: 'EAP-Message without Message-Authenticator (RFC 3579 §3.3)' };
      }
      if (requireMa) {
        return { reason: DropReason.MissingMessageAuthenticator, detail: 'Access-Request without Message-Authenticator (require_message_authenticator is on: BlastRADIUS protection)' };
      }
      return undefined;
    }
    // The HMAC covers the packet's own authenticator (packet.authenticator is that view), or zeros (RFC 5176).
    const headerAuthenticator = hasZeroedRequestAuthenticator(packet.code) ? ZERO16 : packet.authenticator;
    if (hasMa && !verifyMessageAuthenticator(packet.raw, packet.messageAuthenticatorOffset, secret, headerAuthenticator)) {
      return { reason: DropReason.BadAuthenticator, detail: 'Message-Authenticator does not verify: the shared secret differs' };
    }
    return undefined;
  }

  #failed(key: RequestKey, address: string, client: string, err: unknown): void {
    this.#dedupe.forget(key);
    this.counters.dropped.handler_error++;
    this.#o.log.error({ err, source: address, client }, 'request handler failed; no reply sent');
  }

  #finish(key: RequestKey, request: RadiusRequest, reply: RadiusReply | undefined, rawAddress: string, send: ReplySender): void {
    if (!reply) {
      // Nothing to say (e.g. accounting could not be written): the NAS will retransmit and we try again.
      this.#dedupe.forget(key);
      this.counters.dropped.no_reply++;
      return;
    }
    const bytes = encodeReply(request.packet, reply, request.secret);
    this.#dedupe.complete(key, bytes);
    this.counters.answered++;
    send(bytes, rawAddress, request.source.port);
  }
}

/** Encodes and signs a reply: Message-Authenticator first where required, Proxy-State copied in order. */
export function encodeReply(request: RadiusPacket, reply: RadiusReply, secret: Buffer): Buffer {
  const withMa = MA_FIRST.has(reply.code) || request.code === PacketCode.StatusServer;
  const attributes: RawAttribute[] = withMa ? [MA_PLACEHOLDER] : [];
  for (const a of reply.attributes) if (a.type !== Attr.MessageAuthenticator && a.type !== Attr.ProxyState) attributes.push(a);
  for (const a of request.attributes) if (a.type === Attr.ProxyState) attributes.push(a);
  const buf = encodePacket({ code: reply.code, identifier: request.identifier, attributes });
  return signResponse(buf, request.authenticator, secret);
}
