#!/usr/bin/env bash
# Where a logging mode's CPU goes: Board.Web's GET /alive under wrk on 127.0.0.1 (after the same warm-up as load.sh),
# sampled with perf, then summed per thread and module and per symbol, in µs of CPU per request. Run it for (a) and
# for the mode in question and compare (bench/peers/run.sh with PERF=1 does the same on the peers app, for the
# profile in docs/performance.md).
# Usage: bench/profile.sh MODE [seconds sampled, default 10]   (modes in bench/modes.sh; needs perf and wrk)
# Stops by itself; the perf data stays in $OUT. PAGE_REPORTING=off as in load.sh (bench/page-reporting.sh).
set -euo pipefail

MODE=${1:?usage: bench/profile.sh MODE [seconds]}
SAMPLED=${2:-10}
FREQUENCY=${FREQUENCY:-1999}
WARMUP=${WARMUP:-10}
TOP=${TOP:-25}
PORT=${PORT:-5099}
SINK_PORT=${SINK_PORT:-4318}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "usage: bench/profile.sh MODE [seconds sampled]" "$SAMPLED"
mode_env "$MODE" >/dev/null
OUT=${OUT:-$(mktemp -d -t board-profile.XXXXXX)}
URL="http://127.0.0.1:$PORT/alive"
# shellcheck source=bench/page-reporting.sh
. "$ROOT/bench/page-reporting.sh"

for tool in perf wrk; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install -y linux-perf wrk)" >&2; exit 1; }
done

dotnet build -c Release "$ROOT/Board.Web/Board.Web.csproj" -v q -nologo >"$OUT/build.log"
dotnet build -c Release "$ROOT/bench/Board.OtlpSink/Board.OtlpSink.csproj" -v q -nologo >>"$OUT/build.log"

SINK_PID=""; APP_PID=""; WRK_PID=""; DB=$(mktemp -d -t board-db.XXXXXX)
cleanup() {
  for p in $WRK_PID $APP_PID $SINK_PID; do kill "$p" 2>/dev/null || true; done
  rm -rf "$DB" "$OUT/app.stdout"
  page_reporting_restore
}
trap cleanup EXIT
page_reporting_prepare

if [ "$MODE" = d ]; then
  start_sink "$OUT/sink.log"
fi

# The perf map names jitted frames; W^X off keeps their addresses stable.
start_board "$MODE" "$PORT" "$DB" "$OUT/app.stdout" "$OUT/app.stderr" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
APP_PID=$BOARD_PID
wait_for_board "$APP_PID" "$URL" "$OUT/app.stderr"
wrk -t2 -c32 -d"${WARMUP}s" "$URL" >/dev/null

# wrk runs a little longer than perf on both sides, so that every sample is taken under load.
wrk -t2 -c32 -d"$((SAMPLED + 4))s" "$URL" >"$OUT/wrk.txt" &
WRK_PID=$!
sleep 2
perf record -F "$FREQUENCY" -g -p "$APP_PID" -o "$OUT/perf.data" -- sleep "$SAMPLED" >/dev/null 2>"$OUT/perf.log"
wait "$WRK_PID"; WRK_PID=""
RPS=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")

# shellcheck source=bench/perf-per-request.sh
. "$ROOT/bench/perf-per-request.sh"
per_request() {
  perf_per_request "$OUT/perf.data" "$1" "$FREQUENCY" "$RPS" "$SAMPLED"
}

echo "mode $MODE: $RPS req/s under the profiler; µs of CPU per request; $(page_reporting_state)"
echo "-- by thread and module"
per_request comm,dso | head -n 16
echo "-- top $TOP symbols"
per_request dso,sym | grep -v '(total)' | head -n "$TOP" | cut -c1-200
echo "perf data: $OUT/perf.data" >&2
