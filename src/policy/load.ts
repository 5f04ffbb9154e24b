import type { Config } from '../config/load.js';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { compilePolicy, type PolicySource } from './compile.js';
import type { CompiledPolicy } from './policy.js';

// The policy a server runs: the config's, or — without a policy: section — a built-in one that accepts
// what proved its credentials and refuses MAB (which proves nothing).

export const BUILTIN_POLICY: PolicySource = {
  file: '(built-in policy: the config has no policy: section)',
  prefix: [],
  text: `
labels:
  credentials-proven: {method: [eap-tls, eap-ttls, peap, pap]}
rules:
  - name: authenticated
    match: [credentials-proven]
    action: allow
default: block
`,
};

export interface LoadedPolicy {
  policy: CompiledPolicy;
  warnings: ConfigProblem[];
  builtin: boolean;
}

/** Compiles the config's policy; throws ConfigError (file:line:column: reason) when it has errors. */
export function loadPolicy(config: Config, dict: Dictionary): LoadedPolicy {
  const source = config.policy ?? BUILTIN_POLICY;
  const result = compilePolicy(source, { dict, clientNames: config.clients.map((c) => c.name), jamfConfigured: config.jamf !== undefined });
  if (!result.policy) throw new ConfigError(result.errors);
  return { policy: result.policy, warnings: result.warnings, builtin: config.policy === undefined };
}
