import type { Logger } from 'pino';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { Attr, type RadiusPacket } from '../radius/codec/packet.js';
import { PacketCode } from '../radius/codec/codes.js';
import type { RadiusReply, RadiusRequest } from '../radius/server/types.js';
import { normaliseMac } from '../posture/mac.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { AccountingEvent, SessionStore } from '../store/sessions.js';

const STATUS_TYPES = new Set([1, 2, 3, 7, 8]);
const GIGA = 2 ** 32;

type Value = Buffer | undefined;

const u32 = (v: Value): number | undefined => (v !== undefined && v.length === 4 ? v.readUInt32BE(0) : undefined);
const text = (v: Value): string | undefined => v?.toString('utf8');
const counter = (low: Value, high: Value): number | undefined => {
  const l = u32(low);
  const h = u32(high);
  return l === undefined && h === undefined ? undefined : (h ?? 0) * GIGA + (l ?? 0);
};

/** The value names recorded as text (NAS-Port-Type, Acct-Terminate-Cause), looked up once per dictionary. */
const namedValues = new WeakMap<Dictionary, { portType?: ReadonlyMap<number, string>; terminateCause?: ReadonlyMap<number, string> }>();
function valueNames(dict: Dictionary) {
  let names = namedValues.get(dict);
  if (!names) {
    names = { portType: dict.attribute('NAS-Port-Type')?.valueNames, terminateCause: dict.attribute('Acct-Terminate-Cause')?.valueNames };
    namedValues.set(dict, names);
  }
  return names;
}
const named = (v: Value, names: ReadonlyMap<number, string> | undefined): string | undefined => {
  const n = u32(v);
  return n === undefined ? undefined : names?.get(n) ?? String(n);
};

/** Decodes an Accounting-Request into a session event, or a reason it cannot be recorded. */
export function toAccountingEvent(packet: RadiusPacket, nasName: string, source: string, dict: Dictionary, nowSeconds: number): AccountingEvent | string {
  // One pass over the attributes, keeping the first of each type (what findAttribute would return).
  let statusV: Value, sessionIdV: Value, multiSessionV: Value, userV: Value, callingV: Value, calledV: Value, nasIpV: Value, nasIdV: Value;
  let portIdV: Value, portV: Value, portTypeV: Value, framedIpV: Value, timestampV: Value, delayV: Value, sessionTimeV: Value, inOctV: Value;
  let outOctV: Value, inGigaV: Value, outGigaV: Value, inPktV: Value, outPktV: Value, interimV: Value, causeV: Value;
  for (const a of packet.attributes) {
    switch (a.type) {
      case Attr.AcctStatusType: statusV ??= a.value; break;
      case Attr.AcctSessionId: sessionIdV ??= a.value; break;
      case Attr.AcctMultiSessionId: multiSessionV ??= a.value; break;
      case Attr.UserName: userV ??= a.value; break;
      case Attr.CallingStationId: callingV ??= a.value; break;
      case Attr.CalledStationId: calledV ??= a.value; break;
      case Attr.NasIpAddress: nasIpV ??= a.value; break;
      case Attr.NasIdentifier: nasIdV ??= a.value; break;
      case Attr.NasPortId: portIdV ??= a.value; break;
      case Attr.NasPort: portV ??= a.value; break;
      case Attr.NasPortType: portTypeV ??= a.value; break;
      case Attr.FramedIpAddress: framedIpV ??= a.value; break;
      case Attr.EventTimestamp: timestampV ??= a.value; break;
      case Attr.AcctDelayTime: delayV ??= a.value; break;
      case Attr.AcctSessionTime: sessionTimeV ??= a.value; break;
      case Attr.AcctInputOctets: inOctV ??= a.value; break;
      case Attr.AcctOutputOctets: outOctV ??= a.value; break;
      case Attr.AcctInputGigawords: inGigaV ??= a.value; break;
      case Attr.AcctOutputGigawords: outGigaV ??= a.value; break;
      case Attr.AcctInputPackets: inPktV ??= a.value; break;
      case Attr.AcctOutputPackets: outPktV ??= a.value; break;
      case Attr.AcctInterimInterval: interimV ??= a.value; break;
      case Attr.AcctTerminateCause: causeV ??= a.value; break;
    }
  }
  const statusType = u32(statusV);
  if (statusType === undefined) return 'no Acct-Status-Type';
  const acctSessionId = text(sessionIdV);
  if (!acctSessionId && statusType !== 7 && statusType !== 8) return 'no Acct-Session-Id';
  const names = valueNames(dict);
  const callingStationId = text(callingV);
  return {
    nasName,
    nasIp: (nasIpV?.length === 4 ? `${nasIpV[0]}.${nasIpV[1]}.${nasIpV[2]}.${nasIpV[3]}` : undefined) ?? source,
    nasIdentifier: text(nasIdV) ?? '',
    statusType,
    acctSessionId: acctSessionId ?? '',
    multiSessionId: text(multiSessionV),
    userName: text(userV),
    callingStationId,
    mac: callingStationId ? normaliseMac(callingStationId) : undefined,
    calledStationId: text(calledV),
    nasPort: text(portIdV) ?? u32(portV)?.toString(),
    nasPortType: named(portTypeV, names.portType),
    framedIp: framedIpV?.length === 4 ? `${framedIpV[0]}.${framedIpV[1]}.${framedIpV[2]}.${framedIpV[3]}` : undefined,
    eventTime: u32(timestampV) ?? nowSeconds - (u32(delayV) ?? 0),
    sessionTime: u32(sessionTimeV),
    inputOctets: counter(inOctV, inGigaV),
    outputOctets: counter(outOctV, outGigaV),
    inputPackets: u32(inPktV),
    outputPackets: u32(outPktV),
    interimInterval: u32(interimV),
    terminateCause: named(causeV, names.terminateCause),
  };
}

const RESPONSE: RadiusReply = { code: PacketCode.AccountingResponse, attributes: [] };

/**
 * RFC 2866: answer only after the record is durably written; if it cannot be written, stay silent so the
 * NAS retransmits. Writes are batched per event-loop turn by the BatchWriter.
 */
export function createAccountingHandler(deps: { dict: () => Dictionary; sessions: SessionStore; writer: BatchWriter; log: Logger }) {
  return (req: RadiusRequest): RadiusReply | Promise<RadiusReply | undefined> => {
    const { packet } = req;
    if (packet.code === PacketCode.StatusServer) return RESPONSE;
    const event = toAccountingEvent(packet, req.client.name, req.source.address, deps.dict(), Math.floor(Date.now() / 1000));
    if (typeof event === 'string') {
      // Malformed but authentic: acknowledge so the NAS does not retry forever, and say why we ignored it.
      deps.log.warn({ client: req.client.name, source: req.source.address }, `accounting request ignored: ${event}`);
      return RESPONSE;
    }
    if (!STATUS_TYPES.has(event.statusType)) return RESPONSE;
    // A plain promise chain, not an async function: one promise and one tick less per packet.
    return deps.writer.write(() => deps.sessions.apply(event)).then(
      () => RESPONSE,
      (err: unknown) => {
        deps.log.error({ err, client: req.client.name, session: event.acctSessionId }, 'accounting record not written; no response sent so the NAS retries');
        return undefined;
      },
    );
  };
}
