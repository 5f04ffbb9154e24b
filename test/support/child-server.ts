import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { baseConfig } from './test-server.js';

export const CLI = resolve(import.meta.dirname, '../../dist/cli/index.js');

export interface ChildServer {
  child: ChildProcess;
  authPort: number;
  acctPort: number;
  dir: string;
  configFile: string;
  /** Everything the server logged so far. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `portcullis serve` from dist/ as a real process (signals, crashes) and waits until it listens. */
export async function spawnServer(patch: (c: Record<string, unknown>) => void = () => {}): Promise<ChildServer> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-child-'));
  const config = baseConfig(dir);
  (config.log as Record<string, unknown>).level = 'info';
  patch(config);
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify(config));
  const child = spawn(process.execPath, [CLI, 'serve', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const listening = await new Promise<{ auth: string[]; acct: string[] }>((resolveListen, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started server behind
      reject(new Error(`server did not start within 10 s:\n${out}`));
    }, 10_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.includes('"portcullis listening"'));
      if (line) {
        clearTimeout(timer);
        resolveListen(JSON.parse(line));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const port = (s: string) => Number(s.slice(s.lastIndexOf(':') + 1));
  return {
    child, dir, configFile,
    authPort: port(listening.auth[0]),
    acctPort: port(listening.acct[0]),
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill(signal);
      }),
  };
}
