#!/usr/bin/env bash
# bench/mab.sh [COUNT=150000] [PARALLEL=64] [RC_PARALLEL=32]
# MAB load against a private portcullis: starts it (SERVER_CPUS=1 pins it like the anchor's pinned table; pair
# with CLIENT_CPUS=0), warms it up, runs the in-process generator (bench/radius-load.ts) and the FreeRADIUS
# anchor's radclient script (bench-mab.sh) against it, stops it. Prints rps and server CPU µs per request.
# Env: WARMUP (20000), SKIP_RADCLIENT=1, plus common.sh knobs (ports, STORE_SYNC, NODE_FLAGS ...).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); . "$HERE/common.sh"
COUNT=${1:-150000} PARALLEL=${2:-64} RC_PARALLEL=${3:-32} WARMUP=${WARMUP:-20000}
DIR=$(mktemp -d /tmp/portcullis-mab.XXXXXX)
trap 'stop_portcullis "$DIR"; rm -rf "$DIR"' EXIT
build_bench
start_portcullis "$DIR"
PID=$(cat "$DIR/portcullis.pid")
load --mode mab --port "$P_AUTH_PORT" --count "$WARMUP" --parallel "$PARALLEL" --label warmup > /dev/null
echo "== in-process generator"
load --mode mab --port "$P_AUTH_PORT" --count "$COUNT" --parallel "$PARALLEL" --server-pid "$PID" | grep -v '^RESULT'
if [ "${SKIP_RADCLIENT:-0}" != 1 ]; then
  echo "== radclient (anchor bench-mab.sh)"
  radclient_mab "$P_AUTH_PORT" "$COUNT" "$RC_PARALLEL" "$PID"
fi
