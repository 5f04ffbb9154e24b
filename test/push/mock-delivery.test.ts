// The mock Jamf Pro's webhook delivery: the envelope Jamf sends, its authentication, the smart_group_id filter,
// and the loopback-only rule that keeps tests on the machine.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/jamf/webhook-schemas.js';
import { DeviceKind, startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

interface Received {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

async function sink(): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

async function mock(): Promise<MockJamf> {
  const m = await startMockJamf({ seed: { seed: 4, computers: 10, mobileDevices: 5 } });
  closers.push(() => m.close());
  return m;
}

describe('mock Jamf webhook delivery', () => {
  it('POSTs the membership-change envelope with header auth, only for the watched group', async () => {
    const m = await mock();
    const s = await sink();
    const compliant = m.state.group(DeviceKind.computer, 'Compliant Macs')!;
    m.state.addWebhook({
      name: 'h', url: s.url, event: 'SmartGroupComputerMembershipChange', smartGroupId: compliant.id,
      authenticationType: 'HEADER', header: '{"X-Token":"abc"}',
    });
    const id = [...compliant.members][0];
    m.state.moveDevice(DeviceKind.computer, id, 'Compliant Macs', 'Quarantine');
    await m.webhooks.idle();

    expect(s.got).toHaveLength(1);
    expect(s.got[0].headers['x-token']).toBe('abc');
    expect(s.got[0].headers['content-type']).toMatch(/^application\/json/);
    const w = parseWebhook(s.got[0].body);
    expect(w.type === 'SmartGroupComputerMembershipChange' && w.event).toEqual({ computer: true, name: 'Compliant Macs', groupId: compliant.id, added: [], removed: [id] });
    expect(m.webhooks.deliveries[0]).toMatchObject({ status: 200, event: 'SmartGroupComputerMembershipChange' });
  });

  it('sends an inventory-completed event for an updated device, with Basic auth', async () => {
    const m = await mock();
    const s = await sink();
    m.state.addWebhook({ name: 'i', url: s.url, event: 'ComputerInventoryCompleted', authenticationType: 'BASIC', username: 'u', password: 'p' });
    m.state.updateComputer(3, { osVersion: '15.1' });
    await m.webhooks.idle();
    expect(s.got[0].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    const w = parseWebhook(s.got[0].body);
    expect(w.type === 'ComputerInventoryCompleted' && w.event).toMatchObject({ jssID: 3, osVersion: '15.1', udid: m.state.computers.get(3)!.udid });
  });

  it('never sends to a non-loopback URL, and skips XML hooks', async () => {
    const m = await mock();
    m.state.addWebhook({ name: 'far', url: 'https://hooks.example.com/x', event: 'ComputerInventoryCompleted' });
    m.state.addWebhook({ name: 'xml', url: 'http://127.0.0.1:9/x', event: 'ComputerInventoryCompleted', contentType: 'text/xml' });
    m.state.updateComputer(1, { osVersion: '15.2' });
    await m.webhooks.idle();
    expect(m.webhooks.deliveries.map((d) => [d.url, d.skipped, d.status])).toEqual([
      ['https://hooks.example.com/x', 'the mock delivers to loopback URLs only', undefined],
      ['http://127.0.0.1:9/x', 'the mock sends JSON only', undefined],
    ]);
  });
});
