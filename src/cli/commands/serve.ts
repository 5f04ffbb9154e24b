import { startServer } from '../../app.js';
import { ConfigError } from '../../config/errors.js';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../log/logger.js';
import { createEapProvider } from '../../server/eap-wiring.js';

export async function serve(configFile: string): Promise<void> {
  let config;
  try {
    config = loadConfig(configFile);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portcullis: refusing to start, the configuration has errors:\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger({ level: config.log.level });
  let server;
  try {
    server = await startServer(configFile, { log, config, eap: createEapProvider(log) });
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`portcullis: refusing to start:\n${err.message}\n`);
    else process.stderr.write(`portcullis: cannot start: ${(err as Error).message}\n`);
    log.flush();
    process.exit(1);
  }
  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading configuration');
    server.reload();
  });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.stop().then(() => {
      log.flush();
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
