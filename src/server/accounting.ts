import type { Logger } from 'pino';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { Attr, type RadiusPacket } from '../radius/codec/packet.js';
import { PacketCode } from '../radius/codec/codes.js';
import type { RadiusReply, RadiusRequest } from '../radius/server/types.js';
import { normaliseMac } from '../posture/mac.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { AccountingEvent, SessionStore } from '../store/sessions.js';
import { integerAttr, ipv4Attr, nasIdentity, stringAttr } from './request-view.js';

const STATUS_TYPES = new Set([1, 2, 3, 7, 8]);
const GIGA = 2 ** 32;

/** Decodes an Accounting-Request into a session event, or a reason it cannot be recorded. */
export function toAccountingEvent(packet: RadiusPacket, nasName: string, source: string, dict: Dictionary, nowSeconds: number): AccountingEvent | string {
  const statusType = integerAttr(packet, Attr.AcctStatusType);
  if (statusType === undefined) return 'no Acct-Status-Type';
  const { nasIp, nasIdentifier } = nasIdentity(packet, source);
  const acctSessionId = stringAttr(packet, Attr.AcctSessionId);
  if (!acctSessionId && statusType !== 7 && statusType !== 8) return 'no Acct-Session-Id';
  const eventTimestamp = integerAttr(packet, Attr.EventTimestamp);
  const delay = integerAttr(packet, Attr.AcctDelayTime) ?? 0;
  const counter = (low: number, high: number) => {
    const l = integerAttr(packet, low);
    const h = integerAttr(packet, high);
    return l === undefined && h === undefined ? undefined : (h ?? 0) * GIGA + (l ?? 0);
  };
  const named = (attr: string, type: number) => {
    const n = integerAttr(packet, type);
    return n === undefined ? undefined : dict.attribute(attr)?.valueNames.get(n) ?? String(n);
  };
  const callingStationId = stringAttr(packet, Attr.CallingStationId);
  return {
    nasName, nasIp, nasIdentifier, statusType,
    acctSessionId: acctSessionId ?? '',
    multiSessionId: stringAttr(packet, Attr.AcctMultiSessionId),
    userName: stringAttr(packet, Attr.UserName),
    callingStationId,
    mac: callingStationId ? normaliseMac(callingStationId) : undefined,
    calledStationId: stringAttr(packet, Attr.CalledStationId),
    nasPort: stringAttr(packet, Attr.NasPortId) ?? integerAttr(packet, Attr.NasPort)?.toString(),
    nasPortType: named('NAS-Port-Type', Attr.NasPortType),
    framedIp: ipv4Attr(packet, Attr.FramedIpAddress),
    eventTime: eventTimestamp ?? nowSeconds - delay,
    sessionTime: integerAttr(packet, Attr.AcctSessionTime),
    inputOctets: counter(Attr.AcctInputOctets, Attr.AcctInputGigawords),
    outputOctets: counter(Attr.AcctOutputOctets, Attr.AcctOutputGigawords),
    inputPackets: integerAttr(packet, Attr.AcctInputPackets),
    outputPackets: integerAttr(packet, Attr.AcctOutputPackets),
    interimInterval: integerAttr(packet, Attr.AcctInterimInterval),
    terminateCause: named('Acct-Terminate-Cause', Attr.AcctTerminateCause),
  };
}

const RESPONSE: RadiusReply = { code: PacketCode.AccountingResponse, attributes: [] };

/**
 * RFC 2866: answer only after the record is durably written; if it cannot be written, stay silent so the
 * NAS retransmits. Writes are batched per event-loop turn by the BatchWriter.
 */
export function createAccountingHandler(deps: { dict: () => Dictionary; sessions: SessionStore; writer: BatchWriter; log: Logger }) {
  return async (req: RadiusRequest): Promise<RadiusReply | undefined> => {
    const { packet } = req;
    if (packet.code === PacketCode.StatusServer) return RESPONSE;
    const event = toAccountingEvent(packet, req.client.name, req.source.address, deps.dict(), Math.floor(Date.now() / 1000));
    if (typeof event === 'string') {
      // Malformed but authentic: acknowledge so the NAS does not retry forever, and say why we ignored it.
      deps.log.warn({ client: req.client.name, source: req.source.address }, `accounting request ignored: ${event}`);
      return RESPONSE;
    }
    if (!STATUS_TYPES.has(event.statusType)) return RESPONSE;
    try {
      await deps.writer.write(() => deps.sessions.apply(event));
    } catch (err) {
      deps.log.error({ err, client: req.client.name, session: event.acctSessionId }, 'accounting record not written; no response sent so the NAS retries');
      return undefined;
    }
    return RESPONSE;
  };
}
