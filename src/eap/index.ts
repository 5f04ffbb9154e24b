/** Public surface of the EAP layer (what src/radius and src/server import). */
export { EapEngine } from './engine.js';
export type { EapRequest, EapResult, EapMethodName, EapLogger } from './types.js';
export { EAP_METHOD_NAMES, silentLogger } from './types.js';
export type { EapEngineOptions, EapTlsOptions, PemInput, TlsVersionName } from './options.js';
export { EAP_DEFAULTS, resolveEapOptions } from './options.js';
export type { ClientCertificateInfo } from './identity/certificate-info.js';
export { describeCertificate } from './identity/certificate-info.js';
export type { UdidSource } from './identity/udid.js';
export { DEFAULT_UDID_SOURCES, UDID_SOURCES, extractUdid } from './identity/udid.js';
export { EapError, EapDecodeError, EapConfigError, EapErrorCode } from './errors.js';
export {
  EapCode,
  EapType,
  decodeEapPacket,
  encodeEapPacket,
  eapPacketLength,
  type EapPacket,
} from './codec.js';
export type { EapMethod, EapMethodSession, EapSessionContext, EapResponseInfo, MethodStep, MethodSuccess } from './method.js';
export { EapMethodRegistry, type EapMethodDefinition, type EapMethodEnvironment } from './registry.js';
export { createDefaultRegistry } from './default-registry.js';
