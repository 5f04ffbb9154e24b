# bench/common.sh -- sourced by the bench scripts: start/stop a private portcullis, run the load generator.
# Env knobs:
#   P_AUTH_PORT=18122 P_ACCT_PORT=18132   portcullis ports (127.0.0.1 only; FreeRADIUS anchor uses 18120/18130)
#   SECRET=testing123  MAB_MACS=1000      client secret; MACs 020000000001.. allowed by the policy (same set as the anchor)
#   LEGACY_MAB_CONFIG=1                   write mab.allow instead of a policy (P_ROOT builds older than the policy engine)
#   STORE_SYNC=full|normal                SQLite synchronous (full = every Accounting-Response after fsync)
#   DUP_WINDOW=30                         server.duplicate_window_seconds (RFC 5080 reply cache lifetime)
#   SERVER_CPUS=<list>                    pin the server (taskset -c), e.g. 1
#   CLIENT_CPUS=<list>                    pin the load clients (taskset -c), e.g. 0
#   NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"   extra node flags for the server (profiling)
#   SERVER_ENV="K=V ..."                  extra environment for the server process
#   P_ROOT=<dir>                          run <dir>/dist/cli/index.js instead of this checkout's (a frozen build,
#                                         e.g. of another commit: git archive REV | tar -x -C DIR, link node_modules, tsc)
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
ANCHOR=${ANCHOR:-/work/shared/anchors/freeradius}
P_AUTH_PORT=${P_AUTH_PORT:-18122}
P_ACCT_PORT=${P_ACCT_PORT:-18132}
SECRET=${SECRET:-testing123}
MAB_MACS=${MAB_MACS:-1000}
STORE_SYNC=${STORE_SYNC:-full}
DUP_WINDOW=${DUP_WINDOW:-30}

pin() { [ -n "${1:-}" ] && echo "taskset -c $1"; }

# build_bench: compile the TypeScript load generator to bench/.build/ (and the server to dist/ if asked)
build_bench() {
  (cd "$REPO" && npx tsc -p bench/tsconfig.json) || { echo "bench build failed" >&2; return 1; }
}
LOAD_JS="$BENCH_DIR/.build/radius-load.js"

# policy_yaml : the policy: section of the bench config. MAB is decided by the policy, so the bench MACs are a
# label and an allow rule placed where a real site would have it: after a guest-SSID block and the certificate
# rules, before the password rule, with a VLAN. A MAB request is tested against every rule before its own.
policy_yaml() {
  cat <<'YAML'
policy:
  vlans: {corp: 10, devices: 20, remediation: 999}
  labels:
    guest-wifi: {ssid: [Guest, Visitors]}
    device-certificate: {method: eap-tls}
    jamf-compliant: {mdm: {provider: jamf, state: compliant}}
    staff-password: {method: [eap-ttls, peap]}
    bench-macs:
      method: mab
      mac:
YAML
  for i in $(seq 1 "$MAB_MACS"); do printf '        - "020000%06x"\n' "$i"; done
  cat <<'YAML'
  rules:
    - {name: guests-blocked, match: [guest-wifi], action: block}
    - {name: corp-compliant, match: [device-certificate, jamf-compliant], action: allow, apply: {vlan: corp}}
    - {name: corp-remediation, match: [device-certificate], action: allow, apply: {vlan: remediation, session_timeout: 3600}}
    - {name: mab-devices, match: [bench-macs], action: allow, apply: {vlan: devices}}
    - {name: staff-with-password, match: [staff-password], action: allow, apply: {vlan: corp}}
  default: block
YAML
}

# start_portcullis DIR : config + store under DIR, pid in DIR/portcullis.pid
start_portcullis() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)   # the server runs from P_ROOT: its paths must be absolute
  if [ -f "$dir/portcullis.pid" ] && kill -0 "$(cat "$dir/portcullis.pid")" 2>/dev/null; then
    echo "portcullis already running, pid $(cat "$dir/portcullis.pid")" >&2; return 1
  fi
  rm -f "$dir"/portcullis.db*
  {
    echo "server:"
    echo "  auth_listen: [\"127.0.0.1:$P_AUTH_PORT\"]"
    echo "  acct_listen: [\"127.0.0.1:$P_ACCT_PORT\"]"
    echo "  duplicate_window_seconds: $DUP_WINDOW"
    echo "log: {level: warn, auth_decisions: false}"
    echo "store: {path: $dir/portcullis.db, synchronous: $STORE_SYNC}"
    echo "clients:"
    echo "  - {name: localhost, address: 127.0.0.1, secret: $SECRET}"
    if [ "${LEGACY_MAB_CONFIG:-0}" = 1 ]; then
      # builds from before the policy engine (P_ROOT of an older commit) read the MACs from mab.allow
      echo "mab:"
      echo "  allow:"
      for i in $(seq 1 "$MAB_MACS"); do printf '    - "020000%06x"\n' "$i"; done
    else
      policy_yaml
    fi
  } > "$dir/config.yaml"
  # shellcheck disable=SC2086
  (cd "${P_ROOT:-$REPO}" && exec env ${SERVER_ENV:-} setsid $(pin "${SERVER_CPUS:-}") node ${NODE_FLAGS:-} dist/cli/index.js serve -c "$dir/config.yaml" \
    > "$dir/stdout.log" 2>&1 < /dev/null) &
  local pid=$!
  echo "$pid" > "$dir/portcullis.pid"
  for _ in $(seq 100); do
    ss -lun | grep -q "127.0.0.1:$P_ACCT_PORT" && break
    kill -0 "$pid" 2>/dev/null || { echo "portcullis died:" >&2; cat "$dir/stdout.log" >&2; return 1; }
    sleep 0.1
  done
  ss -lun | grep -q "127.0.0.1:$P_AUTH_PORT" || { echo "portcullis not listening" >&2; return 1; }
  [ "$(cat /proc/$pid/comm)" = node ] || { echo "pid $pid is $(cat /proc/$pid/comm), not node" >&2; return 1; }
  echo "portcullis pid $pid on 127.0.0.1:$P_AUTH_PORT/$P_ACCT_PORT store=$dir/portcullis.db ($STORE_SYNC) dup_window=${DUP_WINDOW}s cpus=${SERVER_CPUS:-any}"
}

# stop_portcullis DIR : SIGTERM the pid in DIR/portcullis.pid (and only it), SIGKILL after 10 s
stop_portcullis() {
  local pf="$1/portcullis.pid" pid
  [ -f "$pf" ] || return 0
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped portcullis pid $pid"
  fi
  rm -f "$pf"
}

# load ARGS... : the in-process load generator, pinned like the radclient runs
load() {
  # shellcheck disable=SC2046
  timeout "${BENCH_TIMEOUT:-300}" $(pin "${CLIENT_CPUS:-}") node "$LOAD_JS" "$@"
}

# us_per_request SERVER_CPU_SECONDS ANSWERED
us_per_request() { awk -v c="$1" -v n="$2" 'BEGIN{ if (n > 0) printf "%.1f", 1e6 * c / n; else print "-" }'; }

# radclient_mab_row PORT COUNT PARALLEL PID : the anchor's bench-mab.sh plus server us/request
radclient_mab() {
  local port=$1 count=$2 par=$3 pid=$4 out
  out=$(SERVER_PID=$pid "$ANCHOR/bench-mab.sh" 127.0.0.1 "$port" "$SECRET" "$count" "$par")
  echo "$out"
  local sc ans
  sc=$(sed -n 's/.*server_cpu=\([0-9.]*\)s.*/\1/p' <<< "$out")
  ans=$(sed -n 's/.*accepted=\([0-9]*\) rejected=\([0-9]*\).*/\1 \2/p' <<< "$out" | awk '{print $1+$2}')
  echo "  server_us_per_request=$(us_per_request "${sc:-0}" "${ans:-0}")"
}

# radclient_acct PORT SESSIONS INTERIMS PARALLEL PID : the anchor's bench-acct.sh (prints us/pkt itself)
radclient_acct() {
  SERVER_PID=$5 "$ANCHOR/bench-acct.sh" 127.0.0.1 "$1" "$SECRET" "$2" "$3" "$4"
}
