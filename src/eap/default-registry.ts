/** The methods this build ships. */
import { peapMethod } from './methods/peap.js';
import { eapTlsMethod } from './methods/tls.js';
import { eapTtlsMethod } from './methods/ttls.js';
import { EapMethodRegistry } from './registry.js';

export function createDefaultRegistry(): EapMethodRegistry {
  return new EapMethodRegistry().register(eapTlsMethod).register(eapTtlsMethod).register(peapMethod);
}
