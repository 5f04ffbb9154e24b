import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { radclient, requirePeer, run } from '../support/peers.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/test-server.js';

// BlastRADIUS: every Access-Accept / Access-Reject carries Message-Authenticator as its FIRST attribute.
// Checked on the wire with tshark (Wireshark's dissector), not with our own decoder.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

it('tshark sees Message-Authenticator first in every Access-Accept and Access-Reject', async () => {
  requirePeer('tshark');
  const pcap = join(mkdtempSync(join(tmpdir(), 'portcullis-pcap-')), 'radius.pcap');
  const tshark = spawn('tshark', ['-i', 'lo', '-f', `udp src port ${t.authPort}`, '-w', pcap, '-a', 'duration:30'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  tshark.stderr.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tshark did not start capturing:\n${err}`)), 15_000);
    tshark.stderr.on('data', () => {
      if (err.includes('Capturing on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // dumpcap announces the interface a moment before its filter is live.
  await new Promise((r) => setTimeout(r, 1500));
  const requests = [
    'User-Name = "020000008002"\nUser-Password = "020000008002"\nMessage-Authenticator = 0x00\n',
    'User-Name = "0200000000aa"\nUser-Password = "0200000000aa"\nMessage-Authenticator = 0x00\n',
    'User-Name = "testuser"\nUser-Password = "testpass"\nMessage-Authenticator = 0x00\nProxy-State = 0x0102\n',
    'User-Name = "testuser"\nUser-Password = "bad"\nMessage-Authenticator = 0x00\n',
  ];
  for (const r of requests) expect((await radclient(t.authPort, 'auth', TEST_SECRET, r)).stdout).toMatch(/Received Access-(Accept|Reject)/);
  await new Promise((r) => setTimeout(r, 500));
  await new Promise<void>((resolve) => {
    tshark.once('exit', () => resolve());
    tshark.kill('SIGINT');
  });
  const fields = await run('tshark', ['-r', pcap, '-d', `udp.port==${t.authPort},radius`, '-Y', 'radius', '-T', 'fields', '-e', 'radius.code', '-e', 'radius.avp.type']);
  const rows = fields.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
  expect(rows.length).toBe(4);
  const codes = rows.map((r) => r[0]).sort();
  expect(codes).toEqual(['2', '2', '3', '3']);
  for (const [, types] of rows) expect(types.split(',')[0]).toBe('80');
  // Proxy-State is echoed after it (RFC 2865 §5.33).
  expect(rows.some(([, types]) => types === '80,33')).toBe(true);
});
