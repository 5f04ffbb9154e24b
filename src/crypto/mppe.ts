/**
 * MPPE key derivation from MS-CHAPv2 (RFC 3079 §3.3–3.4), and the keys EAP-MSCHAPv2 exports.
 *
 * Inside PEAP the MS-MPPE keys in the Access-Accept come from the TLS tunnel (or from the
 * crypto-binding CSK), not from here. What PEAP needs from the inner EAP-MSCHAPv2 is its MSK:
 * its first 32 bytes are the Inner Session Key (ISK) that crypto binding mixes into the CMK.
 *
 * Who is who, on the authenticator (server) side:
 *  - [MS-CHAP] §3.1.5.1: MS-MPPE-Recv-Key = MasterReceiveKey, MS-MPPE-Send-Key = MasterSendKey,
 *    MSK = MasterReceiveKey ‖ MasterSendKey ‖ 32 zero bytes (64 bytes).
 *  - [MS-PEAP] §3.1.5.5.2.2: Server ISK = InnerMPPERecvKey ‖ InnerMPPESendKey = MSK[0..32).
 *  - hostapd's eap_server_mschapv2 getKey returns the same 32 bytes (recv ‖ send, IsServer=1).
 *  - RFC 3079 §3.4 GetAsymmetricStartKey: the server's send key uses Magic3, its receive key
 *    Magic2; the peer's are the other way round, so server-send = peer-receive.
 */
import { createHash } from 'node:crypto';
import { hashNtPasswordHash, NT_HASH_LENGTH, NT_RESPONSE_LENGTH } from './mschapv2.js';

export const MPPE_MASTER_KEY_LENGTH = 16;
/** 16 bytes = 128-bit keys; 8 bytes are what 40- and 56-bit MPPE start from. */
export type MppeKeyLength = 8 | 16;

// RFC 3079 §3.4 constants (ASCII, no NUL).
const MAGIC1 = Buffer.from('This is the MPPE Master Key', 'ascii');
const MAGIC2 = Buffer.from(
  'On the client side, this is the send key; on the server side, it is the receive key.',
  'ascii',
);
const MAGIC3 = Buffer.from(
  'On the client side, this is the receive key; on the server side, it is the send key.',
  'ascii',
);
const SHS_PAD1 = Buffer.alloc(40, 0x00);
const SHS_PAD2 = Buffer.alloc(40, 0xf2);

function requireLength(what: string, value: Uint8Array, length: number): void {
  if (value.length !== length) throw new RangeError(`${what} must be ${length} bytes, got ${value.length}`);
}

/** RFC 3079 §3.4 GetMasterKey: SHA1(PasswordHashHash ‖ NT-Response ‖ Magic1)[0..16). */
export function getMasterKey(passwordHashHash: Uint8Array, ntResponse: Uint8Array): Buffer {
  requireLength('PasswordHashHash', passwordHashHash, NT_HASH_LENGTH);
  requireLength('NT-Response', ntResponse, NT_RESPONSE_LENGTH);
  return createHash('sha1')
    .update(passwordHashHash)
    .update(ntResponse)
    .update(MAGIC1)
    .digest()
    .subarray(0, MPPE_MASTER_KEY_LENGTH);
}

/** RFC 3079 §3.4 GetAsymmetricStartKey: SHA1(MasterKey ‖ SHSpad1 ‖ Magic ‖ SHSpad2)[0..len). */
export function getAsymmetricStartKey(
  masterKey: Uint8Array,
  keyLength: MppeKeyLength,
  isSend: boolean,
  isServer: boolean,
): Buffer {
  requireLength('MasterKey', masterKey, MPPE_MASTER_KEY_LENGTH);
  const magic = isSend === isServer ? MAGIC3 : MAGIC2;
  return createHash('sha1')
    .update(masterKey)
    .update(SHS_PAD1)
    .update(magic)
    .update(SHS_PAD2)
    .digest()
    .subarray(0, keyLength);
}

/**
 * RFC 3079 §3.3 GetNewKeyFromSHA: SHA1(StartKey ‖ SHSpad1 ‖ SessionKey ‖ SHSpad2)[0..len).
 * Only PPP's MPPE re-keying uses this; kept because RFC 3079 §3.5 vectors exercise it.
 */
export function getNewKeyFromSha(
  startKey: Uint8Array,
  sessionKey: Uint8Array,
  keyLength: MppeKeyLength,
): Buffer {
  if (startKey.length < keyLength || sessionKey.length < keyLength) {
    throw new RangeError(`start and session keys must be at least ${keyLength} bytes`);
  }
  return createHash('sha1')
    .update(startKey.subarray(0, keyLength))
    .update(SHS_PAD1)
    .update(sessionKey.subarray(0, keyLength))
    .update(SHS_PAD2)
    .digest()
    .subarray(0, keyLength);
}

export interface Mschapv2ServerKeys {
  /** RFC 3079 MasterKey (16 bytes). */
  masterKey: Buffer;
  /** Server's MasterSendKey = MS-MPPE-Send-Key on the authenticator (16 bytes). */
  sendKey: Buffer;
  /** Server's MasterReceiveKey = MS-MPPE-Recv-Key on the authenticator (16 bytes). */
  recvKey: Buffer;
  /** EAP-MSCHAPv2 MSK, [MS-CHAP] §3.1.5.1: recvKey ‖ sendKey ‖ 32 zero bytes (64 bytes). */
  msk: Buffer;
  /** PEAP Inner Session Key for crypto binding, [MS-PEAP] §3.1.5.5.2.2: recvKey ‖ sendKey (32 bytes). */
  isk: Buffer;
}

/**
 * All keys an EAP-MSCHAPv2 server exports after a successful NT-Response check.
 * Inputs are the account's NT hash and the peer's verified 24-byte NT-Response.
 */
export function deriveMschapv2ServerKeys(ntHash: Uint8Array, ntResponse: Uint8Array): Mschapv2ServerKeys {
  const masterKey = getMasterKey(hashNtPasswordHash(ntHash), ntResponse);
  const sendKey = getAsymmetricStartKey(masterKey, 16, true, true);
  const recvKey = getAsymmetricStartKey(masterKey, 16, false, true);
  const isk = Buffer.concat([recvKey, sendKey]);
  const msk = Buffer.concat([isk, Buffer.alloc(32)]);
  return { masterKey, sendKey, recvKey, msk, isk };
}
