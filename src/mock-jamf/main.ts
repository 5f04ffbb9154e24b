#!/usr/bin/env node
// node dist/mock-jamf/main.js --port 8443 --computers 500 --mobiles 100 --client-id X --client-secret Y
import { CommanderError } from 'commander';
import { runMockJamfCli } from './cli.js';

runMockJamfCli(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`mock-jamf: ${(err as Error).message}\n`);
  process.exit(1);
});
