#!/usr/bin/env bash
# bench/acct.sh [SESSIONS=1000] [INTERIMS=100] [PARALLEL=32]
# Accounting load (Start / INTERIMS Interim-Updates / Stop per session) against a private portcullis with a fresh
# SQLite store (STORE_SYNC=full: every Accounting-Response follows a durable commit): in-process generator, then
# the FreeRADIUS anchor's radclient script (bench-acct.sh). SERVER_CPUS / CLIENT_CPUS pin like mab.sh.
# Env: WARMUP (20000 packets), SKIP_RADCLIENT=1, plus common.sh knobs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
SESSIONS=${1:-1000} INTERIMS=${2:-100} PARALLEL=${3:-32} WARMUP=${WARMUP:-20000}
DIR=$(mktemp -d /tmp/portcullis-acct.XXXXXX)
trap 'stop_portcullis "$DIR"; rm -rf "$DIR"' EXIT
build_bench
start_portcullis "$DIR"
PID=$(cat "$DIR/portcullis.pid")
load --mode acct --port "$P_ACCT_PORT" --sessions 1000 --interims $(( WARMUP / 1000 )) --parallel "$PARALLEL" --label warmup > /dev/null
echo "== in-process generator"
load --mode acct --port "$P_ACCT_PORT" --sessions "$SESSIONS" --interims "$INTERIMS" --parallel "$PARALLEL" --server-pid "$PID" | grep -v '^RESULT'
if [ "${SKIP_RADCLIENT:-0}" != 1 ]; then
  echo "== radclient (anchor bench-acct.sh)"
  radclient_acct "$P_ACCT_PORT" "$SESSIONS" "$INTERIMS" "$PARALLEL" "$PID"
fi
