#!/usr/bin/env bash
# Is this machine steady enough to compare modes? One Board.Web process in one mode under wrk on 127.0.0.1, measured
# in consecutive windows: CPU per request (user and kernel apart) in each, and between windows three small probes of
# the machine itself (a CPU loop in awk, a memory-bandwidth copy and a run of small system calls, wall ms each).
# The same code under the same load should cost the same in every window; where it does not while the probes stay
# flat, the machine slows large programs in phases that small ones do not feel, and load.sh's rounds will show it.
# Usage: bench/steadiness.sh [MODE, default a] [windows, default 12] [seconds per window, default 6]
# Needs wrk; stops by itself. PAGE_REPORTING=off as in load.sh (bench/page-reporting.sh).
set -euo pipefail

MODE=${1:-a}
WINDOWS=${2:-12}
SECONDS_PER_WINDOW=${3:-6}
WARMUP=${WARMUP:-10}
PORT=${PORT:-5099}
SINK_PORT=${SINK_PORT:-4318}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "usage: bench/steadiness.sh [MODE] [windows] [seconds per window]" "$WINDOWS" "$SECONDS_PER_WINDOW"
mode_env "$MODE" >/dev/null
OUT=${OUT:-$(mktemp -d -t board-steadiness.XXXXXX)}
URL="http://127.0.0.1:$PORT/alive"
TICKS=$(getconf CLK_TCK)
# shellcheck source=bench/page-reporting.sh
. "$ROOT/bench/page-reporting.sh"
case $MODE in d) echo "mode d needs the receiver: use load.sh" >&2; exit 1 ;; esac

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
dotnet build -c Release "$ROOT/Board.Web/Board.Web.csproj" -v q -nologo >"$OUT/build.log"

APP_PID=""
DB=$(mktemp -d -t board-db.XXXXXX)
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  rm -rf "$DB"
  page_reporting_restore
}
trap cleanup EXIT
page_reporting_prepare

# Wall milliseconds of one command.
wall_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
probes() {
  echo "$(wall_ms awk 'BEGIN { for (i = 0; i < 3e7; i++) s += i * 0.5 }')" \
       "$(wall_ms dd if=/dev/zero of=/dev/null bs=64M count=60)" \
       "$(wall_ms dd if=/dev/zero of=/dev/null bs=64 count=600000)"
}
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }
kernel_ticks() { awk '{print $15}' "/proc/$1/stat"; }

start_board "$MODE" "$PORT" "$DB" "$OUT/app.stdout" "$OUT/app.stderr"
APP_PID=$BOARD_PID
wait_for_board "$APP_PID" "$URL" "$OUT/app.stderr"
wrk -t2 -c32 -d"${WARMUP}s" "$URL" >/dev/null

page_reporting_state
echo "mode $MODE, $WINDOWS windows of ${SECONDS_PER_WINDOW}s in one process; probes in wall ms (lower is faster)"
printf '%-6s %10s %10s %8s %8s %9s %9s %9s\n' window req/s cpu_us/req user kernel cpu_probe mem_probe sys_probe
for window in $(seq 1 "$WINDOWS"); do
  read -r cpu_probe mem_probe sys_probe <<<"$(probes)"
  user_before=$(user_ticks "$APP_PID"); kernel_before=$(kernel_ticks "$APP_PID")
  wrk -t2 -c32 -d"${SECONDS_PER_WINDOW}s" "$URL" >"$OUT/window.wrk"
  user=$(( $(user_ticks "$APP_PID") - user_before )); kernel=$(( $(kernel_ticks "$APP_PID") - kernel_before ))
  requests=$(awk '/requests in/ {print $1}' "$OUT/window.wrk")
  awk -v w="$window" -v rps="$(awk '/Requests\/sec/ {print $2}' "$OUT/window.wrk")" -v u="$user" -v k="$kernel" \
      -v t="$TICKS" -v n="$requests" -v c="$cpu_probe" -v m="$mem_probe" -v s="$sys_probe" \
      'BEGIN { printf "%-6s %10.0f %10.1f %8.1f %8.1f %9s %9s %9s\n", w, rps, (u + k) / t * 1e6 / n, u / t * 1e6 / n, k / t * 1e6 / n, c, m, s }'
  # A logging mode's stdout is not kept: only the CPU it costs is of interest here.
  : >"$OUT/app.stdout"
done
