#!/usr/bin/env bash
# bench/eap.sh [run|compare|profile] [OUTDIR]
# EAP-TLS load with the in-process generator (bench/eap-load.ts). Every mode starts its own servers on 127.0.0.1
# and stops them on exit (by pid file only). Server pinned with SERVER_CPUS (default 1), clients with CLIENT_CPUS
# (default 0), like bench/mab.sh's pinned runs.
#
#   run      a private portcullis: full-1.2, full-1.3, resumed-1.2, resumed-1.3 (RUNS to change), one table
#   compare  FreeRADIUS 3.2 (anchor run-freeradius.sh) and portcullis side by side, interleaved, REPS (3) times:
#            generator rows (same client cost for both) and eapol_test rows (anchor bench-eap.sh); medians in
#            OUTDIR/summary.md. FR_RESUME=1 also enables FreeRADIUS's session cache (its default is off) so the
#            resumed rows have a FreeRADIUS counterpart.
#   ab       two or more portcullis builds (BUILDS="name=/path/to/cli/index.js ..."), a fresh server each run,
#            interleaved REPS times over RUNS (default resumed-1.2-sid): is a change a saving or noise? Medians in
#            OUTDIR/summary.md. A frozen build: git archive REV src tsconfig*.json package.json | tar -x -C DIR, then
#            link node_modules and dictionaries into DIR and run npx tsc -p tsconfig.build.json there.
#   profile  portcullis under perf (one server per case: full-1.2, resumed-1.2, full-1.3, resumed-1.3; DWARF call
#            graphs, CALLGRAPH=fp for frame pointers), the samples bucketed by cost owner (TLS steps, certificate
#            parsing, session tickets, JS glue, GC, UDP...); V8=1 adds a node --cpu-prof pass. Output in OUTDIR/<case>/
#
# Cases: full-1.2 | full-1.3 | resumed-1.2 | resumed-1.3 (tickets) | resumed-1.2-sid (session ID, no tickets:
# what wpa_supplicant does for EAP-TLS 1.2). Full cases measure FULL_COUNT auths, resumed ones RESUMED_COUNT after
# one full auth per device (DEVICES).
# Env: FULL_COUNT (2000), RESUMED_COUNT (5000), PARALLEL (64), DEVICES (256), WARMUP (300 full auths per version),
#      RUNS, REPS (3), SERVER_JS (default $REPO/dist/cli/index.js; BUILD_SERVER=1 runs `npm run build` first),
#      PKI (a make-pki.sh layout dir; default: generated in OUTDIR; compare mode uses the anchor's make-pki.sh),
#      EAP_AUTH_PORT/EAP_ACCT_PORT (18124/18134), FR_AUTH_PORT/FR_ACCT_PORT (18121/18131), EAPOL_TOTAL (400),
#      EAPOL_PARALLEL (8), EXTRA_ARGS (passed to every eap-load run), RESUMPTION (portcullis's eap.tls.resumption
#      block, default "{enabled: true}", e.g. "{enabled: true, tickets: true}"), SERVER_CERT_DIR (server.pem/.key
#      portcullis presents, default PKI/ec; e.g. an RSA one whose CA the client trusts), plus common.sh knobs (STORE_SYNC,
#      NODE_FLAGS).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
MODE=${1:-run}
OUT=${2:-/tmp/portcullis-eap-$MODE-$(date +%Y%m%d-%H%M%S)}
export SERVER_CPUS=${SERVER_CPUS-1} CLIENT_CPUS=${CLIENT_CPUS-0}
FULL_COUNT=${FULL_COUNT:-2000} RESUMED_COUNT=${RESUMED_COUNT:-5000} PARALLEL=${PARALLEL:-64} DEVICES=${DEVICES:-256}
WARMUP=${WARMUP:-300} REPS=${REPS:-3}
EAP_AUTH_PORT=${EAP_AUTH_PORT:-18124} EAP_ACCT_PORT=${EAP_ACCT_PORT:-18134}
FR_AUTH_PORT=${FR_AUTH_PORT:-18121} FR_ACCT_PORT=${FR_ACCT_PORT:-18131}
SERVER_JS=${SERVER_JS:-$REPO/dist/cli/index.js}
EAP_JS="$BENCH_DIR/.build/eap-load.js"
EAPOL_TOTAL=${EAPOL_TOTAL:-400} EAPOL_PARALLEL=${EAPOL_PARALLEL:-8}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
P_DIR="$OUT/portcullis" FR_DIR="$OUT/freeradius"

# start_portcullis_eap PKIDIR : EAP-TLS config (EC server cert, both CAs trusted, resumption on), pid in P_DIR
start_portcullis_eap() {
  local pki=$1
  mkdir -p "$P_DIR"
  if [ -f "$P_DIR/portcullis.pid" ] && kill -0 "$(cat "$P_DIR/portcullis.pid")" 2>/dev/null; then
    echo "portcullis already running, pid $(cat "$P_DIR/portcullis.pid")" >&2; return 1
  fi
  rm -f "$P_DIR"/portcullis.db*
  cat > "$P_DIR/config.yaml" <<X
server:
  auth_listen: ["127.0.0.1:$EAP_AUTH_PORT"]
  acct_listen: ["127.0.0.1:$EAP_ACCT_PORT"]
log: {level: warn, auth_decisions: false}
store: {path: $P_DIR/portcullis.db, synchronous: $STORE_SYNC}
clients:
  - {name: localhost, address: 127.0.0.1, secret: $SECRET}
eap:
  methods: [tls]
  tls:
    certificate: ${SERVER_CERT_DIR:-$pki/ec}/server.pem
    private_key: ${SERVER_CERT_DIR:-$pki/ec}/server.key
    ca: $pki/trusted-cas.pem
    resumption: ${RESUMPTION:-{enabled: true\}}
X
  # shellcheck disable=SC2086
  (cd "$REPO" && exec setsid $(pin "${SERVER_CPUS:-}") node ${NODE_FLAGS:-} "$SERVER_JS" serve -c "$P_DIR/config.yaml" \
    > "$P_DIR/stdout.log" 2>&1 < /dev/null) &
  local pid=$!
  echo "$pid" > "$P_DIR/portcullis.pid"
  for _ in $(seq 100); do
    ss -lun | grep -q "127.0.0.1:$EAP_AUTH_PORT " && break
    kill -0 "$pid" 2>/dev/null || { echo "portcullis died:" >&2; cat "$P_DIR/stdout.log" >&2; return 1; }
    sleep 0.1
  done
  ss -lun | grep -q "127.0.0.1:$EAP_AUTH_PORT " || { echo "portcullis not listening" >&2; return 1; }
  [ "$(cat /proc/$pid/comm)" = node ] || { echo "pid $pid is $(cat /proc/$pid/comm), not node" >&2; return 1; }
  echo "portcullis pid $pid on 127.0.0.1:$EAP_AUTH_PORT ($SERVER_JS) cpus=${SERVER_CPUS:-any}"
}

# start_freeradius PKIDIR : the anchor's run-freeradius.sh in FR_DIR (FR_RESUME=1: session cache on, restarted)
start_freeradius() {
  FR_DIR=$FR_DIR PKI=$1 AUTH_PORT=$FR_AUTH_PORT ACCT_PORT=$FR_ACCT_PORT SERVER_CPUS=${SERVER_CPUS:-} "$ANCHOR/run-freeradius.sh" | tail -1
  if [ "${FR_RESUME:-0}" = 1 ]; then
    FR_DIR=$FR_DIR "$ANCHOR/stop-freeradius.sh" > /dev/null
    # first `enable = no` after `cache {` is tls-common's (EAP-TLS); the tunnel block stays off
    # (FreeRADIUS 3.2 keeps sessions in persist_dir files or a tls-cache virtual server; it never issues tickets)
    mkdir -p "$FR_DIR/tlscache"; chmod 700 "$FR_DIR/tlscache"
    awk -v dir="$FR_DIR/tlscache" '!done && /^\t\tcache \{/ {c=1}
      c && !done && /^\t\t\tenable = no/ {print "\t\t\tenable = yes"; print "\t\t\tname = \"EAP module\""; print "\t\t\tpersist_dir = \"" dir "\""; done=1; next}
      {print}' "$FR_DIR/raddb/mods-available/eap" > "$FR_DIR/eap.tmp" && mv "$FR_DIR/eap.tmp" "$FR_DIR/raddb/mods-available/eap"
    # shellcheck disable=SC2046
    setsid $(pin "${SERVER_CPUS:-}") freeradius -f -d "$FR_DIR/raddb" -n radiusd > "$FR_DIR/stdout.log" 2>&1 < /dev/null &
    echo $! > "$FR_DIR/freeradius.pid"
    for _ in $(seq 50); do ss -lun | grep -q "127.0.0.1:$FR_AUTH_PORT " && break; sleep 0.1; done
    echo "FreeRADIUS restarted with the TLS session cache enabled, pid $(cat "$FR_DIR/freeradius.pid")"
  fi
}
stop_freeradius() { [ -f "$FR_DIR/freeradius.pid" ] && FR_DIR=$FR_DIR "$ANCHOR/stop-freeradius.sh" || true; }

# eapload PORT ARGS... : the generator, pinned like the other load clients
eapload() {
  local port=$1; shift
  # shellcheck disable=SC2046,SC2086
  timeout "${BENCH_TIMEOUT:-300}" $(pin "${CLIENT_CPUS:-}") node "$EAP_JS" --port "$port" --cert-dir "$PKI" \
    --parallel "$PARALLEL" --devices "$DEVICES" ${EXTRA_ARGS:-} "$@"
}
case_args() { # case_args CASE -> eap-load arguments
  case "$1" in
    full-1.2) echo "--tls 1.2 --count $FULL_COUNT" ;;
    full-1.3) echo "--tls 1.3 --count $FULL_COUNT" ;;
    resumed-1.2) echo "--tls 1.2 --resume --count $RESUMED_COUNT" ;;
    resumed-1.3) echo "--tls 1.3 --resume --count $RESUMED_COUNT" ;;
    resumed-1.2-sid) echo "--tls 1.2 --resume --no-tickets --count $RESUMED_COUNT" ;;
    *) echo "unknown case $1" >&2; return 1 ;;
  esac
}

# gen_row CASE SERVER PORT PID REP LOG : one generator run; raw output to LOG, one ROW line to stdout
gen_row() {
  local c=$1 s=$2 port=$3 pid=$4 rep=$5 log=$6 tmp extra=
  tmp=$(mktemp)
  # FreeRADIUS 3.2.1 puts Message-Authenticator in EAP replies; --ma-optional only guards against surprises (counted)
  [ "$s" = freeradius ] && extra=--ma-optional
  # shellcheck disable=SC2046
  eapload "$port" $(case_args "$c") --server-pid "$pid" --label "$c-$s" $extra > "$tmp" 2>&1 || true
  { echo "### $c $s rep $rep $(date +%T)"; grep -v '^RESULT' "$tmp"; } >> "$log"
  row_from "$tmp" "$c" "$s" "$rep"
  rm -f "$tmp"
}

# row_from FILE CASE SERVER REP : the ROW line for one eap-load output (its RESULT json)
row_from() {
  local j; j=$(sed -n 's/^RESULT //p' "$1")
  if [ -z "$j" ]; then echo "ROW case=$2 server=$3 client=gen rep=$4 FAILED"; tail -3 "$1" >&2; return; fi
  jq -r --arg c "$2" --arg s "$3" --arg r "$4" '.main as $m |
    "ROW case=\($c) server=\($s) client=gen rep=\($r) auths_per_s=\($m.authsPerSecond) server_ms=\($m.serverCpuMsPerAuth)" +
    " client_ms=\($m.clientCpuMsPerAuth) p50=\($m.latencyMs.p50) p99=\($m.latencyMs.p99) rss=\($m.serverRssMiB) peak=\($m.serverPeakRssMiB)" +
    " server_pct=\($m.serverCpuPercent) rounds=\($m.roundsPerAuth) ok=\($m.ok)/\($m.attempted) resumed=\($m.resumed)" +
    " failures=\([.phases[] | .failures | to_entries[] | "\(.key):\(.value)"] | join(",") | if . == "" then "0" else . end)"' <<< "$j"
}

# eapol_row CONF SERVER PORT PID REP LOG : the anchor's bench-eap.sh (eapol_test processes)
eapol_row() {
  local conf=$1 s=$2 port=$3 pid=$4 rep=$5 log=$6 tmp name
  name=eapol-$(basename "$conf" .conf); tmp=$(mktemp)
  SERVER_PID=$pid "$ANCHOR/bench-eap.sh" 127.0.0.1 "$port" "$SECRET" "$conf" "$EAPOL_TOTAL" "$EAPOL_PARALLEL" > "$tmp" 2>&1 || true
  { echo "### $name $s rep $rep $(date +%T)"; cat "$tmp"; } >> "$log"
  local aps ms p50 p99 ok rss peak cms
  aps=$(sed -n 's/.*auths_per_s=\([0-9.]*\).*/\1/p' "$tmp"); ok=$(sed -n 's/.*success=\([0-9]*\) failed=\([0-9]*\).*/\1\/\2failed/p' "$tmp")
  ms=$(sed -n 's/.*server_cpu=.*, \([0-9.]*\) ms\/auth.*/\1/p' "$tmp"); cms=$(sed -n 's/.*client_cpu=.*, \([0-9.]*\) ms\/auth.*/\1/p' "$tmp")
  p50=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' "$tmp" | head -1); p99=$(sed -n 's/.*p99=\([0-9.]*\).*/\1/p' "$tmp" | head -1)
  rss=$(sed -n 's/.*rss=\([0-9.]*\)MiB.*/\1/p' "$tmp"); peak=$(sed -n 's/.*VmHWM)=\([0-9.]*\)MiB.*/\1/p' "$tmp")
  echo "ROW case=$name server=$s client=eapol_test rep=$rep auths_per_s=${aps:-NA} server_ms=${ms:-NA} client_ms=${cms:-NA} p50=${p50:-NA} p99=${p99:-NA} rss=${rss:-NA} peak=${peak:-NA} ok=${ok:-NA}"
  rm -f "$tmp"
}

# summarize ROWS : median (min..max) per case/server/client of the numeric fields
summarize() {
  awk '
    /^ROW/ && !/FAILED/ { k=""; delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      key = v["case"] " | " v["server"] " | " v["client"]; if (!(key in seen)) { seen[key]=1; order[++n]=key }
      if (v["ok"] ~ /^[0-9]+\/[0-9]+$/ && v["resumed"] != "") { split(v["ok"], ok, "/"); v["resumed_pct"] = ok[1] > 0 ? int(100 * v["resumed"] / ok[1] + 0.5) : 0 }
      for (f in v) if (f ~ /^(auths_per_s|server_ms|client_ms|p50|p99|rss|peak|rounds|resumed_pct)$/) vals[key, f] = vals[key, f] " " v[f]
      fails[key] = fails[key] " " v["failures"] v["ok"] }
    function med(s,   a, m, i, j, t) { m = split(substr(s, 2), a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      if (m == 0) return "-"; if (m == 1) return a[1]; return a[int((m + 1) / 2)] " (" a[1] ".." a[m] ")" }
    END { print "| case | server | client | auths/s | server CPU ms/auth | client CPU ms/auth | p50 ms | p99 ms | RSS MiB | peak RSS MiB | round trips | resumed % |"
          print "|---|---|---|---|---|---|---|---|---|---|---|---|"
          for (i = 1; i <= n; i++) { k = order[i]; printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", k, med(vals[k, "auths_per_s"]), med(vals[k, "server_ms"]),
            med(vals[k, "client_ms"]), med(vals[k, "p50"]), med(vals[k, "p99"]), med(vals[k, "rss"]), med(vals[k, "peak"]), med(vals[k, "rounds"]), med(vals[k, "resumed_pct"]) } }' "$1"
}

# PERF_BUCKETS: awk program over `perf script -F tid,ip,sym` of one process (-v pid=<main tid> -v ms=<server ms/auth>):
# each sample goes to the first cost owner whose frame is on its stack (order matters), as % and ms/auth.
read -r -d '' PERF_BUCKETS <<'AWK' || true
function flush(   i, c, s) {
  if (!n) return
  total++
  c = ""
  s = ""
  for (i = 1; i <= n; i++) s = s " " f[i] " "
  if (tid != pid) {
    if (s ~ /(Heap|Scavenge|Marking|Sweep|MinorM|MarkCompact)/) c = "other threads: GC helpers"
    else if (s ~ /compiler::|OptimizingCompile/) c = "other threads: V8 JIT compiler"
    else c = "other threads: other (libuv pool, sqlite, ...)"
  }
  else if (s ~ / tls_construct_new_session_ticket /) c = "TLS: issue session ticket(s) (i2d + d2i of the session incl. client cert)"
  else if (s ~ / (tls_decrypt_ticket|tls_get_stateful_ticket|lookup_sess_in_cache|d2i_SSL_SESSION|tls_parse_ctos_psk) /) c = "TLS: load resumed session (ticket decrypt / cache, d2i incl. client cert)"
  else if (s ~ / (node::crypto::NewSessionCallback|i2d_SSL_SESSION) /) c = "TLS: newSession callback (i2d session -> JS session cache)"
  else if (s ~ / X509_verify_cert /) c = "TLS: client chain verification (X509_verify_cert)"
  else if (s ~ / tls_process_client_certificate /) c = "TLS: parse client certificate (d2i, OpenSSL 3 decoders)"
  else if (s ~ / node::crypto::TLSWrap::GetPeerX509Certificate /) c = "Node: getPeerX509Certificate (X509_dup = re-parse)"
  else if (s ~ / node::crypto::X509Certificate::/) c = "Node: X509Certificate accessors (subject, SAN, fingerprint, ...)"
  else if (s ~ / tls_process_cert_verify /) c = "TLS: verify client CertificateVerify (ECDSA verify)"
  else if (s ~ / (ecdsa_sign|ossl_ecdsa_sign|ECDSA_do_sign|ecdsa_digest_sign_final) /) c = "TLS: ECDSA sign (server key)"
  else if (s ~ / (EVP_PKEY_keygen|ssl_generate_pkey|ssl_derive|EVP_PKEY_derive|ecx_derive|ecdh_|x25519) /) c = "TLS: ECDHE keygen + derive"
  else if (s ~ / (tls_construct_server_certificate|tls_construct_server_hello|tls_construct_certificate_request|tls_construct_encrypted_extensions|tls_construct_server_key_exchange|tls_construct_stoc_) /) c = "TLS: build server flight (other)"
  else if (s ~ / (tls_process_client_hello|tls_early_post_process_client_hello|tls_post_process_client_hello|node::crypto::ClientHelloParser) /) c = "TLS: process ClientHello"
  else if (s ~ / (SSL_export_keying_material|tls1_export_keying_material|tls13_export_keying_material) /) c = "TLS: export keying material (MSK)"
  else if (s ~ / (tls_process_finished|tls_construct_finished|tls13_change_cipher_state|tls1_change_cipher_state|tls13_generate_|tls1_generate_master_secret|tls13_final_finish_mac|tls1_final_finish_mac|kdf_tls1_prf_derive|tls13_hkdf_expand) /) c = "TLS: key schedule / Finished"
  else if (s ~ / (SSL_new|SSL_free|ossl_ssl_connection_free|node::crypto::TLSWrap::TLSWrap|node::crypto::TLSWrap::~TLSWrap|node::crypto::TLSWrap::DestroySSL|node::crypto::TLSWrap::Wrap|SSL_SESSION_free) /) c = "TLS: SSL object + TLSWrap create/free"
  else if (s ~ / (SSL_read|SSL_write|ssl3_read_bytes|ssl3_write_bytes|state_machine|node::crypto::TLSWrap::) /) c = "TLS: other OpenSSL state machine / records / TLSWrap"
  else if (s ~ /better_sqlite3|sqlite3/) c = "SQLite (auth log)"
  else if (s ~ /(Heap::|Scavenger|MarkCompact|Sweeper|MinorMarkSweep|GCTracer|ConcurrentMarking)/) c = "GC (main thread)"
  else if (s ~ /(__x64_sys_sendmsg|__sys_sendmsg|__x64_sys_sendto|udp_sendmsg)/) c = "UDP send (kernel)"
  else if (s ~ /(__x64_sys_recvmsg|__sys_recvmsg|udp_recvmsg)/) c = "UDP recv (kernel)"
  else if (s ~ / (HMAC|MD5|md5_block|ossl_md5|EVP_Digest|EVP_MAC|node::crypto::Hash|node::crypto::Hmac)/) c = "RADIUS crypto (MD5/HMAC, node:crypto)"
  else if (s ~ / (RAND_bytes|RAND_priv_bytes|drbg_|ossl_rand|node::crypto::RandomBytes)/) c = "randomBytes"
  else if (s ~ /compiler::/) c = "V8 compiler (main thread)"
  else if (s ~ /epoll_wait|schedule/) c = "kernel: scheduler / idle wakeups"
  else { c = "JS / V8 / Node glue (streams, JSStreamSocket, EAP, RADIUS)"; glue++; leaf[f[1]]++ }
  cnt[c]++
  n = 0
}
/^ *[0-9]+ *$/ { flush(); tid = $1; next }
/^\s*$/ { next }
{ n++; sub(/^[ \t]*[0-9a-f]+ /, ""); f[n] = $0 }
END { flush(); for (k in cnt) printf "%5.1f%%  %6.3f ms/auth  %s\n", 100*cnt[k]/total, ms*cnt[k]/total, k | "sort -rn"
  close("sort -rn"); print "  inside \"JS / V8 / Node glue\", top leaf frames (% of all samples):"
  for (k in leaf) printf "    %5.1f%%  %s\n", 100*leaf[k]/total, substr(k, 1, 110) | "sort -rn | head -20"; close("sort -rn | head -20") }
AWK

meta() {
  {
    echo "date=$(date -Is) cpus=$(nproc) $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') node=$(node -v)"
    echo "server_js=$SERVER_JS server_cpus=${SERVER_CPUS:-any} client_cpus=${CLIENT_CPUS:-any} parallel=$PARALLEL devices=$DEVICES"
    echo "full_count=$FULL_COUNT resumed_count=$RESUMED_COUNT warmup=$WARMUP reps=$REPS extra_args=${EXTRA_ARGS:-}"
    echo "load: $(cat /proc/loadavg)"
  } | tee "$OUT/meta.txt"
}

warm() { # warm PORT [--ma-optional]: WARMUP full auths per version, not measured
  local port=$1; shift
  eapload "$port" --tls 1.2 --count "$WARMUP" "$@" > /dev/null 2>&1 || true
  eapload "$port" --tls 1.3 --count "$WARMUP" "$@" > /dev/null 2>&1 || true
}

build_bench
[ "${BUILD_SERVER:-0}" = 1 ] && { (cd "$REPO" && npm run build --silent) || { echo "server build failed" >&2; exit 1; }; }
[ -f "$SERVER_JS" ] || { echo "no server at $SERVER_JS (npm run build, or BUILD_SERVER=1)" >&2; exit 1; }

case "$MODE" in
run)
  RUNS=${RUNS:-full-1.2 full-1.3 resumed-1.2 resumed-1.3}
  if [ -z "${PKI:-}" ]; then PKI="$OUT/pki"; [ -f "$PKI/trusted-cas.pem" ] || node "$EAP_JS" --make-pki "$PKI" --clients 20 > /dev/null; fi
  trap 'stop_portcullis "$P_DIR"' EXIT
  start_portcullis_eap "$PKI"
  PID=$(cat "$P_DIR/portcullis.pid")
  meta
  warm "$EAP_AUTH_PORT"
  : > "$OUT/rows.txt"
  for c in $RUNS; do gen_row "$c" portcullis "$EAP_AUTH_PORT" "$PID" 1 "$OUT/runs.log" | tee -a "$OUT/rows.txt"; done
  grep -h 'phase=' "$OUT/runs.log" | sed 's/^ *//'
  summarize "$OUT/rows.txt" | tee "$OUT/summary.md"
  ;;
compare)
  CASES=${CASES:-full-1.2 full-1.3 resumed-1.2 resumed-1.3}
  EAPOL_CONFS=${EAPOL_CONFS-eaptls-clients eaptls13.conf}
  if [ -z "${PKI:-}" ]; then PKI="$OUT/pki"; [ -f "$PKI/trusted-cas.pem" ] || "$ANCHOR/make-pki.sh" "$PKI" 20 > /dev/null; fi
  # make-pki.sh numbers clients with `seq -w 1 N`: keep N in 10..99, make-eapol-confs.sh expects client-01
  [ -z "$EAPOL_CONFS" ] || "$ANCHOR/make-eapol-confs.sh" "$PKI" "$OUT/eapol" > /dev/null
  trap 'stop_portcullis "$P_DIR"; stop_freeradius' EXIT
  start_freeradius "$PKI"
  start_portcullis_eap "$PKI"
  FR_PID=$(cat "$FR_DIR/freeradius.pid") P_PID=$(cat "$P_DIR/portcullis.pid")
  meta; echo "freeradius=$(freeradius -v | head -1) pid=$FR_PID resume=${FR_RESUME:-0}; portcullis pid=$P_PID" | tee -a "$OUT/meta.txt"
  warm "$FR_AUTH_PORT" --ma-optional; warm "$EAP_AUTH_PORT"
  : > "$OUT/rows.txt"
  for rep in $(seq "$REPS"); do
    if [ $(( rep % 2 )) = 1 ]; then order="freeradius portcullis"; else order="portcullis freeradius"; fi
    for c in $CASES; do
      for s in $order; do
        if [ "$s" = freeradius ]; then gen_row "$c" "$s" "$FR_AUTH_PORT" "$FR_PID" "$rep" "$OUT/gen.log"
        else gen_row "$c" "$s" "$EAP_AUTH_PORT" "$P_PID" "$rep" "$OUT/gen.log"; fi | tee -a "$OUT/rows.txt"
        sleep 1
      done
    done
    for e in $EAPOL_CONFS; do
      for s in $order; do
        if [ "$s" = freeradius ]; then eapol_row "$OUT/eapol/$e" "$s" "$FR_AUTH_PORT" "$FR_PID" "$rep" "$OUT/eapol.log"
        else eapol_row "$OUT/eapol/$e" "$s" "$EAP_AUTH_PORT" "$P_PID" "$rep" "$OUT/eapol.log"; fi | tee -a "$OUT/rows.txt"
        sleep 1
      done
    done
  done
  summarize "$OUT/rows.txt" | tee "$OUT/summary.md"
  ;;
ab)
  RUNS=${RUNS:-resumed-1.2-sid}
  [ -n "${BUILDS:-}" ] || { echo "ab: set BUILDS=\"name=path/to/dist/cli/index.js ...\"" >&2; exit 2; }
  if [ -z "${PKI:-}" ]; then PKI="$OUT/pki"; [ -f "$PKI/trusted-cas.pem" ] || node "$EAP_JS" --make-pki "$PKI" --clients 20 > /dev/null; fi
  trap 'stop_portcullis "$P_DIR"' EXIT
  meta
  : > "$OUT/rows.txt"
  for rep in $(seq "$REPS"); do
    for b in $BUILDS; do
      SERVER_JS=${b#*=} start_portcullis_eap "$PKI" > /dev/null
      PID=$(cat "$P_DIR/portcullis.pid")
      warm "$EAP_AUTH_PORT"
      for c in $RUNS; do gen_row "$c" "${b%%=*}" "$EAP_AUTH_PORT" "$PID" "$rep" "$OUT/runs.log" | tee -a "$OUT/rows.txt"; done
      stop_portcullis "$P_DIR" > /dev/null
    done
  done
  summarize "$OUT/rows.txt" | tee "$OUT/summary.md"
  ;;
profile)
  RUNS=${RUNS:-full-1.2 resumed-1.2 full-1.3 resumed-1.3}
  if [ -z "${PKI:-}" ]; then PKI="$OUT/pki"; [ -f "$PKI/trusted-cas.pem" ] || node "$EAP_JS" --make-pki "$PKI" --clients 20 > /dev/null; fi
  trap 'stop_portcullis "$P_DIR"' EXIT
  meta
  for c in $RUNS; do
    CD="$OUT/$c"; mkdir -p "$CD"
    # pass 1 (PERF_PASS=0 skips it): perf only (on-CPU samples of every thread; --perf-basic-prof names JIT frames)
    if [ "${PERF_PASS:-1}" = 1 ]; then
    # (--perf-basic-prof also makes V8 write a code log: keep it in CD, not in the repo)
    NODE_FLAGS="--perf-basic-prof --logfile=$CD/v8.log --no-logfile-per-isolate" start_portcullis_eap "$PKI"
    PID=$(cat "$P_DIR/portcullis.pid")
    warm "$EAP_AUTH_PORT"
    : > "$CD/load.out"
    # shellcheck disable=SC2046
    eapload "$EAP_AUTH_PORT" $(case_args "$c") --server-pid "$PID" --label "$c" > "$CD/load.out" 2>&1 &
    LPID=$!
    # resumed cases: sample only after the prime phase (one full auth per device) has finished
    if [[ $c == resumed* ]]; then
      for _ in $(seq 1200); do grep -q 'phase=prime-full' "$CD/load.out" && break; kill -0 "$LPID" 2>/dev/null || break; sleep 0.1; done
    fi
    PERF=0
    # DWARF unwinding (default): OpenSSL and glibc have no frame pointers, so -g (fp) loses most TLS callers
    if [ "${CALLGRAPH:-dwarf}" = fp ]; then CG=(-F 999 -g); else CG=(-F 999 --call-graph dwarf,32768); fi
    if perf record "${CG[@]}" -p "$PID" -o "$CD/perf.data" -- sleep 600 > "$CD/perf-record.log" 2>&1 & then
      PERF_PID=$!; sleep 0.3; kill -0 "$PERF_PID" 2>/dev/null && PERF=1
    fi
    wait "$LPID" || true
    if [ "$PERF" = 1 ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; fi
    stop_portcullis "$P_DIR"
    grep -v '^RESULT' "$CD/load.out" > "$CD/load.log"
    row_from "$CD/load.out" "$c" portcullis 1 | tee "$CD/row.txt"
    MS=$(sed -n 's/.* server_ms=\([0-9.]*\).*/\1/p' "$CD/row.txt")
    if [ "$PERF" = 1 ]; then
      echo "== $c: where the server's CPU goes (perf, measured phase; ms/auth = share x ${MS:-?} ms)"
      perf script --no-inline -i "$CD/perf.data" -F tid,ip,sym 2>/dev/null | awk -v pid="$PID" -v ms="${MS:-0}" "$PERF_BUCKETS" | tee "$CD/perf-buckets.txt"
      echo "== $c: top self symbols (all threads)"
      { perf report --no-inline -i "$CD/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v -e '^#' -e '^$' | head -40; } > "$CD/perf-sym.txt" || true
      head -25 "$CD/perf-sym.txt"
    fi
    rm -f "/tmp/perf-$PID.map"
    fi
    # pass 2 (V8=1): node --cpu-prof for JS attribution (samples wall time, adds ~10-20 % overhead)
    if [ "${V8:-0}" = 1 ]; then
      NODE_FLAGS="--cpu-prof --cpu-prof-dir=$CD" start_portcullis_eap "$PKI"
      PID=$(cat "$P_DIR/portcullis.pid")
      warm "$EAP_AUTH_PORT"
      # shellcheck disable=SC2046
      eapload "$EAP_AUTH_PORT" $(case_args "$c") --server-pid "$PID" --label "$c-v8" > "$CD/load-v8.out" 2>&1 || true
      stop_portcullis "$P_DIR"
      N=$(jq -r '[.phases[].ok] | add' <<< "$(sed -n 's/^RESULT //p' "$CD/load-v8.out")")
      echo "== $c: V8 CPU profile (whole server life: ${N:-?} measured+prime auths and $(( 2 * WARMUP )) warm-up auths)"
      node "$BENCH_DIR/.build/profile-top.js" "$CD"/*.cpuprofile 30 $(( ${N:-0} + 2 * WARMUP )) > "$CD/v8-top.txt" 2>&1 || true
      head -40 "$CD/v8-top.txt"
    fi
  done
  ;;
*) sed -n '2,20p' "$0"; exit 2 ;;
esac
echo "output in $OUT"
