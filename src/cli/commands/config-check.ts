import { BUILTIN_DICTIONARIES } from '../../app.js';
import { ConfigError, formatProblem } from '../../config/errors.js';
import { loadPolicy } from '../../policy/load.js';
import { loadConfig } from '../../config/load.js';
import { DictionaryError } from '../../radius/dictionary/errors.js';
import { loadDictionaries } from '../../radius/dictionary/parser.js';
import { EapConfigError } from '../../eap/errors.js';
import { resolveEapOptions } from '../../eap/options.js';
import { engineOptions } from '../../server/eap-wiring.js';

/** Validates a config file and its dictionaries; prints every problem; exit code 1 on any. */
export function configCheck(configFile: string): number {
  try {
    const config = loadConfig(configFile);
    const dict = loadDictionaries([BUILTIN_DICTIONARIES, ...config.dictionaries]);
    // Certificates, keys, CAs and CRLs are read and checked exactly as the server will.
    if (config.eap) resolveEapOptions(engineOptions(config.eap));
    const { policy, warnings, builtin } = loadPolicy(config, dict);
    for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
    process.stdout.write(
      `${configFile}: OK — ${config.clients.length} client(s), ${config.users.size} local user(s), ` +
        `${builtin ? 'no policy (built-in: 802.1X/PAP allowed, MAB refused)' : `policy ${policy.version} with ${policy.rules.length} rule(s)`}, ` +
        `${dict.attributeCount} dictionary attributes${config.eap ? `, EAP ${config.eap.methods.join('/')}` : ''}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof EapConfigError) {
      process.stderr.write(`${configFile}: eap: ${err.problems.join(`\n${configFile}: eap: `)}\n`);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof DictionaryError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
