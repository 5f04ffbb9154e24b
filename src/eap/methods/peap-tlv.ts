/**
 * PEAPv0 inner pieces ([MS-PEAP]): the EAP TLV Extensions method (EAP type 33) TLV codec with the
 * Result TLV (§2.2.8.1.2) and Cryptobinding TLV (§2.2.8.1.1), and PEAPv0's habit of sending inner
 * EAP packets without their 4-byte EAP header (hostapd eap_server_peap.c does the same).
 *
 *   TLV: M (1 bit) | R (1 bit) | Type (14 bits) | Length (2, value only) | Value
 *
 * Pure functions over Buffers; decode errors are PeapTlvError.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const EAP_TYPE_PEAP = 25;
/** EAP TLV Extensions method: the only inner type PEAPv0 sends with its full EAP header. */
export const EAP_TYPE_EXTENSIONS = 33;
const EAP_HEADER_LENGTH = 4;
const MAX_EAP_LENGTH = 0xffff;

const TLV_HEADER_LENGTH = 4;
const TLV_FLAG_MANDATORY = 0x8000;
const TLV_TYPE_MASK = 0x3fff;
const MAX_TLV_VALUE_LENGTH = 0xffff;

/** Caps on one decrypted TLV message, so a peer cannot make us loop without bound. */
export const TLV_LIMITS = { maxInputBytes: 16 * 1024, maxTlvs: 64 } as const;

export const PeapTlvType = { Result: 3, VendorSpecific: 7, CryptoBinding: 12 } as const;
export const PeapResult = { Success: 1, Failure: 2 } as const;
export const CryptoBindingSubType = { Request: 0, Response: 1 } as const;

const RESULT_VALUE_LENGTH = 2;
const CRYPTO_BINDING_VALUE_LENGTH = 56;
const NONCE_LENGTH = 32;
const COMPOUND_MAC_LENGTH = 20;

export interface PeapTlv {
  type: number;
  mandatory: boolean;
  value: Buffer;
}

const ERROR_TEXT = {
  ERR_PEAP_TLV_INPUT_TOO_LARGE: 'TLV data exceeds the size limit',
  ERR_PEAP_TLV_TOO_MANY: 'too many TLVs',
  ERR_PEAP_TLV_TRUNCATED_HEADER: 'truncated TLV header',
  ERR_PEAP_TLV_OVERFLOW: 'TLV length runs past the end of the data',
  ERR_PEAP_TLV_BAD_RESULT: 'malformed Result TLV',
  ERR_PEAP_TLV_BAD_CRYPTO_BINDING: 'malformed Cryptobinding TLV',
  ERR_PEAP_TLV_TOO_LONG: 'TLV value too long or type out of range to encode',
  ERR_PEAP_INNER_EAP_TOO_SHORT: 'inner EAP packet too short',
  ERR_PEAP_INNER_EAP_TOO_LONG: 'inner EAP packet too long',
} as const;
export type PeapTlvErrorCode = keyof typeof ERROR_TEXT;

/** The only error this module throws. `offset` is where in the input the problem starts. */
export class PeapTlvError extends Error {
  override readonly name = 'PeapTlvError';
  constructor(
    readonly code: PeapTlvErrorCode,
    readonly offset: number,
  ) {
    super(`Cannot decode PEAP TLVs (${ERROR_TEXT[code]}) at offset ${offset}`);
  }
}

function fail(code: PeapTlvErrorCode, offset = 0): never {
  throw new PeapTlvError(code, offset);
}

/** Decodes the Type-Data of an EAP type-33 packet into TLVs. Values are copies. */
export function decodePeapTlvs(typeData: Uint8Array): PeapTlv[] {
  if (typeData.length > TLV_LIMITS.maxInputBytes) fail('ERR_PEAP_TLV_INPUT_TOO_LARGE');
  const view = Buffer.from(typeData.buffer, typeData.byteOffset, typeData.byteLength);
  const tlvs: PeapTlv[] = [];
  let offset = 0;
  while (offset < view.length) {
    if (tlvs.length === TLV_LIMITS.maxTlvs) fail('ERR_PEAP_TLV_TOO_MANY', offset);
    if (view.length - offset < TLV_HEADER_LENGTH) fail('ERR_PEAP_TLV_TRUNCATED_HEADER', offset);
    const typeField = view.readUInt16BE(offset);
    const length = view.readUInt16BE(offset + 2);
    const start = offset + TLV_HEADER_LENGTH;
    if (length > view.length - start) fail('ERR_PEAP_TLV_OVERFLOW', offset);
    tlvs.push({
      // The R bit (0x4000) is reserved: ignored on receipt.
      type: typeField & TLV_TYPE_MASK,
      mandatory: (typeField & TLV_FLAG_MANDATORY) !== 0,
      value: Buffer.from(view.subarray(start, start + length)),
    });
    offset = start + length;
  }
  return tlvs;
}

function isIntIn(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= max;
}

/** Encodes one TLV (R bit zero). */
export function encodePeapTlv(tlv: PeapTlv): Buffer {
  if (!isIntIn(tlv.type, TLV_TYPE_MASK) || tlv.value.length > MAX_TLV_VALUE_LENGTH) {
    fail('ERR_PEAP_TLV_TOO_LONG');
  }
  const out = Buffer.alloc(TLV_HEADER_LENGTH + tlv.value.length);
  out.writeUInt16BE(tlv.type | (tlv.mandatory ? TLV_FLAG_MANDATORY : 0), 0);
  out.writeUInt16BE(tlv.value.length, 2);
  out.set(tlv.value, TLV_HEADER_LENGTH);
  return out;
}

/** Encodes TLVs back to back: the Type-Data of an EAP type-33 packet. */
export function encodePeapTlvs(tlvs: readonly PeapTlv[]): Buffer {
  return Buffer.concat(tlvs.map(encodePeapTlv));
}

/** TLVs with the M bit whose type is not in `supported`: [MS-PEAP] §2.2.4 says discard the packet. */
export function unsupportedMandatoryTlvs(
  tlvs: readonly PeapTlv[],
  supported: readonly number[] = [PeapTlvType.Result, PeapTlvType.CryptoBinding],
): PeapTlv[] {
  return tlvs.filter((tlv) => tlv.mandatory && !supported.includes(tlv.type));
}

export type PeapResultName = 'success' | 'failure';

/** Result TLV, M bit set as [MS-PEAP] §2.2.8.1.2 requires. */
export function resultTlv(result: PeapResultName): PeapTlv {
  const value = Buffer.alloc(RESULT_VALUE_LENGTH);
  value.writeUInt16BE(result === 'success' ? PeapResult.Success : PeapResult.Failure, 0);
  return { type: PeapTlvType.Result, mandatory: true, value };
}

/** The Result TLV's status, undefined if absent; a wrong length or status throws PeapTlvError. */
export function findResult(tlvs: readonly PeapTlv[]): PeapResultName | undefined {
  const tlv = tlvs.find((t) => t.type === PeapTlvType.Result);
  if (tlv === undefined) return undefined;
  if (tlv.value.length !== RESULT_VALUE_LENGTH) fail('ERR_PEAP_TLV_BAD_RESULT');
  const status = tlv.value.readUInt16BE(0);
  if (status === PeapResult.Success) return 'success';
  if (status === PeapResult.Failure) return 'failure';
  fail('ERR_PEAP_TLV_BAD_RESULT');
}

/** Cryptobinding TLV value, [MS-PEAP] §2.2.8.1.1 (the leading Reserved byte is sent as 0). */
export interface CryptoBinding {
  version: number;
  recvVersion: number;
  subType: number;
  /** 32 bytes. */
  nonce: Buffer;
  /** 20 bytes: HMAC-SHA1 under the CMK, see `compoundMac()`. */
  compoundMac: Buffer;
}

/** Cryptobinding TLV; M bit clear as [MS-PEAP] §2.2.8.1.1 requires. */
export function cryptoBindingTlv(binding: CryptoBinding): PeapTlv {
  const wellFormed =
    binding.nonce.length === NONCE_LENGTH &&
    binding.compoundMac.length === COMPOUND_MAC_LENGTH &&
    [binding.version, binding.recvVersion, binding.subType].every((n) => isIntIn(n, 0xff));
  if (!wellFormed) fail('ERR_PEAP_TLV_BAD_CRYPTO_BINDING');
  const value = Buffer.alloc(CRYPTO_BINDING_VALUE_LENGTH);
  value[1] = binding.version;
  value[2] = binding.recvVersion;
  value[3] = binding.subType;
  binding.nonce.copy(value, 4);
  binding.compoundMac.copy(value, 4 + NONCE_LENGTH);
  return { type: PeapTlvType.CryptoBinding, mandatory: false, value };
}

/** The Cryptobinding TLV, undefined if absent; a value that is not 56 bytes throws PeapTlvError. */
export function findCryptoBinding(tlvs: readonly PeapTlv[]): CryptoBinding | undefined {
  const tlv = tlvs.find((t) => t.type === PeapTlvType.CryptoBinding);
  if (tlv === undefined) return undefined;
  if (tlv.value.length !== CRYPTO_BINDING_VALUE_LENGTH) fail('ERR_PEAP_TLV_BAD_CRYPTO_BINDING');
  return {
    version: tlv.value[1],
    recvVersion: tlv.value[2],
    subType: tlv.value[3],
    nonce: Buffer.from(tlv.value.subarray(4, 4 + NONCE_LENGTH)),
    compoundMac: Buffer.from(tlv.value.subarray(4 + NONCE_LENGTH)),
  };
}

/**
 * Compound_MAC = HMAC-SHA1(CMK, Cryptobinding TLV with the MAC zeroed (60 bytes) ‖ 25 ‖
 * Outer_TLV_Data), [MS-PEAP] §3.1.5.5.1. Outer TLVs are not used by PEAPv0 peers we serve, so
 * `outerTlvData` defaults to empty (as in hostapd). Deriving the CMK itself is the PEAP method's job.
 */
export function compoundMac(
  cmk: Uint8Array,
  binding: CryptoBinding,
  outerTlvData: Uint8Array = Buffer.alloc(0),
): Buffer {
  const zeroed = cryptoBindingTlv({ ...binding, compoundMac: Buffer.alloc(COMPOUND_MAC_LENGTH) });
  return createHmac('sha1', cmk)
    .update(encodePeapTlv(zeroed))
    .update(Buffer.of(EAP_TYPE_PEAP))
    .update(outerTlvData)
    .digest();
}

/** Constant-time check of a received Cryptobinding TLV's Compound_MAC. */
export function verifyCompoundMac(
  cmk: Uint8Array,
  binding: CryptoBinding,
  outerTlvData?: Uint8Array,
): boolean {
  const expected = compoundMac(cmk, binding, outerTlvData);
  return binding.compoundMac.length === expected.length && timingSafeEqual(binding.compoundMac, expected);
}

/**
 * PEAPv0 send side: the inner EAP packet without its Code/Identifier/Length header, except
 * type-33 (EAP TLV Extensions) packets, which keep it.
 */
export function stripInnerEapHeader(eapPacket: Uint8Array): Buffer {
  if (eapPacket.length <= EAP_HEADER_LENGTH) fail('ERR_PEAP_INNER_EAP_TOO_SHORT');
  if (eapPacket[EAP_HEADER_LENGTH] === EAP_TYPE_EXTENSIONS) return Buffer.from(eapPacket);
  return Buffer.from(eapPacket.subarray(EAP_HEADER_LENGTH));
}

/**
 * PEAPv0 receive side: rebuilds the full inner EAP packet. `outer` is the code and identifier of
 * the outer EAP packet that carried the tunnel data (hostapd copies them the same way). A payload
 * that already is a complete type-33 packet with that code is returned unchanged.
 */
export function restoreInnerEapHeader(
  payload: Uint8Array,
  outer: { code: number; identifier: number },
): Buffer {
  if (payload.length === 0) fail('ERR_PEAP_INNER_EAP_TOO_SHORT');
  if (payload.length > MAX_EAP_LENGTH - EAP_HEADER_LENGTH) fail('ERR_PEAP_INNER_EAP_TOO_LONG');
  const isFullTlvPacket =
    payload.length > EAP_HEADER_LENGTH &&
    payload[0] === outer.code &&
    ((payload[2] << 8) | payload[3]) === payload.length &&
    payload[EAP_HEADER_LENGTH] === EAP_TYPE_EXTENSIONS;
  if (isFullTlvPacket) return Buffer.from(payload);
  const packet = Buffer.alloc(EAP_HEADER_LENGTH + payload.length);
  packet[0] = outer.code;
  packet[1] = outer.identifier;
  packet.writeUInt16BE(packet.length, 2);
  packet.set(payload, EAP_HEADER_LENGTH);
  return packet;
}
