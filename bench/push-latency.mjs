#!/usr/bin/env node
// bench/push-latency.mjs -- how long from a device's posture event to the NAS's Disconnect-ACK, per source:
//   webhook: the mock Jamf POSTs SmartGroupComputerMembershipChange (device removed from the compliant group);
//   caep:    a signed CAEP device-compliance-change SET is POSTed to /ssf/events (RFC 8935);
//   sync:    a full Jamf sync after the change (what polling does at each poll interval).
// One event at a time (latency, not throughput), each on its own live session (MAB + Accounting-Start). The NAS is a
// loopback UDP responder that ACKs every Disconnect-Request; the time measured is event start → the NAS receiving
// the Disconnect-Request (its ACK is sent in the same tick). Uses the build in dist/. Loopback only; bounded.
//
//   npm run build && node bench/push-latency.mjs [--events 100] [--fleet 2000]
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { stringify } from 'yaml';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { startServer } = await import(dist('app.js'));
const { startMockJamf, DeviceKind } = await import(dist('mock-jamf/index.js'));
const { silentLogger } = await import(dist('log/logger.js'));
const { PacketCode, encodePacket, encryptUserPassword, messageAuthenticatorPlaceholder, randomAuthenticator, signAccessRequest, signZeroedRequest } = await import(dist('radius/index.js'));

const { values: a } = parseArgs({ options: { events: { type: 'string', default: '100' }, fleet: { type: 'string', default: '2000' } } });
const EVENTS = Number(a.events);
const FLEET = Math.max(Number(a.fleet), 3 * EVENTS);
const SECRET = 'bench-push-secret-0123456789';
const GROUP = 'Compliant Macs';
const dir = mkdtempSync(path.join(tmpdir(), 'portcullis-push-bench-'));

// --- the NAS: ACK every Disconnect-Request (Response Authenticator + Message-Authenticator) ----------------------
const arrivals = [];
const nas = createSocket('udp4');
nas.on('message', (req, rinfo) => {
  arrivals.push({ at: performance.now(), csid: attr(req, 31) });
  const reply = Buffer.alloc(38);
  reply[0] = req[0] + 1;
  reply[1] = req[1];
  reply.writeUInt16BE(38, 2);
  req.copy(reply, 4, 4, 20);
  reply[20] = 80;
  reply[21] = 18;
  createHmac('md5', SECRET).update(reply).digest().copy(reply, 22);
  createHash('md5').update(reply).update(SECRET).digest().copy(reply, 4);
  nas.send(reply, rinfo.port, rinfo.address);
});
await new Promise((r) => nas.bind(0, '127.0.0.1', r));
function attr(raw, type) {
  for (let o = 20; o + 2 <= raw.length && raw[o + 1] >= 2; o += raw[o + 1]) if (raw[o] === type) return raw.subarray(o + 2, o + raw[o + 1]).toString();
  return undefined;
}

// --- a CAEP transmitter: its SSF metadata and JWKS on loopback ---------------------------------------------------
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' };
const { createServer } = await import('node:http');
const tx = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/.well-known/ssf-configuration') res.end(JSON.stringify({ spec_version: '1_0', issuer, jwks_uri: `${issuer}/jwks.json`, delivery_methods_supported: ['urn:ietf:rfc:8935'] }));
  else if (req.url === '/jwks.json') res.end(JSON.stringify({ keys: [jwk] }));
  else res.writeHead(404).end();
});
await new Promise((r) => tx.listen(0, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${tx.address().port}`;

// --- Jamf (mock) and portcullis ---------------------------------------------------------------------------------
const mock = await startMockJamf({ seed: { seed: 2, computers: 0, mobileDevices: 0 }, clients: [{ id: 'bench', secret: 'bench-client-secret' }] });
const devices = [];
for (let i = 0; i < FLEET; i++) {
  const mac = `02:20:${[i >> 16, (i >> 8) & 255, i & 255, 1].map((n) => n.toString(16).padStart(2, '0')).join(':')}`;
  devices.push({ ...mock.state.addComputer({ macAddress: mac.toUpperCase(), managed: true }), mac });
}
mock.state.addToGroup(DeviceKind.computer, GROUP, devices.map((d) => d.id));
writeFileSync(path.join(dir, 'jamf-secret'), 'bench-client-secret\n');
const configFile = path.join(dir, 'config.yaml');
writeFileSync(configFile, stringify({
  server: { auth_listen: ['127.0.0.1:0'], acct_listen: ['127.0.0.1:0'] },
  log: { level: 'error' },
  store: { path: path.join(dir, 'portcullis.db'), synchronous: 'normal' },
  clients: [{ name: 'switch', address: '127.0.0.1', secret: SECRET, vendor: 'hostapd', coa_port: nas.address().port }],
  jamf: { url: mock.url, client_id: 'bench', client_secret: { file: path.join(dir, 'jamf-secret') }, computer_groups: [GROUP], mobile_device_groups: [], poll_interval_seconds: 86400 },
  push: { listen: '127.0.0.1:0', jamf_webhook: { auth: { basic: { username: 'jamf', password: 'bench-webhook-password' } } }, ssf: { issuer, audience: 'https://portcullis.bench/' } },
  policy: {
    labels: { 'jamf-mab': { method: 'mab', mdm: { state: 'compliant' } } },
    rules: [{ name: 'compliant', match: ['jamf-mab'], action: 'allow' }],
  },
  coa: { timeout_seconds: 1, retries: 2, per_second: 10000 },
}));
const server = await startServer(configFile, { log: silentLogger(), watch: false });
const t0 = performance.now();
await server.posture().syncNow();
const fullSyncMs = performance.now() - t0;
mock.state.addWebhook({
  name: 'bench', url: `${server.push().address.url}/jamf/webhook`, event: 'SmartGroupComputerMembershipChange',
  smartGroupId: mock.state.group(DeviceKind.computer, GROUP).id, authenticationType: 'BASIC', username: 'jamf', password: 'bench-webhook-password',
});

// Live sessions for the devices the events will use: MAB accept + Accounting-Start, over UDP.
const s = Buffer.from(SECRET);
const text = (type, v) => ({ type, value: Buffer.from(v) });
const u32 = (type, n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return { type, value: b }; };
// One source port per 200 devices: Identifiers stay unique per port (RFC 5080 duplicate detection).
let replies = 0;
const clients = [];
const used = devices.slice(0, 3 * EVENTS);
for (let i = 0; i < used.length; i++) {
  if (i % 200 === 0) {
    const c = createSocket('udp4');
    c.on('message', () => replies++);
    await new Promise((r) => c.bind(0, '127.0.0.1', r));
    clients.push(c);
  }
  const client = clients[clients.length - 1];
  const d = used[i];
  const bare = d.mac.replace(/:/g, '');
  const csid = d.mac.toUpperCase().replace(/:/g, '-');
  const auth = randomAuthenticator();
  client.send(signAccessRequest(encodePacket({ code: PacketCode.AccessRequest, identifier: i % 200, authenticator: auth, attributes: [
    messageAuthenticatorPlaceholder(), text(1, bare), { type: 2, value: encryptUserPassword(Buffer.from(bare), s, auth) }, text(31, csid)] }), s), server.authSockets[0].port, '127.0.0.1');
  client.send(signZeroedRequest(encodePacket({ code: PacketCode.AccountingRequest, identifier: i % 200, authenticator: Buffer.alloc(16), attributes: [
    u32(40, 1), text(44, `S${i}`), text(31, csid), text(1, bare), u32(85, 600)] }), s), server.acctSockets[0].port, '127.0.0.1');
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
}
for (let i = 0; i < 100 && replies < 2 * used.length; i++) await new Promise((r) => setTimeout(r, 50));
if (replies < 2 * used.length) throw new Error(`only ${replies} of ${2 * used.length} RADIUS replies`);

async function waitArrival(mac, since, limitMs = 10_000) {
  const csid = mac.toUpperCase().replace(/:/g, '-');
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    const hit = arrivals.find((x) => x.csid === csid && x.at >= since);
    if (hit) return hit.at - since;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no Disconnect for ${mac} within ${limitMs} ms`);
}

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(body);
  });
}

const results = { webhook: [], caep: [], sync: [] };
for (let i = 0; i < EVENTS; i++) {
  const d = used[i];
  const since = performance.now();
  mock.state.removeFromGroup(DeviceKind.computer, GROUP, d.id);
  results.webhook.push(await waitArrival(d.mac, since));
}
for (let i = 0; i < EVENTS; i++) {
  const d = used[EVENTS + i];
  const set = await new SignJWT({ events: { 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change': { previous_status: 'compliant', current_status: 'not-compliant', event_timestamp: Math.floor(Date.now() / 1000) } },
    sub_id: { format: 'complex', device: { format: 'opaque', id: d.udid } } })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'secevent+jwt' }).setIssuer(issuer).setAudience('https://portcullis.bench/')
    .setIssuedAt().setJti(randomUUID()).sign(privateKey);
  const since = performance.now();
  const status = await post(`${server.push().address.url}/ssf/events`, set, { 'content-type': 'application/secevent+jwt' });
  if (status !== 202) throw new Error(`SET answered ${status}`);
  results.caep.push(await waitArrival(d.mac, since));
}
// Polling: the change only becomes visible at the next sync; measured here is the sync itself + the CoA.
for (const id of [...mock.state.webhooks.keys()]) mock.state.removeWebhook(id); // no push: only the sync tells
for (let i = 0; i < Math.min(EVENTS, 10); i++) {
  const d = used[2 * EVENTS + i];
  const since = performance.now();
  mock.state.removeFromGroup(DeviceKind.computer, GROUP, d.id);
  await server.posture().syncNow();
  results.sync.push(await waitArrival(d.mac, since, 60_000));
}

const pct = (xs, p) => { const v = [...xs].sort((x, y) => x - y); return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)]; };
const row = (name, xs) => `${name.padEnd(8)} n=${String(xs.length).padStart(3)}  p50 ${pct(xs, 50).toFixed(1)} ms  p99 ${pct(xs, 99).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`;
console.log(`fleet ${FLEET} computers; first full sync ${fullSyncMs.toFixed(0)} ms`);
console.log(row('webhook', results.webhook));
console.log(row('caep', results.caep));
console.log(row('sync', results.sync));
console.log(`polling worst case = poll interval (default 7200 s) + sync + CoA ≈ 7200 s + ${(pct(results.sync, 50) / 1000).toFixed(2)} s`);
console.log(`RESULT ${JSON.stringify({ fleet: FLEET, events: EVENTS, fullSyncMs, webhook: { p50: pct(results.webhook, 50), p99: pct(results.webhook, 99) }, caep: { p50: pct(results.caep, 50), p99: pct(results.caep, 99) }, sync: { p50: pct(results.sync, 50), p99: pct(results.sync, 99) } })}`);
await server.stop();
await mock.close();
tx.close();
nas.close();
for (const c of clients) c.close();
