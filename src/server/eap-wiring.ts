import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import type { EapAccessHandler } from './access.js';

/** Builds the EAP handler from the config's eap: section (none yet: EAP requests are rejected with a reason). */
export function createEapHandlerFactory(_log: Logger): (config: Config, dict: Dictionary) => EapAccessHandler | undefined {
  return () => undefined;
}
