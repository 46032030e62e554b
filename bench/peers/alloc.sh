#!/usr/bin/env bash
# Bytes allocated per request by the Board peers app (bench/peers/Board) in each of several configurations, every
# thread counted: GC.GetTotalAllocatedBytes, read from the app's /alloc endpoint before and after a wrk window on
# 127.0.0.1, over the requests served in it. The configurations run one after another, each after a warm-up.
# Usage: bench/peers/alloc.sh [seconds per window, default 5]
#   VARIANTS="name:NAME=value+NAME2=value ..." chooses the configurations (default: board-off, board, and board with
#   held records off). Needs wrk and curl; stops every process it started, by pid.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
USAGE="usage: bench/peers/alloc.sh [seconds per window]"
WINDOW=${1:-5}
[ $# -le 1 ] || { echo "$USAGE (at most one argument)" >&2; exit 2; }
SINK_PORT=${SINK_PORT:-4411}
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "$USAGE" "$WINDOW"
VARIANTS=${VARIANTS:-"board-off:StructuredLogging__Requests__Enabled=false+StructuredLogging__Console__Format=None board: board-held-off:StructuredLogging__Requests__HeldRecords__Enabled=false"}
PORT=${PORT:-5251}
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install -y $tool)" >&2; exit 1; }
done

OUT=$(mktemp -d -t board-alloc.XXXXXX)
echo "building (Release) ..." >&2
dotnet build -c Release "$ROOT/bench/peers/peers.slnx" -v q -nologo >"$OUT/build.log" || { echo "the build failed; see $OUT/build.log" >&2; exit 1; }
BIN=$ROOT/bench/peers/Board/bin/Release/net10.0

PID=""
trap '[ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; } || true' EXIT

printf "| configuration | B allocated per request | requests |\n|---|---|---|\n"
for variant in $VARIANTS; do
  name=${variant%%:*}
  variables=${variant#*:}
  # shellcheck disable=SC2086 # the variables are split on purpose
  (cd "$BIN" && exec env -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ASPNETCORE_ENVIRONMENT=Production \
      ASPNETCORE_URLS="http://127.0.0.1:$PORT" ${variables//+/ } dotnet Peers.Board.dll >"$OUT/$name.stdout" 2>"$OUT/$name.stderr") &
  PID=$!
  deadline=$((SECONDS + 60))
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/hello"; do
    kill -0 "$PID" 2>/dev/null || { echo "$name exited; see $OUT/$name.stderr" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$name did not answer within 60 s" >&2; exit 1; }
    sleep 0.2
  done
  wrk -t1 -c32 -d3s "http://127.0.0.1:$PORT/hello" >/dev/null
  before=$(curl -sf "http://127.0.0.1:$PORT/alloc")
  requests=$(wrk -t1 -c32 -d"${WINDOW}s" "http://127.0.0.1:$PORT/hello" | awk '/requests in/ {print $1}')
  after=$(curl -sf "http://127.0.0.1:$PORT/alloc")
  printf "| %s | %d | %d |\n" "$name" $(((after - before) / requests)) "$requests"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  PID=""
done
rm -rf "$OUT"
