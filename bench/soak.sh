#!/usr/bin/env bash
# Soak: Board.Web's GET /alive at saturation for 5 minutes with Board's START+END pipeline to stdout (a file) and
# OTLP/HTTP to bench/Board.OtlpSink through the general endpoint (logs, traces and metrics; mode d of load.sh with
# OTLP_SIGNALS=all), printing VmRSS and VmHWM every 30 s. Memory is flat when
# VmHWM after minute 1 is within 10% of VmHWM after minute 5. Stops by itself.
# Usage: bench/soak.sh [seconds, default 300]   (PAGE_REPORTING=off as in load.sh: bench/page-reporting.sh)
set -euo pipefail
SECONDS_TOTAL=${1:-300}
PORT=${PORT:-5099}
SINK_PORT=${SINK_PORT:-4318}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "usage: bench/soak.sh [seconds]" "$SECONDS_TOTAL"
OUT=${OUT:-$(mktemp -d -t board-soak.XXXXXX)}
URL="http://127.0.0.1:$PORT/alive"
OTLP_SIGNALS=all
# shellcheck source=bench/page-reporting.sh
. "$ROOT/bench/page-reporting.sh"

dotnet build -c Release "$ROOT/Board.Web/Board.Web.csproj" -v q -nologo >"$OUT/build.log"
dotnet build -c Release "$ROOT/bench/Board.OtlpSink/Board.OtlpSink.csproj" -v q -nologo >>"$OUT/build.log"

APP_PID=""; SINK_PID=""; WRK_PID=""; DB=$(mktemp -d -t board-db.XXXXXX)
# Also on Ctrl-C or an error: the stdout file (tens of gigabytes) goes unless KEEP_OUTPUT=1.
cleanup() {
  for p in $WRK_PID $APP_PID $SINK_PID; do kill "$p" 2>/dev/null || true; done
  rm -rf "$DB"
  [ "${KEEP_OUTPUT:-0}" = 1 ] || rm -f "$OUT/app.stdout"
  page_reporting_restore
}
trap cleanup EXIT
page_reporting_prepare

start_sink "$OUT/sink.log"

start_board d "$PORT" "$DB" "$OUT/app.stdout" "$OUT/app.stderr"
APP_PID=$BOARD_PID
wait_for_board "$APP_PID" "$URL" "$OUT/app.stderr"

wrk -t2 -c32 -d"${SECONDS_TOTAL}s" --latency "$URL" >"$OUT/wrk.txt" &
WRK_PID=$!
page_reporting_state
echo "seconds vmrss_mb vmhwm_mb"
for ((t = 30; t <= SECONDS_TOTAL; t += 30)); do
  sleep 30
  awk -v t="$t" '/VmRSS/ {r = $2} /VmHWM/ {h = $2} END {printf "%7d %9.1f %9.1f\n", t, r / 1024, h / 1024}' "/proc/$APP_PID/status" | tee -a "$OUT/memory.txt"
done
wait "$WRK_PID" || true; WRK_PID=""
awk 'NR == 2 {m1 = $3} {last = $3} END {printf "VmHWM after minute 1: %.1f MB, at the end: %.1f MB, ratio %.3f\n", m1, last, last / m1}' "$OUT/memory.txt"
grep -E 'requests in|Requests/sec' "$OUT/wrk.txt"
# Five minutes of stdout is tens of gigabytes: removed unless KEEP_OUTPUT=1.
[ "${KEEP_OUTPUT:-0}" = 1 ] || rm -f "$OUT/app.stdout"
echo "raw output: $OUT" >&2
