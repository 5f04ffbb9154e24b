import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Attr, decodePacket, encodePacket, loadDictionaries, PacketCode } from '../../src/radius/index.js';
import { toAccountingEvent } from '../../src/server/accounting.js';

const dict = loadDictionaries([fileURLToPath(new URL('../../dictionaries', import.meta.url))]);
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const str = (s: string) => Buffer.from(s, 'utf8');

function packet(attributes: [number, Buffer][]) {
  return decodePacket(encodePacket({ code: PacketCode.AccountingRequest, identifier: 1, attributes: attributes.map(([type, value]) => ({ type, value })) }));
}

describe('toAccountingEvent', () => {
  it('reads an Interim-Update the way a NAS sends it (RFC 2866, RFC 2869 gigawords)', () => {
    const e = toAccountingEvent(packet([
      [Attr.AcctStatusType, u32(3)], [Attr.AcctSessionId, str('S-1')], [Attr.UserName, str('alice')],
      [Attr.CallingStationId, str('AA-BB-CC-00-00-01')], [Attr.CalledStationId, str('11-22-33-44-55-66:Corp')],
      [Attr.NasIpAddress, Buffer.from([10, 0, 0, 9])], [Attr.NasIdentifier, str('ap-9')], [Attr.NasPort, u32(17)],
      [Attr.NasPortType, u32(19)], [Attr.FramedIpAddress, Buffer.from([10, 1, 2, 3])], [Attr.EventTimestamp, u32(1_700_000_600)],
      [Attr.AcctSessionTime, u32(600)], [Attr.AcctInputOctets, u32(5)], [Attr.AcctInputGigawords, u32(2)],
      [Attr.AcctOutputOctets, u32(7)], [Attr.AcctInputPackets, u32(11)], [Attr.AcctOutputPackets, u32(13)],
      [Attr.AcctInterimInterval, u32(300)], [Attr.AcctMultiSessionId, str('M-1')],
    ]), 'ap-one', '192.0.2.1', dict, 5);
    expect(e).toEqual({
      nasName: 'ap-one', nasIp: '10.0.0.9', nasIdentifier: 'ap-9', statusType: 3, acctSessionId: 'S-1', multiSessionId: 'M-1',
      userName: 'alice', callingStationId: 'AA-BB-CC-00-00-01', mac: 'aa:bb:cc:00:00:01', calledStationId: '11-22-33-44-55-66:Corp',
      nasPort: '17', nasPortType: 'Wireless-802.11', framedIp: '10.1.2.3', eventTime: 1_700_000_600, sessionTime: 600,
      inputOctets: 2 * 2 ** 32 + 5, outputOctets: 7, inputPackets: 11, outputPackets: 13, interimInterval: 300, terminateCause: undefined,
    });
  });

  it('falls back to the source address, arrival time minus Acct-Delay-Time, NAS-Port-Id, and numbers without a name', () => {
    const e = toAccountingEvent(packet([
      [Attr.AcctStatusType, u32(2)], [Attr.AcctSessionId, str('S-2')], [Attr.AcctDelayTime, u32(30)],
      [Attr.NasPortId, str('Gi1/0/7')], [Attr.NasPort, u32(5)], [Attr.AcctTerminateCause, u32(1)], [Attr.NasPortType, u32(4242)],
    ]), 'sw', '192.0.2.7', dict, 1000);
    expect(e).toMatchObject({ nasIp: '192.0.2.7', nasIdentifier: '', eventTime: 970, nasPort: 'Gi1/0/7', terminateCause: 'User-Request', nasPortType: '4242' });
  });

  it('uses the first of repeated attributes, and ignores integers of the wrong length', () => {
    const e = toAccountingEvent(packet([
      [Attr.AcctStatusType, u32(1)], [Attr.AcctSessionId, str('first')], [Attr.AcctSessionId, str('second')],
      [Attr.AcctSessionTime, Buffer.from([1, 2])], [Attr.AcctSessionTime, u32(99)],
    ]), 'ap', '192.0.2.1', dict, 1);
    expect(e).toMatchObject({ acctSessionId: 'first', sessionTime: undefined });
  });

  it('names what is missing', () => {
    expect(toAccountingEvent(packet([[Attr.AcctSessionId, str('S')]]), 'ap', '192.0.2.1', dict, 1)).toBe('no Acct-Status-Type');
    expect(toAccountingEvent(packet([[Attr.AcctStatusType, u32(3)]]), 'ap', '192.0.2.1', dict, 1)).toBe('no Acct-Session-Id');
    expect(toAccountingEvent(packet([[Attr.AcctStatusType, u32(7)]]), 'ap', '192.0.2.1', dict, 1)).toMatchObject({ statusType: 7, acctSessionId: '' });
  });
});
