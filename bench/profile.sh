#!/usr/bin/env bash
# bench/profile.sh mab|acct [OUTDIR]
# Profiles portcullis under the in-process load (server pinned to CPU 1, client to CPU 0 unless SERVER_CPUS /
# CLIENT_CPUS say otherwise): a V8 CPU profile (node --cpu-prof: JS functions, wall time incl. blocking fsync) and,
# if `perf` works, a perf sample of the whole process (true on-CPU time incl. kernel and native code), bucketed
# by perf-classify.awk. Writes OUTDIR (default /tmp/portcullis-profile-<mode>-<ts>) and prints both summaries.
# Env: COUNT (mab, default 150000), SESSIONS/INTERIMS (acct, 1000/100), PARALLEL (64 mab / 32 acct), WARMUP
#      (20000), STORE_SYNC (full), plus common.sh knobs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
MODE=${1:?usage: profile.sh mab|acct [OUTDIR]}
OUT=${2:-/tmp/portcullis-profile-$MODE-$(date +%Y%m%d-%H%M%S)}
SERVER_CPUS=${SERVER_CPUS-1} CLIENT_CPUS=${CLIENT_CPUS-0} WARMUP=${WARMUP:-20000}
mkdir -p "$OUT"
build_bench
PDIR="$OUT/server"
trap 'stop_portcullis "$PDIR" >/dev/null' EXIT
NODE_FLAGS="--cpu-prof --cpu-prof-dir=$OUT" start_portcullis "$PDIR"
PID=$(cat "$PDIR/portcullis.pid")
if [ "$MODE" = mab ]; then
  N=${COUNT:-150000}
  ARGS=(--mode mab --port "$P_AUTH_PORT" --count "$N" --parallel "${PARALLEL:-64}")
  load --mode mab --port "$P_AUTH_PORT" --count "$WARMUP" --parallel "${PARALLEL:-64}" > /dev/null
else
  N=$(( ${SESSIONS:-1000} * (${INTERIMS:-100} + 2) ))
  ARGS=(--mode acct --port "$P_ACCT_PORT" --sessions "${SESSIONS:-1000}" --interims "${INTERIMS:-100}" --parallel "${PARALLEL:-32}")
  load --mode acct --port "$P_ACCT_PORT" --sessions 1000 --interims $(( WARMUP / 1000 )) --parallel "${PARALLEL:-32}" > /dev/null
fi
PERF=0
if perf record -F 1999 -g -p "$PID" -o "$OUT/perf.data" -- sleep 600 > "$OUT/perf-record.log" 2>&1 & then
  PERF_PID=$!; sleep 0.5; kill -0 "$PERF_PID" 2>/dev/null && PERF=1
fi
load "${ARGS[@]}" --server-pid "$PID" | tee "$OUT/load.txt" | grep -v '^RESULT'
if [ "$PERF" = 1 ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; fi
stop_portcullis "$PDIR"
trap - EXIT
ANS=$(sed -n 's/.*total: answered=\([0-9]*\).*/\1/p' "$OUT/load.txt")
echo; echo "== V8 CPU profile (includes warmup; µs/req over warmup + measured requests)"
node "$BENCH_DIR/.build/profile-top.js" "$OUT"/*.cpuprofile 25 $(( ANS + WARMUP )) | tee "$OUT/v8-top.txt"
if [ "$PERF" = 1 ]; then
  echo; echo "== perf: on-CPU samples of pid $PID during the measured run, by syscall / owner"
  perf script -i "$OUT/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null | awk -v pid="$PID" -f "$BENCH_DIR/perf-classify.awk" | head -20 | tee "$OUT/perf-buckets.txt"
fi
echo "profile files in $OUT"
