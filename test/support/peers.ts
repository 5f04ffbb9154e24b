import { execFile, spawnSync } from 'node:child_process';

// Real peers (Debian packages) for interop tests. A missing peer FAILS the test with the install command:
// CI installs them in .ci/run, and a silent skip would hide a broken feature.

const PACKAGES: Record<string, string> = {
  radclient: 'freeradius-utils',
  eapol_test: 'eapoltest',
  hostapd: 'hostapd',
  wpa_supplicant: 'wpasupplicant',
  tshark: 'tshark',
};

export function requirePeer(binary: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(`${binary} is not installed: apt-get install -y ${PACKAGES[binary] ?? binary} (run .ci/run, which installs every peer)`);
  }
  return path;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with stdin, bounded by a timeout; never rejects (the caller asserts on the result). */
export function run(binary: string, args: string[], input = '', timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(binary, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err && typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : err ? null : 0;
      resolve({ code: code ?? (child.exitCode ?? null), stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(input);
  });
}

/** radclient against 127.0.0.1:port; `-r 1 -t T` so "no answer" costs one timeout only. */
export function radclient(port: number, kind: 'auth' | 'acct' | 'status', secret: string, input: string, extra: string[] = [], timeoutSeconds = 1): Promise<RunResult> {
  requirePeer('radclient');
  return run('radclient', ['-x', '-r', '1', '-t', String(timeoutSeconds), ...extra, `127.0.0.1:${port}`, kind, secret], input);
}
