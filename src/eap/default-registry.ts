/** The methods this build ships. TTLS and PEAP register here when they exist. */
import { eapTlsMethod } from './methods/tls.js';
import { EapMethodRegistry } from './registry.js';

export function createDefaultRegistry(): EapMethodRegistry {
  return new EapMethodRegistry().register(eapTlsMethod);
}
