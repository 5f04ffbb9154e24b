/**
 * PEAPv0 ([MS-PEAP], draft-kamath-pppext-peapv0), type 25: a server-authenticated TLS 1.2 tunnel
 * carrying inner EAP — Identity, then EAP-MSCHAPv2 — and at the end the Result TLV of the EAP
 * Extensions method (type 33) before the outer Success. Inner packets travel without their
 * 4-byte EAP header, except type 33 (hostapd, FreeRADIUS and Windows agree on this).
 *
 *   handshake → server Finished → peer ACK → Identity → MSCHAPv2 Challenge → Response →
 *   Success request (S=…) → peer Success → Result TLV (success) → peer echo → EAP-Success
 *
 * Any failure after the inner identity (wrong password: MSCHAPv2 Failure E=691 first) goes
 * through a Result TLV failure, so the peer learns the outcome inside the tunnel, then the outer
 * EAP-Failure. No crypto binding is sent, so MSK/EMSK = TLS-PRF(master, "client EAP encryption",
 * randoms) as for EAP-TLS; wpa_supplicant (crypto_binding=1, optional) and Windows accept that.
 */
import { randomInt } from 'node:crypto';
import { EapCode, EapType, decodeEapPacket, encodeEapRequest, type EapPacket } from '../codec.js';
import { lookupUser, type CredentialStore } from '../credentials.js';
import { EapDecodeError } from '../errors.js';
import type { EapMethodDefinition } from '../registry.js';
import { deriveTlsKeys, type TlsKeyLabels } from '../tls/keys.js';
import type { TlsTunnel } from '../tls/tls-channel.js';
import type { TlsMethodHooks, TunnelAction } from '../tls/tls-method-session.js';
import type { EapLogger } from '../types.js';
import { MschapV2Server } from './mschapv2-server.js';
import {
  EAP_TYPE_EXTENSIONS,
  PeapTlvError,
  decodePeapTlvs,
  encodePeapTlvs,
  findResult,
  restoreInnerEapHeader,
  resultTlv,
  stripInnerEapHeader,
  unsupportedMandatoryTlvs,
  type PeapResultName,
} from './peap-tlv.js';
import { onlyVersionZero, tunnelledMethod } from './tunnel-endpoint.js';

const NAME = 'PEAP';
/** Without crypto binding PEAPv0 keys are EAP-TLS's label with PEAP's type (Session-Id 0x19‖randoms). */
export const PEAP_KEY_LABELS: TlsKeyLabels = { typeCode: EapType.Peap, tls12Label: 'client EAP encryption' };
const MAX_NAME_LENGTH = 253;

export const peapMethod: EapMethodDefinition = tunnelledMethod('peap', EapType.Peap, NAME, (env, ctx) => peapHooks(env.options.credentials, ctx.log));

/** AWAIT_ACK: our Finished is out, the peer answers with an empty message before phase 2. */
type Phase = 'HANDSHAKE' | 'AWAIT_ACK' | 'IDENTITY' | 'MSCHAPV2' | 'RESULT';

function peapHooks(credentials: CredentialStore, log: EapLogger): TlsMethodHooks {
  let phase: Phase = 'HANDSHAKE';
  const setPhase = (to: Phase) => {
    log.debug({ method: NAME, from: phase, to }, 'PEAP inner state');
    phase = to;
  };
  let identifier = randomInt(256);
  let identity = '';
  let mschap: MschapV2Server | undefined;
  /** Set when a Result TLV failure was sent: the reason the conversation ends with. */
  let failure: string | undefined;

  const fail = (reason: string): TunnelAction => ({ kind: 'fail', reason });
  const who = () => `inner user ${JSON.stringify(identity)}`;

  const send = async (tunnel: TlsTunnel, type: number, typeData: Buffer): Promise<TunnelAction> => {
    identifier = (identifier + 1) & 0xff;
    await tunnel.write(stripInnerEapHeader(encodeEapRequest(identifier, type, typeData)));
    return { kind: 'continue' };
  };

  const sendResult = (tunnel: TlsTunnel, result: PeapResultName, reason?: string): Promise<TunnelAction> => {
    setPhase('RESULT');
    failure = reason;
    return send(tunnel, EAP_TYPE_EXTENSIONS, encodePeapTlvs([resultTlv(result)]));
  };

  const decodeInner = (data: Buffer): EapPacket | string => {
    try {
      const packet = decodeEapPacket(restoreInnerEapHeader(data, { code: EapCode.Response, identifier }));
      return packet.code === EapCode.Response ? packet : `inner EAP code ${packet.code} is not a Response`;
    } catch (err) {
      if (err instanceof EapDecodeError || err instanceof PeapTlvError) return `malformed inner EAP packet: ${err.message}`;
      throw err;
    }
  };

  const onIdentity = (packet: Extract<EapPacket, { type: number }>, tunnel: TlsTunnel): Promise<TunnelAction> | TunnelAction => {
    if (packet.type !== EapType.Identity) return fail(`expected the inner EAP Identity, got type ${packet.type}`);
    const nul = packet.data.indexOf(0);
    identity = (nul >= 0 ? packet.data.subarray(0, nul) : packet.data).toString('utf8');
    if (identity === '' || identity.length > MAX_NAME_LENGTH) return fail('inner EAP identity is empty or longer than 253 characters');
    const user = lookupUser(credentials, identity);
    // Unknown users get a Challenge too: the answer to their Response is the same E=691.
    mschap = new MschapV2Server({ identity, creds: user?.creds });
    setPhase('MSCHAPV2');
    return send(tunnel, EapType.MsChapV2, mschap.challenge());
  };

  const onMschap = (packet: Extract<EapPacket, { type: number }>, tunnel: TlsTunnel): Promise<TunnelAction> => {
    if (packet.type === EapType.Nak) {
      return sendResult(tunnel, 'failure', `${who()}: peer refused inner EAP-MSCHAPv2 (NAK); it is the only inner method`);
    }
    if (packet.type !== EapType.MsChapV2 || !mschap) {
      return sendResult(tunnel, 'failure', `${who()}: unexpected inner EAP type ${packet.type} during MSCHAPv2`);
    }
    const step = mschap.handle(packet.data);
    switch (step.kind) {
      case 'request':
        return send(tunnel, EapType.MsChapV2, step.typeData);
      case 'failure':
        return sendResult(tunnel, 'failure', `${who()}: ${step.reason}`);
      case 'success':
        return sendResult(tunnel, 'success');
    }
  };

  const onResult = (packet: Extract<EapPacket, { type: number }>, tunnel: TlsTunnel): TunnelAction => {
    if (packet.type !== EAP_TYPE_EXTENSIONS) return fail(failure ?? `expected the Result TLV answer, got inner EAP type ${packet.type}`);
    let result: PeapResultName | undefined;
    try {
      const tlvs = decodePeapTlvs(packet.data);
      const unknown = unsupportedMandatoryTlvs(tlvs);
      if (unknown.length > 0) return fail(failure ?? `peer sent unsupported mandatory TLV(s) ${unknown.map((t) => t.type).join(', ')}`);
      result = findResult(tlvs);
    } catch (err) {
      if (err instanceof PeapTlvError) return fail(failure ?? `malformed Result TLV answer: ${err.message}`);
      throw err;
    }
    if (failure !== undefined) return fail(failure);
    if (result !== 'success') return fail(`${who()}: peer answered the Result TLV with ${result ?? 'no result'}`);
    return {
      kind: 'succeed',
      success: { ...deriveTlsKeys(tunnel, PEAP_KEY_LABELS), innerIdentity: identity, tlsVersion: tunnel.protocol, resumed: false },
    };
  };

  return {
    acceptPeerVersion: onlyVersionZero,
    async onHandshakeComplete(tunnel) {
      if (tunnel.takeApplicationData().length > 0) return fail('PEAP peer sent tunnel data before the server spoke');
      setPhase('AWAIT_ACK');
      return { kind: 'continue' };
    },
    async onPeerAck(tunnel) {
      if (phase !== 'AWAIT_ACK') return fail(`unexpected empty PEAP response (${phase.toLowerCase()} phase)`);
      setPhase('IDENTITY');
      // Inner EAP-Request/Identity: with its header stripped this is the single octet 0x01.
      return send(tunnel, EapType.Identity, Buffer.alloc(0));
    },
    async onApplicationData(data, tunnel) {
      if (phase === 'HANDSHAKE' || phase === 'AWAIT_ACK') return fail('PEAP peer sent tunnel data before the inner Identity request');
      const packet = decodeInner(data);
      if (typeof packet === 'string') return fail(failure ?? packet);
      if (!('type' in packet)) return fail('inner EAP packet without a type');
      switch (phase) {
        case 'IDENTITY':
          return onIdentity(packet, tunnel);
        case 'MSCHAPV2':
          return onMschap(packet, tunnel);
        case 'RESULT':
          return onResult(packet, tunnel);
      }
    },
  };
}
