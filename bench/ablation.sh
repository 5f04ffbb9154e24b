#!/usr/bin/env bash
# bench/ablation.sh [OUTDIR]
# What the server's own config knobs change for MAB and accounting CPU: portcullis only, one server per variant
# (store.synchronous full|normal x server.duplicate_window_seconds 30|1), interleaved over REPS repetitions, the
# in-process generator pinned like compare.sh. Prints a ROW per run and medians per variant.
# Env: REPS (3), MAB_COUNT (150000), SESSIONS (1000), INTERIMS (100), WARMUP (20000), VARIANTS ("full:30 normal:30 full:1 normal:1").
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
OUT=${1:-/tmp/portcullis-ablation-$(date +%Y%m%d-%H%M%S)}
REPS=${REPS:-3} MAB_COUNT=${MAB_COUNT:-150000} SESSIONS=${SESSIONS:-1000} INTERIMS=${INTERIMS:-100} WARMUP=${WARMUP:-20000}
VARIANTS=${VARIANTS:-full:30 normal:30 full:1 normal:1}
export SERVER_CPUS=${SERVER_CPUS-1} CLIENT_CPUS=${CLIENT_CPUS-0}
mkdir -p "$OUT"
build_bench
current=""
trap '[ -n "$current" ] && stop_portcullis "$current"' EXIT
for rep in $(seq "$REPS"); do
  for v in $VARIANTS; do
    current="$OUT/server-${v/:/-}"
    STORE_SYNC=${v%%:*} DUP_WINDOW=${v#*:} start_portcullis "$current" > /dev/null
    pid=$(cat "$current/portcullis.pid")
    load --mode mab --port "$P_AUTH_PORT" --count "$WARMUP" --parallel 64 > /dev/null
    for w in mab acct; do
      if [ $w = mab ]; then
        r=$(load --mode mab --port "$P_AUTH_PORT" --count "$MAB_COUNT" --parallel 64 --server-pid "$pid" | grep 'total:')
      else
        r=$(load --mode acct --port "$P_ACCT_PORT" --sessions "$SESSIONS" --interims "$INTERIMS" --parallel 32 --server-pid "$pid" | grep 'total:')
      fi
      rps=$(sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<< "$r"); us=$(sed -n 's/.*s) \([0-9.]*\)us\/req.*/\1/p' <<< "$r")
      peak=$(sed -n 's/.*peak_rss=\([0-9.]*\)MiB.*/\1/p' <<< "$r")
      echo "ROW variant=$v workload=$w rep=$rep rps=$rps us=$us peak=$peak" | tee -a "$OUT/rows.txt"
      sleep 1
    done
    stop_portcullis "$current" > /dev/null; current=""
  done
done
awk '/^ROW/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  k = v["variant"] " " v["workload"]; u[k] = u[k] " " v["us"]; r[k] = r[k] " " v["rps"]; p[k] = p[k] " " v["peak"] }
  function med(l,  n, a, i, j, t) { n = split(l, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { print "| synchronous:dup_window | workload | server µs/req median (all) | rps median | peak RSS MiB |"; print "|---|---|---|---|---|"
    for (k in u) { split(k, kk, " "); printf "| %s | %s | %.1f (%s ) | %.0f | %.0f |\n", kk[1], kk[2], med(u[k]), u[k], med(r[k]), med(p[k]) | "sort" } }' "$OUT/rows.txt" | tee "$OUT/summary.md"
