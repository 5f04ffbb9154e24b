// `portcullis jamf test|sync|status` from dist/ against the mock Jamf Pro: what an admin sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { CLIENT_ID, CLIENT_SECRET, MOBILE_GROUP, COMPUTER_GROUP, cli, jamfSection, tempDir, writeConfig } from './harness.js';

let mock: MockJamf;
beforeAll(async () => {
  mock = await startMockJamf({ seed: { seed: 5, computers: 120, mobileDevices: 30 }, clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }] });
});
afterAll(async () => {
  await mock?.close();
});

describe('portcullis jamf test', () => {
  it('bad credentials: one clear line with the hint, exit code 1, no secret', async () => {
    const dir = tempDir();
    const wrong = 'not-the-right-secret-42';
    const r = await cli(['jamf', 'test', '-c', writeConfig(dir, jamfSection(mock.url, dir, wrong))]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^FAIL credentials: Jamf POST \S*oauth\/token.*HTTP 400/);
    expect(lines[0]).toContain(`hint: Jamf rejected the API client credentials: check jamf.client_id "${CLIENT_ID}"`);
    expect(lines[0]).toContain('(file ');
    expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
    // The only other output is the warning that the mock speaks plain http.
    expect(r.stderr.trim().split('\n').filter(Boolean).every((l) => l.startsWith('portcullis: warning: jamf.url'))).toBe(true);
  });

  it('good credentials: ok lines for credentials, server, privileges and both groups', async () => {
    const dir = tempDir();
    const r = await cli(['jamf', 'test', '-c', writeConfig(dir, jamfSection(mock.url, dir))]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.every((l) => l.startsWith('ok   '))).toBe(true);
    expect(lines[0]).toMatch(/^ok {3}credentials: token issued for API client "portcullis-nac"/);
    expect(lines.some((l) => l.startsWith(`ok   computer group "${COMPUTER_GROUP}": found`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`ok   mobile group "${MOBILE_GROUP}": found`))).toBe(true);
  });

  it('a group that does not exist is a FAIL line and exit code 1', async () => {
    const dir = tempDir();
    const r = await cli(['jamf', 'test', '-c', writeConfig(dir, jamfSection(mock.url, dir, CLIENT_SECRET, { computer_groups: ['Compliant Macz'] }))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL computer group "Compliant Macz": not found/m);
  });
});

describe('portcullis jamf sync / status', () => {
  it('a failed sync exits 1, keeps the previous snapshot and shows the error in status', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, jamfSection(mock.url, dir));
    const ok = await cli(['jamf', 'sync', '-c', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^synced 120 computer\(s\) and 30 mobile device\(s\)/);
    expect(ok.stderr).not.toMatch(/^computers: /m); // no progress lines for a small fleet

    mock.injectFault({ path: '/api/v4/computers-inventory', status: 500 });
    mock.injectFault({ path: '/api/v1/computers-inventory', status: 500 });
    try {
      const failed = await cli(['jamf', 'sync', '-c', file]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/^portcullis: Jamf sync failed: Jamf GET api\/v\d\/computers-inventory.*HTTP 500/m);
      expect(failed.stderr).toContain('the previous snapshot of 150 devices is kept');
    } finally {
      mock.clearFaults();
    }

    const status = JSON.parse((await cli(['jamf', 'status', '-c', file, '--json'])).stdout) as { lastError: string; devices: { total: number } };
    expect(status.lastError).toMatch(/HTTP 500/);
    expect(status.devices.total).toBe(150);
    const list = JSON.parse((await cli(['devices', 'list', '-c', file, '--json'])).stdout) as unknown[];
    expect(list).toHaveLength(150);
  }, 60_000);

  it('explains a missing jamf: section and a missing database', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, {}, (c) => {
      delete c.jamf;
    });
    const t = await cli(['jamf', 'test', '-c', file]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain(`${file} has no jamf: section`);
    const s = await cli(['jamf', 'status', '-c', file]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/no database at .*portcullis\.db yet/);
    const bad = await cli(['devices', 'list', '-c', file, '--state', 'green']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--state must be one of compliant, non-compliant, stale');
  });

  it('every new command has --help', async () => {
    for (const cmd of [['jamf'], ['jamf', 'test'], ['jamf', 'sync'], ['jamf', 'status'], ['devices', 'list'], ['devices', 'show']]) {
      const r = await cli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: portcullis/);
    }
  });
});
