// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and inclusive time of portcullis'
// own functions, as a share of the profile's samples.
//
//   node bench/.build/profile-top.js <file.cpuprofile> [top=25] [requests]
// With `requests`, also prints µs of CPU per request for each row (profile wall time, idle excluded).
// TAIL_MS=N counts only the samples of the profile's last N ms (a steady phase, without start-up and warm-up);
// `requests` must then be the requests served in that window.
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const [file, topArg, requestsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top <file.cpuprofile> [top=25] [requests]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const requests = requestsArg ? Number(requestsArg) : undefined;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample i lasted timeDeltas[i + 1] (V8 records the delta before each sample).
const selfUs = new Map<number, number>();
let totalUs = 0;
const tailUs = Number(process.env.TAIL_MS ?? 0) * 1000;
let sampleEnd = p.startTime;
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i + 1] ?? 0;
  sampleEnd += p.timeDeltas[i] ?? 0;
  if (tailUs > 0 && sampleEnd < p.endTime - tailUs) continue;
  selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + dt);
  totalUs += dt;
}

const short = (url: string) => url.replace(/^file:\/\/.*?\/(dist|node_modules|bench)\//, '$1/').replace(/^node:/, 'node:');
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url ? `${short(f.url)}:${f.lineNumber + 1}` : ''}`.trim();

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  self.set(label(n.callFrame), (self.get(label(n.callFrame)) ?? 0) + us);
  // Inclusive: charge every distinct frame on the stack once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!.callFrame);
    if (!seen.has(l)) {
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
}

const idle = self.get('(idle)') ?? 0;
const busy = totalUs - idle;
const row = (name: string, us: number) => {
  const pct = ((100 * us) / busy).toFixed(1).padStart(5);
  const per = requests ? `  ${(us / requests).toFixed(2).padStart(7)} µs/req` : '';
  return `${pct}%${per}  ${name}`;
};
process.stdout.write(`profile: ${(totalUs / 1e6).toFixed(2)} s sampled, busy ${(busy / 1e6).toFixed(2)} s (idle ${(idle / 1e6).toFixed(2)} s)` +
  (requests ? `, ${requests} requests → ${(busy / requests).toFixed(1)} µs busy/req` : '') + '\n');
process.stdout.write(`\nself time (top ${top}, % of busy):\n`);
for (const [name, us] of [...self].filter(([n]) => n !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(row(name, us) + '\n');
process.stdout.write(`\ninclusive time of dist/ and node: frames (top ${top}):\n`);
for (const [name, us] of [...inclusive].filter(([n]) => /dist\/|node:|bench\//.test(n)).sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(row(name, us) + '\n');
