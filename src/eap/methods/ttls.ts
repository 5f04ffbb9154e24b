/**
 * EAP-TTLSv0 (RFC 5281), type 21: a server-authenticated TLS 1.2 tunnel, then Diameter AVPs
 * inside it. Inner methods: PAP (User-Name + User-Password AVPs, §11.2.5) and EAP-MSCHAPv2 in
 * EAP-Message AVPs (§11.1). The outer identity may be anything ("anonymous"); the inner User-Name
 * is the identity reported for policy. MSK/EMSK = TLS-PRF(master, "ttls keying material",
 * client.random‖server.random) (RFC 5281 §8), whatever the inner method.
 *
 * Flow with PAP: Start → handshake → the peer's first application data holds the AVPs → Success
 * or Failure with no further tunnel data (hostapd and FreeRADIUS behave the same).
 */
import { EapCode, EapType, decodeEapPacket, encodeEapRequest } from '../codec.js';
import { lookupUser, verifyPapPassword, type CredentialStore } from '../credentials.js';
import { EapDecodeError } from '../errors.js';
import type { EapMethodDefinition } from '../registry.js';
import { deriveTlsKeys, type TlsKeyLabels } from '../tls/keys.js';
import type { TlsTunnel } from '../tls/tls-channel.js';
import type { TlsMethodHooks, TunnelAction } from '../tls/tls-method-session.js';
import { MschapV2Server } from './mschapv2-server.js';
import {
  AvpCode,
  TtlsAvpError,
  decodeAvps,
  encodeAvps,
  findEapMessage,
  findUserName,
  findUserPassword,
  radiusAvp,
  unsupportedMandatoryAvps,
  type DiameterAvp,
} from './ttls-avp.js';
import { onlyVersionZero, tunnelledMethod } from './tunnel-endpoint.js';

const NAME = 'EAP-TTLS';
export const TTLS_KEY_LABELS: TlsKeyLabels = { typeCode: EapType.Ttls, tls12Label: 'ttls keying material' };
/** RADIUS User-Name limit; longer inner names are refused. */
const MAX_NAME_LENGTH = 253;

export const eapTtlsMethod: EapMethodDefinition = tunnelledMethod('ttls', EapType.Ttls, NAME, (env) => ttlsHooks(env.options.credentials));

/** AVPs this server understands inside the tunnel (vendor 0). */
function isKnownAvp(avp: DiameterAvp): boolean {
  const radius = avp.vendorId === undefined || avp.vendorId === 0;
  return radius && (avp.code === AvpCode.UserName || avp.code === AvpCode.UserPassword || avp.code === AvpCode.EapMessage);
}

type InnerEap = { server: MschapV2Server; identity: string; identifier: number };

/** One conversation's phase 2. */
function ttlsHooks(credentials: CredentialStore): TlsMethodHooks {
  let innerEap: InnerEap | undefined;

  const fail = (reason: string): TunnelAction => ({ kind: 'fail', reason });

  const succeed = (tunnel: TlsTunnel, innerIdentity: string): TunnelAction => ({
    kind: 'succeed',
    success: { ...deriveTlsKeys(tunnel, TTLS_KEY_LABELS), innerIdentity, tlsVersion: tunnel.protocol, resumed: false },
  });

  const pap = async (avps: DiameterAvp[], tunnel: TlsTunnel): Promise<TunnelAction> => {
    const name = findUserName(avps);
    if (name === undefined || name === '') return fail('no inner User-Name in the TTLS tunnel');
    if (name.length > MAX_NAME_LENGTH) return fail('inner User-Name is longer than 253 characters');
    const password = findUserPassword(avps);
    const who = `inner user ${JSON.stringify(name)}`;
    if (password === undefined) return fail(`${who}: no User-Password (only PAP and EAP-MSCHAPv2 are supported inside TTLS)`);
    try {
      const user = lookupUser(credentials, name);
      if (!user) return fail(`${who}: unknown user`);
      const verdict = await verifyPapPassword(user.creds, password);
      if (!verdict.ok) return fail(`${who}: ${verdict.reason}`);
      return succeed(tunnel, name);
    } finally {
      password.fill(0);
    }
  };

  const sendEap = async (tunnel: TlsTunnel, state: InnerEap, type: number, typeData: Buffer): Promise<TunnelAction> => {
    state.identifier = (state.identifier + 1) & 0xff;
    const packet = encodeEapRequest(state.identifier, type, typeData);
    await tunnel.write(encodeAvps([radiusAvp(AvpCode.EapMessage, packet)]));
    return { kind: 'continue' };
  };

  const eap = async (message: Buffer, tunnel: TlsTunnel): Promise<TunnelAction> => {
    let packet;
    try {
      packet = decodeEapPacket(message);
    } catch (err) {
      if (err instanceof EapDecodeError) return fail(`malformed inner EAP packet: ${err.message}`);
      throw err;
    }
    if (packet.code !== EapCode.Response) return fail(`inner EAP code ${packet.code} is not a Response`);
    if (!innerEap) {
      if (packet.type !== EapType.Identity) return fail('inner EAP did not start with an Identity response');
      const nul = packet.data.indexOf(0);
      const identity = (nul >= 0 ? packet.data.subarray(0, nul) : packet.data).toString('utf8');
      if (identity === '' || identity.length > MAX_NAME_LENGTH) return fail('inner EAP identity is empty or longer than 253 characters');
      const user = lookupUser(credentials, identity);
      innerEap = { identity, identifier: packet.identifier, server: new MschapV2Server({ identity, creds: user?.creds }) };
      return sendEap(tunnel, innerEap, EapType.MsChapV2, innerEap.server.challenge());
    }
    const state = innerEap;
    const who = `inner user ${JSON.stringify(state.identity)}`;
    if (packet.identifier !== state.identifier) return fail('inner EAP identifier does not match the last inner request');
    if (packet.type === EapType.Nak) return fail(`${who}: peer refused inner EAP-MSCHAPv2 (NAK); it is the only inner EAP method`);
    if (packet.type !== EapType.MsChapV2) return fail(`${who}: unexpected inner EAP type ${packet.type}`);
    const step = state.server.handle(packet.data);
    switch (step.kind) {
      case 'request':
        return sendEap(tunnel, state, EapType.MsChapV2, step.typeData);
      case 'failure':
        return fail(`${who}: ${step.reason}`);
      case 'success':
        // RFC 5281 §11.1: the outer EAP-Success carries the inner result; no inner Success is sent.
        return succeed(tunnel, state.identity);
    }
  };

  const phase2 = async (data: Buffer, tunnel: TlsTunnel): Promise<TunnelAction> => {
    let avps: DiameterAvp[];
    try {
      avps = decodeAvps(data);
    } catch (err) {
      if (err instanceof TtlsAvpError) return fail(`malformed TTLS AVPs: ${err.message}`);
      throw err;
    }
    // RFC 5281 §10.1: an unsupported AVP with the M bit fails the negotiation.
    const unknown = unsupportedMandatoryAvps(avps, isKnownAvp);
    if (unknown.length > 0) {
      const codes = unknown.map((a) => (a.vendorId ? `${a.vendorId}:${a.code}` : String(a.code))).join(', ');
      return fail(`peer sent unsupported mandatory AVP(s) ${codes} in the TTLS tunnel`);
    }
    const message = findEapMessage(avps);
    if (message !== undefined) return eap(message, tunnel);
    if (innerEap) return fail('inner EAP conversation continued without an EAP-Message AVP');
    return pap(avps, tunnel);
  };

  return {
    acceptPeerVersion: onlyVersionZero,
    async onHandshakeComplete(tunnel) {
      // A peer may send its AVPs together with its Finished (e.g. TLS False Start).
      const early = tunnel.takeApplicationData();
      return early.length > 0 ? phase2(early, tunnel) : { kind: 'continue' };
    },
    async onApplicationData(data, tunnel) {
      if (data.length === 0) return fail('TTLS peer sent an empty tunnel message');
      return phase2(data, tunnel);
    },
  };
}
