// MAB through the access handler: the policy decides, the reply carries what the rule applies, and the auth log
// keeps the decision with the policy request (what `policy diff` and CoA re-evaluation read back).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DICTIONARIES } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { loadPolicy } from '../../src/policy/load.js';
import { encodeAttribute } from '../../src/radius/codec/attributes.js';
import { decodePacket, encodePacket } from '../../src/radius/codec/packet.js';
import { loadDictionaries } from '../../src/radius/dictionary/parser.js';
import type { RadiusReply, RadiusRequest } from '../../src/radius/server/types.js';
import { createAccessHandler, type Authorization } from '../../src/server/access.js';
import { AuthLog } from '../../src/store/auth-log.js';
import { openDatabase } from '../../src/store/db.js';

const dict = loadDictionaries([BUILTIN_DICTIONARIES]);
const config = parseConfig([
  'clients:',
  '  - {name: sw-1, address: 10.9.0.0/24, secret: not-a-real-secret-1, vendor: cisco, labels: [wired]}',
  'policy:',
  '  vlans: {printers: 20}',
  '  labels:',
  '    guest-wifi: {ssid: [Guest]}',
  '    printers: {method: mab, mac: ["02:00:00:00:00:01", "00:1b:63:*"]}',
  '  rules:',
  '    - {name: guests-blocked, match: [guest-wifi], action: block}',
  '    - {name: printers, match: [printers], action: allow, apply: {vlan: printers}}',
  '  default: block',
].join('\n'), 'config.yaml');
const { policy } = loadPolicy(config, dict);

function setup() {
  const authLog = new AuthLog(openDatabase(':memory:'), { flushIntervalMs: 60_000 });
  const authorized: Authorization[] = [];
  const handle = createAccessHandler({
    config: () => config, policy: () => policy, authLog, log: pino({ level: 'silent' }), onAuthorized: (a) => authorized.push(a),
  });
  const request = (attributes: [string, string | number][], source = '10.9.0.7'): RadiusRequest => {
    const bytes = encodePacket({ code: 1, identifier: 3, authenticator: Buffer.alloc(16, 9), attributes: attributes.map(([n, v]) => encodeAttribute(dict, n, v)) });
    return { client: config.clients[0], packet: decodePacket(bytes), source: { address: source, port: 50_000 }, secret: Buffer.from('not-a-real-secret-1') };
  };
  const send = (attributes: [string, string | number][]): RadiusReply => {
    const reply = handle(request(attributes));
    if (reply instanceof Promise) throw new Error('MAB answers synchronously');
    return reply;
  };
  const rows = () => {
    authLog.flush();
    return authLog.list({ limit: 100 }).reverse();
  };
  return { handle, request, send, rows, authorized };
}

const mab = (userName: string, extra: [string, string | number][] = []): [string, string | number][] => [
  ['User-Name', userName], ['Calling-Station-Id', '02-00-00-00-00-01'], ['Service-Type', 'Call-Check'], ...extra,
];

describe('MAB through the policy', () => {
  it('accepts a listed MAC in any User-Name notation, with the rule\'s VLAN, and logs the policy request', () => {
    const { send, rows, authorized } = setup();
    for (const name of ['020000000001', '02:00:00:00:00:01', '0200.0000.0001', '02-00-00-00-00-01']) {
      const reply = send(mab(name, [['NAS-IP-Address', '10.9.0.2'], ['NAS-Port-Type', 'Ethernet']]));
      expect(reply.code, name).toBe(2);
      expect(reply.attributes.map((a) => a.type)).toEqual([64, 65, 81]);
    }
    const logged = rows();
    expect(logged).toHaveLength(4);
    for (const [i, row] of logged.entries()) {
      expect(row).toMatchObject({ nas_name: 'sw-1', nas_ip: '10.9.0.2', mac: '02:00:00:00:00:01', method: 'mab', result: 'accept', reason: 'MAC authentication bypass; rule "printers" allows' });
      const details = JSON.parse(row.details!);
      expect(details).toEqual({
        policy: { rule: 'printers', version: policy.version, signature: policy.rules[1].apply.signature.cisco },
        request: {
          method: 'mab', nas: { name: 'sw-1', labels: ['wired'], ip: '10.9.0.2', vendor: 'cisco' }, portType: 'wired',
          mac: '02:00:00:00:00:01', user: ['020000000001', '02:00:00:00:00:01', '0200.0000.0001', '02-00-00-00-00-01'][i],
        },
      });
    }
    expect(authorized.map((a) => [a.request.mac, a.decision.rule, a.callingStationId])).toEqual(Array(4).fill(['02:00:00:00:00:01', 'printers', '02-00-00-00-00-01']));
    expect(authorized[0].time).toBe(logged[0].time);
  });

  it('takes the NAS address from the source when the request has no NAS-IP-Address', () => {
    const { send, rows } = setup();
    send(mab('001B63AABBCC'));
    const [row] = rows();
    expect(row.nas_ip).toBe('10.9.0.7');
    expect(row.mac).toBe('00:1b:63:aa:bb:cc');
    expect(JSON.parse(row.details!).request.nas.ip).toBe('10.9.0.7');
  });

  it('rejects an unlisted MAC by the default and a listed one on the guest SSID by its rule, and logs why', () => {
    const { send, rows, authorized } = setup();
    expect(send(mab('02000000ffff')).code).toBe(3);
    expect(send(mab('020000000001', [['Called-Station-Id', 'AA-BB-CC-DD-EE-FF:Guest']])).code).toBe(3);
    const [unlisted, guest] = rows();
    expect(unlisted).toMatchObject({ result: 'reject', reason: 'MAC authentication bypass; no rule matched, default blocks' });
    expect(JSON.parse(unlisted.details!).policy).toEqual({ rule: 'default', version: policy.version, signature: 'block' });
    expect(guest).toMatchObject({ result: 'reject', reason: 'MAC authentication bypass; rule "guests-blocked" blocks' });
    expect(JSON.parse(guest.details!).request.ssid).toBe('Guest');
    expect(authorized).toHaveLength(0);
  });

  it('a User-Name that is no MAC goes to PAP, not MAB (no users here: rejected, without asking the policy)', async () => {
    const { handle, request, rows } = setup();
    const reply = await handle(request([['User-Name', '02000000000g'], ['Calling-Station-Id', '02-00-00-00-00-01']]));
    expect(reply?.code).toBe(3);
    const [row] = rows();
    expect(row).toMatchObject({ method: 'pap', result: 'reject', reason: 'no User-Password and no EAP-Message', mac: '02:00:00:00:00:01', user_name: '02000000000g', details: null });
  });
});
