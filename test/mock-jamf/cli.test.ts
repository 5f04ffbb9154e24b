import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeMockJamf, parseMockJamfArgs } from '../../src/mock-jamf/cli.js';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { clientToken } from './helpers.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

describe('mock-jamf command line', () => {
  it('turns the documented flags into server options', () => {
    const o = parseMockJamfArgs(['--port', '0', '--computers', '500', '--mobiles', '100', '--client-id', 'X', '--client-secret', 'Y',
      '--page-size-cap', '100', '--older-server', '--latency', '25']);
    expect(o).toMatchObject({
      port: 0, seed: { computers: 500, mobileDevices: 100, seed: 1 }, clients: [{ id: 'X', secret: 'Y' }],
      pageSizeCap: 100, olderServer: true, latencyMs: 25, tokenLifetimeSeconds: 599,
    });
  });

  it('rejects a non-numeric count and prints help on --help', () => {
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const out = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    expect(() => parseMockJamfArgs(['--computers', 'many'])).toThrow(CommanderError);
    let exit: CommanderError | undefined;
    try {
      parseMockJamfArgs(['--help']);
    } catch (err) {
      exit = err as CommanderError;
    }
    expect(exit?.exitCode).toBe(0);
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain('--client-secret');
  });

  it('prints the URL and working credentials', async () => {
    const options = parseMockJamfArgs(['--port', '0', '--computers', '7', '--mobiles', '2', '--client-id', 'demo', '--client-secret', 'demo-secret']);
    server = await startMockJamf(options);
    const text = describeMockJamf(server, options);
    expect(text).toContain(`listening on ${server.url}`);
    expect(text).toContain('7 computers, 2 mobile devices');
    expect(text).toContain('demo-secret');
    await expect(clientToken(server, '/api/oauth/token', 'demo', 'demo-secret')).resolves.toEqual(expect.any(String));
  });
});
