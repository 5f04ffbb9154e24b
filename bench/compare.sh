#!/usr/bin/env bash
# bench/compare.sh [OUTDIR]
# portcullis vs FreeRADIUS 3.2 on the same machine, same clients, interleaved: both servers run side by side
# (FreeRADIUS via the anchor's run-freeradius.sh on 18120/18130, portcullis on 18122/18132), pinned to CPU 1
# with every client on CPU 0 (SERVER_CPUS / CLIENT_CPUS to change). Each repetition runs every workload against
# both servers, alternating which goes first. Raw output in OUTDIR/*.log, one ROW line per run in OUTDIR/rows.txt,
# medians in OUTDIR/summary.md. Both servers are stopped on exit.
# Env: REPS (3), MAB_COUNT (150000), GEN_PARALLEL (64), RC_PARALLEL (32), SESSIONS (1000), INTERIMS (100),
#      ACCT_PARALLEL (32), WARMUP (20000), WORKLOADS ("mab-radclient mab-gen acct-radclient acct-gen"), STORE_SYNC.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
OUT=${1:-/tmp/portcullis-compare-$(date +%Y%m%d-%H%M%S)}
REPS=${REPS:-3} MAB_COUNT=${MAB_COUNT:-150000} GEN_PARALLEL=${GEN_PARALLEL:-64} RC_PARALLEL=${RC_PARALLEL:-32}
SESSIONS=${SESSIONS:-1000} INTERIMS=${INTERIMS:-100} ACCT_PARALLEL=${ACCT_PARALLEL:-32} WARMUP=${WARMUP:-20000}
WORKLOADS=${WORKLOADS:-mab-radclient mab-gen acct-radclient acct-gen}
export SERVER_CPUS=${SERVER_CPUS-1} CLIENT_CPUS=${CLIENT_CPUS-0}
FR_DIR=${FR_DIR:-/tmp/portcullis-compare-fr} FR_PKI=${FR_PKI:-/tmp/portcullis-compare-pki}
mkdir -p "$OUT"
P_DIR="$OUT/portcullis"
cleanup() { stop_portcullis "$P_DIR" || true; FR_DIR=$FR_DIR "$ANCHOR/stop-freeradius.sh" || true; }
trap cleanup EXIT
build_bench
# P_ROOT (common.sh) = a frozen build to measure instead of this checkout's dist/ (then nothing is rebuilt)
[ -n "${P_ROOT:-}" ] || (cd "$REPO" && npm run build --silent) || { echo "server build failed" >&2; exit 1; }

FR_DIR=$FR_DIR PKI=$FR_PKI "$ANCHOR/run-freeradius.sh" | tail -1
start_portcullis "$P_DIR"
FR_PID=$(cat "$FR_DIR/freeradius.pid") P_PID=$(cat "$P_DIR/portcullis.pid")
{
  echo "date=$(date -Is) host=$(hostname) cpus=$(nproc) $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "freeradius=$(freeradius -v | head -1) pid=$FR_PID; portcullis node=$(node -v) pid=$P_PID store_sync=$STORE_SYNC root=${P_ROOT:-$REPO}"
  echo "server_cpus=${SERVER_CPUS:-any} client_cpus=${CLIENT_CPUS:-any} reps=$REPS"
  uptime
} | tee "$OUT/meta.txt"

port_of() { # port_of SERVER auth|acct
  case "$1-$2" in fr-auth) echo 18120;; fr-acct) echo 18130;; p-auth) echo "$P_AUTH_PORT";; p-acct) echo "$P_ACCT_PORT";; esac
}
pid_of() { [ "$1" = fr ] && echo "$FR_PID" || echo "$P_PID"; }
ma_flag() { [ "$1" = fr ] && echo --ma-optional || true; } # FreeRADIUS 3.2.1 sends no Message-Authenticator in MAB replies

# warm both servers (JIT for node; page cache, thread pool for FreeRADIUS) -- not measured
for s in fr p; do
  load --mode mab --port "$(port_of $s auth)" --count "$WARMUP" --parallel "$GEN_PARALLEL" $(ma_flag $s) > /dev/null || true
  load --mode acct --port "$(port_of $s acct)" --sessions 1000 --interims $(( WARMUP / 1000 )) --parallel "$ACCT_PARALLEL" > /dev/null || true
done

run_one() { # run_one WORKLOAD SERVER REP -> appends raw output to OUT/WORKLOAD-SERVER.log and a ROW to rows.txt
  local w=$1 s=$2 rep=$3 pid log tmp rps us rss peak ok lat=
  pid=$(pid_of "$s"); log="$OUT/$w-$s.log"; tmp=$(mktemp)
  echo "### rep $rep $(date +%T)" >> "$log"
  case "$w" in
    mab-radclient)  radclient_mab "$(port_of "$s" auth)" "$MAB_COUNT" "$RC_PARALLEL" "$pid" > "$tmp" 2>&1 || true ;;
    acct-radclient) radclient_acct "$(port_of "$s" acct)" "$SESSIONS" "$INTERIMS" "$ACCT_PARALLEL" "$pid" > "$tmp" 2>&1 || true ;;
    mab-gen)  load --mode mab --port "$(port_of "$s" auth)" --count "$MAB_COUNT" --parallel "$GEN_PARALLEL" --server-pid "$pid" $(ma_flag "$s") > "$tmp" 2>&1 || true ;;
    acct-gen) load --mode acct --port "$(port_of "$s" acct)" --sessions "$SESSIONS" --interims "$INTERIMS" --parallel "$ACCT_PARALLEL" --server-pid "$pid" > "$tmp" 2>&1 || true ;;
  esac
  grep -v '^RESULT' "$tmp" >> "$log"
  case "$w" in
    mab-radclient)
      rps=$(sed -n 's/.*answered_rps=\([0-9]*\).*/\1/p' "$tmp"); us=$(sed -n 's/.*server_us_per_request=\([0-9.]*\).*/\1/p' "$tmp")
      rss=$(sed -n 's/.* rss=\([0-9.]*\)MiB.*/\1/p' "$tmp"); peak=$(sed -n 's/.*VmHWM)=\([0-9.]*\)MiB.*/\1/p' "$tmp")
      ok=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' "$tmp" | head -1) ;;
    acct-radclient)
      rps=$(sed -n 's/.*total: wall=.* rps=\([0-9.]*\).*/\1/p' "$tmp"); us=$(sed -n 's/.*, \([0-9.]*\) us\/pkt.*/\1/p' "$tmp")
      rss=$(sed -n 's/.* rss=\([0-9.]*\)MiB.*/\1/p' "$tmp"); peak=$(sed -n 's/.*VmHWM)=\([0-9.]*\)MiB.*/\1/p' "$tmp")
      ok=$(sed -n 's/.*total: .* lost=\([0-9]*\).*/\1/p' "$tmp") ;;
    *-gen)
      rps=$(sed -n 's/.*total: answered=[0-9]* rps=\([0-9]*\).*/\1/p' "$tmp"); us=$(sed -n 's/.*total: .*s) \([0-9.]*\)us\/req.*/\1/p' "$tmp")
      rss=$(sed -n 's/.*total: .* rss=\([0-9.]*\)MiB.*/\1/p' "$tmp"); peak=$(sed -n 's/.*total: .*peak_rss=\([0-9.]*\)MiB.*/\1/p' "$tmp")
      ok=$(sed -n 's/.*total: .*timeouts=\([0-9]*\) unexpected=\([0-9]*\) bad=\([0-9]*\).*/\1+\2+\3/p' "$tmp")
      lat=$(sed -n 's/.*total: .* p50=\([0-9.]*\)ms p99=\([0-9.]*\)ms.*/\1\/\2/p' "$tmp") ;;
  esac
  echo "ROW workload=$w server=$s rep=$rep rps=${rps:-NA} us=${us:-NA} rss=${rss:-NA} peak=${peak:-NA} failures=${ok:-NA} p50/p99ms=${lat:--}" | tee -a "$OUT/rows.txt"
  rm -f "$tmp"
  sleep 2
}

for rep in $(seq "$REPS"); do
  for w in $WORKLOADS; do
    if [ $(( rep % 2 )) = 1 ]; then order="fr p"; else order="p fr"; fi
    for s in $order; do run_one "$w" "$s" "$rep"; done
  done
done

# medians (min..max) per workload and server, and the portcullis/FreeRADIUS ratio of the medians
awk '
  function med(list,   n, a, i, j, t) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    lo = a[1]; hi = a[n]; return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  /^ROW/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    k = v["workload"] SUBSEP v["server"]; if (!(v["workload"] in seen)) { seen[v["workload"]] = 1; order[++nw] = v["workload"] }
    rps[k] = rps[k] " " v["rps"]; us[k] = us[k] " " v["us"]; rss[k] = rss[k] " " v["rss"]; peak[k] = peak[k] " " v["peak"]; fail[k] = fail[k] " " v["failures"]
    if (split(v["p50/p99ms"], lt, "/") == 2) { p50[k] = p50[k] " " lt[1]; p99[k] = p99[k] " " lt[2] } }
  END {
    print "| workload | server | rps median (min..max) | server CPU µs/req median (min..max) | RSS MiB end of run | peak RSS MiB | p50 / p99 ms | lost/failed per run |"
    print "|---|---|---|---|---|---|---|---|"
    for (w = 1; w <= nw; w++) for (s = 1; s <= 2; s++) {
      sv = (s == 1) ? "fr" : "p"; k = order[w] SUBSEP sv
      r = med(rps[k]); rl = lo; rh = hi; u = med(us[k]); ul = lo; uh = hi; m = med(rss[k]); pk = med(peak[k])
      M[sv, "rps"] = r; M[sv, "us"] = u
      lat = (k in p50) ? sprintf("%.2f / %.2f", med(p50[k]), med(p99[k])) : "-"
      printf "| %s | %s | %.0f (%s..%s) | %.1f (%s..%s) | %.0f | %.0f | %s | %s |\n", order[w], (sv == "fr" ? "FreeRADIUS" : "portcullis"), r, rl, rh, u, ul, uh, m, pk, lat, fail[k]
      if (s == 2) printf "| %s | **ratio p/FR** | %.2f | %.2f | | | | |\n", order[w], M["p", "rps"] / M["fr", "rps"], M["p", "us"] / M["fr", "us"]
    }
  }' "$OUT/rows.txt" | tee "$OUT/summary.md"
echo "results in $OUT"
