// CoA throughput: Disconnect-Requests from portcullis's sender (src/coa, loaded from the build in dist/) to NASes
// that ACK everything, in a child process, so the CPU measured here is the sender's alone. Loopback only.
//
//   npm run build && npx tsc -p bench/tsconfig.json
//   node bench/.build/coa.js [--count 20000] [--nases 4] [--per-second 1000000] [--warmup 2000] [--timeout 3]
//
// Prints one line per phase and a final `RESULT {json}` line. --per-second below the offered load measures pacing
// instead (the rate achieved should equal it).
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ownCpuSeconds } from './load/proc-stats.js';

const SECRET = 'bench-coa-secret-7c1e';

const { values: a } = parseArgs({
  options: {
    nas: { type: 'boolean', default: false },
    count: { type: 'string', default: '20000' },
    nases: { type: 'string', default: '4' },
    'per-second': { type: 'string', default: '1000000' },
    warmup: { type: 'string', default: '2000' },
    timeout: { type: 'string', default: '3' },
  },
});

// --- the NAS side (child process): ACK every Disconnect-Request, signed like hostapd (MA first) ---------------
async function runNas(count: number): Promise<void> {
  const secret = Buffer.from(SECRET);
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    s.on('message', (req, rinfo) => {
      const reply = Buffer.alloc(38);
      reply[0] = req[0] + 1;
      reply[1] = req[1];
      reply.writeUInt16BE(38, 2);
      req.copy(reply, 4, 4, 20);
      reply[20] = 80;
      reply[21] = 18;
      createHmac('md5', secret).update(reply).digest().copy(reply, 22);
      createHash('md5').update(reply).update(secret).digest().copy(reply, 4);
      s.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    ports.push(s.address().port);
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

// --- the sender side (this process) ----------------------------------------------------------------------------
interface Outcome { kind: string; attempts: number }
interface Sender {
  disconnect(nas: unknown, session: unknown): Promise<Outcome>;
  close(): Promise<void>;
}
interface CoaModule { CoaClient: new (o: Record<string, unknown>) => Sender }

async function runSender(): Promise<void> {
  const dist = (p: string) => pathToFileURL(path.resolve(import.meta.dirname, '../../dist', p)).href;
  const { CoaClient } = (await import(dist('coa/index.js'))) as CoaModule;
  const { loadDictionaries } = (await import(dist('radius/index.js'))) as { loadDictionaries(f: string[]): unknown };
  const { Secret } = (await import(dist('log/secret.js'))) as { Secret: new (v: string, s: string) => unknown };

  const child = spawn(process.execPath, [import.meta.filename, '--nas', '--nases', a.nases!], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve((JSON.parse(out) as { ports: number[] }).ports);
    });
    child.once('exit', (code) => reject(new Error(`NAS process exited with ${code}`)));
  });
  const dictionary = loadDictionaries([path.resolve(import.meta.dirname, '../../dictionaries')]);
  const perSecond = Number(a['per-second']);
  const client = new CoaClient({ dictionary, perSecond, burst: Math.max(1, perSecond / 10), timeoutMs: Number(a.timeout) * 1000, retries: 2, maxQueue: 10_000_000 });
  const secret = new Secret(SECRET, 'bench');
  const nases = ports.map((port, i) => ({ name: `nas-${i}`, vendor: 'hostapd', coaPort: port, coaSecret: secret }));

  async function phase(label: string, count: number) {
    const cpu0 = ownCpuSeconds();
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: count }, (_, i) => client.disconnect(nases[i % nases.length], {
      nasIp: '127.0.0.1', nasIdentifier: 'bench', acctSessionId: (0x1000000000000000n + BigInt(i)).toString(16).toUpperCase(),
      callingStationId: `02-00-00-${((i >> 16) & 255).toString(16).padStart(2, '0')}-${((i >> 8) & 255).toString(16).padStart(2, '0')}-${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase(),
    })));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = ownCpuSeconds() - cpu0;
    const acks = results.filter((r) => r.kind === 'ack').length;
    const retransmitted = results.filter((r) => r.attempts > 1).length;
    const row = { label, count, acks, retransmitted, seconds: +seconds.toFixed(3), rps: Math.round(count / seconds), cpuUsPerRequest: +((cpu / count) * 1e6).toFixed(1) };
    process.stdout.write(`${label}: ${count} requests, ${acks} ACK, ${retransmitted} retransmitted, ${row.seconds} s, ${row.rps} req/s, sender CPU ${row.cpuUsPerRequest} µs/request\n`);
    return row;
  }

  if (Number(a.warmup) > 0) await phase('warmup', Number(a.warmup));
  const total = await phase('total', Number(a.count));
  process.stdout.write(`RESULT ${JSON.stringify({ ...total, nases: nases.length, perSecond })}\n`);
  await client.close();
  child.stdin!.end();
}

if (a.nas) await runNas(Number(a.nases));
else await runSender();
