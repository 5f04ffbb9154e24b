#!/usr/bin/env bash
# bench/posture.sh -- full Jamf sync of a large mock fleet, lookup cost, restart from the SQLite snapshot.
# The mock Jamf runs in its own process; bench/posture-sync.mjs (the measured process) runs the portcullis side.
#
#   bench/posture.sh [OUTDIR]                      (default /tmp/posture-bench)
# Env knobs:
#   REPS=3 COMPUTERS=85000 MOBILES=15000 SEED=1    fleet and repetitions
#   PAGE_CAP=2000 PAGE_SIZE=2000                   mock page-size cap, client page size
#   LOOKUPS=1000000                                lookups per lookup case
#   SYNCHRONOUS=full                               SQLite synchronous for the posture DB (server default: full)
#   MOCK_CPUS= CLIENT_CPUS=                        taskset lists, e.g. MOCK_CPUS=0 CLIENT_CPUS=1
#   PROFILE=1                                      one more run under node --cpu-prof, summarised by profile-top
#   PORTCULLIS_DIST=dist                           the build to measure (e.g. bench/.build/head/dist: a frozen copy)
# Needs `npm run build` (dist/); PROFILE=1 also needs `npx tsc -p bench/tsconfig.json` (bench/.build/).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
OUT=${1:-/tmp/posture-bench}
REPS=${REPS:-3}
COMPUTERS=${COMPUTERS:-85000}
MOBILES=${MOBILES:-15000}
SEED=${SEED:-1}
PAGE_CAP=${PAGE_CAP:-2000}
PAGE_SIZE=${PAGE_SIZE:-2000}
LOOKUPS=${LOOKUPS:-1000000}
SYNCHRONOUS=${SYNCHRONOUS:-full}
export PORTCULLIS_DIST=$(cd "$REPO" && realpath "${PORTCULLIS_DIST:-dist}")
pin() { [ -n "${1:-}" ] && echo "taskset -c $1"; }
mkdir -p "$OUT"
rm -f "$OUT"/run-*.log "$OUT"/restart-*.log "$OUT"/*.db*

MOCK_PID=
stop_mock() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null; MOCK_PID=; }
trap stop_mock EXIT INT TERM

# shellcheck disable=SC2046
$(pin "${MOCK_CPUS:-}") node "$PORTCULLIS_DIST/mock-jamf/main.js" --port 0 --seed "$SEED" \
  --computers "$COMPUTERS" --mobiles "$MOBILES" --page-size-cap "$PAGE_CAP" > "$OUT/mock.log" 2>&1 < /dev/null &
MOCK_PID=$!
URL=
for _ in $(seq 600); do
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/mock.log" | head -1 || true)
  [ -n "$URL" ] && break
  kill -0 "$MOCK_PID" 2>/dev/null || { echo "mock died:" >&2; cat "$OUT/mock.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "mock did not start in 60 s" >&2; exit 1; }
echo "mock Jamf (pid $MOCK_PID) at $URL: $COMPUTERS computers + $MOBILES mobiles, page cap $PAGE_CAP"

run_sync() { # LOG DB [extra node flags...]
  local log=$1 db=$2; shift 2
  # shellcheck disable=SC2046
  KEEP_DB=1 $(pin "${CLIENT_CPUS:-}") node --expose-gc "$@" "$BENCH_DIR/posture-sync.mjs" --url "$URL" --db "$db" \
    --page-size "$PAGE_SIZE" --lookups "$LOOKUPS" --synchronous "$SYNCHRONOUS" > "$log" 2> "${log%.log}.stderr"
}

for i in $(seq 1 "$REPS"); do
  echo "--- repetition $i/$REPS"
  run_sync "$OUT/run-$i.log" "$OUT/run-$i.db"
  grep -v '^RESULT' "$OUT/run-$i.log"
  # A restarted server: a fresh process that only opens the DB and loads the snapshot.
  # shellcheck disable=SC2046
  $(pin "${CLIENT_CPUS:-}") node --expose-gc "$BENCH_DIR/posture-sync.mjs" --restart-only --db "$OUT/run-$i.db" > "$OUT/restart-$i.log"
  grep -v '^RESULT' "$OUT/restart-$i.log"
  rm -f "$OUT/run-$i.db"*
done

if [ "${PROFILE:-0}" = 1 ]; then
  echo "--- profile (one more sync under --cpu-prof, lookups 200000)"
  rm -rf "$OUT/prof"; mkdir -p "$OUT/prof"
  LOOKUPS=200000 run_sync "$OUT/prof/run.log" "$OUT/prof/run.db" --cpu-prof --cpu-prof-dir="$OUT/prof"
  rm -f "$OUT/prof/run.db"*
  node "$BENCH_DIR/.build/profile-top.js" "$OUT"/prof/*.cpuprofile 30 | tee "$OUT/prof/v8-top.txt"
fi

stop_mock

# Medians of the RESULT lines; targets from the issue side by side.
node --input-type=module - "$OUT" "$REPS" <<'EOF' | tee "$OUT/summary.md"
import { readFileSync } from 'node:fs';
const [out, reps] = process.argv.slice(2);
const result = (f) => JSON.parse(readFileSync(f, 'utf8').split('\n').find((l) => l.startsWith('RESULT ')).slice(7));
const runs = [], restarts = [];
for (let i = 1; i <= Number(reps); i++) { runs.push(result(`${out}/run-${i}.log`)); restarts.push(result(`${out}/restart-${i}.log`)); }
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f = (x, d = 0) => x.toFixed(d);
const row = (name, xs, d, unit, target = '') => `| ${name} | ${xs.map((x) => f(x, d)).join(' / ')} | **${f(med(xs), d)}** ${unit} | ${target} |`;
const lines = [
  `devices per run: ${runs.map((r) => r.devices).join(' / ')}; requests: ${runs.map((r) => r.requests).join(' / ')}; retries: ${runs.map((r) => r.retries).join(' / ')}`,
  '',
  '| measure | runs | median | target |', '|---|---|---|---|',
  row('fetchFleet wall time', runs.map((r) => r.fetchMs / 1000), 2, 's'),
  row('fetchFleet CPU (this process)', runs.map((r) => r.fetchCpuMs / 1000), 2, 's'),
  row('applySnapshot (index + SQLite)', runs.map((r) => r.applyMs / 1000), 2, 's'),
  row('applySnapshot CPU', runs.map((r) => r.applyCpuMs / 1000), 2, 's'),
  row('  of which SQLite replaceAll', runs.map((r) => r.replaceAllMs / 1000), 2, 's'),
  row('sync total (fetch + apply)', runs.map((r) => r.syncMs / 1000), 2, 's', '≤ 60 s'),
  row('RSS before sync', runs.map((r) => r.mem.base.rssMiB), 0, 'MiB'),
  row('RSS after fetch', runs.map((r) => r.mem.afterFetch.rssMiB), 0, 'MiB'),
  row('RSS after apply', runs.map((r) => r.mem.afterApply.rssMiB), 0, 'MiB'),
  row('peak RSS (VmHWM) during sync', runs.map((r) => r.mem.afterApply.hwmMiB), 0, 'MiB'),
  row('RSS growth, peak − before', runs.map((r) => r.rssGrowthPeakMiB), 0, 'MiB', '≤ 150 MB (143 MiB)'),
  row('RSS growth, steady (fleet dropped, GC) − before', runs.map((r) => r.rssGrowthSteadyMiB), 0, 'MiB'),
  row('heap used before → steady', runs.map((r) => r.mem.steady.heapUsedMiB - r.mem.base.heapUsedMiB), 0, 'MiB (growth)'),
  row('SQLite db + wal', runs.map((r) => r.dbBytes / 1048576), 0, 'MiB'),
];
for (const name of Object.keys(runs[0].lookups)) {
  const target = name.startsWith('calibration') ? '' : '≤ 2000 ns';
  lines.push(row(`lookup ${name}, wall`, runs.map((r) => r.lookups[name].nsPerLookup), 0, 'ns', target));
  lines.push(row(`lookup ${name}, CPU`, runs.map((r) => r.lookups[name].cpuNsPerLookup), 0, 'ns', target));
}
lines.push(row('restart, same process: open DB + load snapshot', runs.map((r) => r.restartSameProcessMs / 1000), 2, 's'));
lines.push(row('restart, fresh process: open DB + load snapshot', restarts.map((r) => r.readyMs / 1000), 2, 's'));
lines.push(row('restart, fresh process: CPU', restarts.map((r) => r.readyCpuMs / 1000), 2, 's'));
lines.push(row('restart, fresh process: RSS when ready', restarts.map((r) => r.after.rssMiB), 0, 'MiB'));
console.log(lines.join('\n'));
EOF
