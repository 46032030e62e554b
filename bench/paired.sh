#!/usr/bin/env bash
# Macro benchmark in short windows: one warm Board.Web process per mode, all started together, and wrk on 127.0.0.1
# moving from one to the next every few seconds, (a) before and after every other mode: a b a c a d a b ...
# Each mode's window is compared with the mean of the (a) windows on either side of it, a few seconds away, so a
# comparison rarely spans one of the machine's slow phases (bench/steadiness.sh), which last 20 s or more, where
# load.sh's fresh process per mode puts minutes between a mode and its baseline. The idle processes cost nothing
# while another is measured. load.sh stays the check that no record is dropped; this is the ratio.
# What the logging modes write to stdout goes to a file, emptied after each of their windows (which drops its dirty
# pages before the kernel writes them back), so no window pays for the disk writes of another: this measures the
# logging up to the page cache. KEEP_STDOUT=1 lets the files grow instead, and the kernel's writeback, with its
# throttling of the writer, falls into whichever window it happens in. The files are removed at the end either way.
# Usage: bench/paired.sh [cycles, default 12] [seconds per window, default 5]   MODES (default "b c d") are compared
#        A MODES entry name=mode:VAR=value[,VAR=value] is that mode with variables of its own (they win over the
#        mode's), measured under that name: MODES="d d512=d:OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=512" compares two batch sizes.
#        bench/paired.sh --summarize rows.txt [more rows.txt]                  the summary of earlier runs' rows, pooled
# Needs wrk; stops by itself. PAGE_REPORTING=off as in load.sh (bench/page-reporting.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# rows: cycle mode rps cpu_us baseline_rps baseline_cpu_us (the baseline: the mean of the (a) windows either side)
# Several files are pooled: their windows are counted together, and a cycle is only ever compared within its own run.
summarize() {
  awk -f "$ROOT/bench/stats.awk" -f /dev/stdin "$@" <<'AWK'
  # ratio: the median over the windows of req/s to the (a) baseline, with a 95% confidence interval for it;
  # cpu_us+: the median of CPU per request over the baseline.
  FNR == 1 { run++ }
  # A row that is not a measurement (no req/s, a zero baseline) would become a ratio of nan or inf: refused.
  NF == 6 && $1 ~ /^[0-9]+$/ && !($3 ~ /^[0-9]+(\.[0-9]+)?$/ && $5 ~ /^[0-9]+(\.[0-9]+)?$/ && $5 > 0) {
    printf "bench/paired.sh: %s line %d is not a measurement: %s\n", FILENAME, FNR, $0 > "/dev/stderr"
    bad = 1
    next
  }
  NF == 6 && $1 ~ /^[0-9]+$/ {
    if (!($2 in count)) order[++modes] = $2
    k = ++count[$2]
    ratio[$2, k] = $3 / $5; extra[$2, k] = $4 - $6
    cycle_ratio[run ":" $1, $2] = $3 / $5
  }
  # A target is met when the whole interval is at or above it, not met when the whole interval is below it, and at
  # the edge when the interval holds it: the windows then cannot tell which side the mode is on.
  function verdict(mode, target) {
    if (low[mode] == "") {
      printf "(%s) >= %.2f of (a): %s (median %.3f; too few windows for an interval)\n", mode, target, (median_ratio[mode] >= target ? "met" : "not met"), median_ratio[mode]
      return
    }
    printf "(%s) >= %.2f of (a): %s (median %.3f, 95%% interval %.3f-%.3f)\n", mode, target, \
      (low[mode] >= target ? "met" : high[mode] < target ? "not met" : "at the edge"), median_ratio[mode], low[mode], high[mode]
  }
  END {
    if (bad) exit 1
    if (modes == 0) { print "bench/paired.sh: no rows to summarize" > "/dev/stderr"; exit 1 }
    printf "%-5s %7s %7s %10s %12s %14s\n", "mode", "windows", "ratio", "quartiles", "95%-interval", "cpu_us+"
    for (m = 1; m <= modes; m++) {
      mode = order[m]; n = count[mode]
      for (i = 1; i <= n; i++) { r[i] = ratio[mode, i]; e[i] = extra[mode, i] }
      median_ratio[mode] = median(r, n)
      low[mode] = ""; interval = "-"
      if (median_interval(r, n, bounds)) {
        low[mode] = bounds[1]; high[mode] = bounds[2]
        interval = sprintf("%4.2f-%4.2f", bounds[1], bounds[2])
      }
      printf "%-5s %7d %7.2f %4.2f-%4.2f %12s %+14.1f\n", mode, n, median_ratio[mode], quartile(r, n, 0.25), quartile(r, n, 0.75), interval, median(e, n)
    }
    if ("c" in count) verdict("c", 0.85)
    if ("d" in count) verdict("d", 0.70)
    for (m = 1; m <= modes; m++) {
      mode = order[m]
      if (mode == "b" || !("b" in count)) continue
      ahead = 0; cycles = 0
      for (key in cycle_ratio) {
        split(key, part, SUBSEP)
        if (part[2] != mode || !((part[1], "b") in cycle_ratio)) continue
        cycles++
        ahead += cycle_ratio[key] > cycle_ratio[part[1], "b"]
      }
      printf "(%s) ahead of (b): in %d of %d cycles\n", mode, ahead, cycles
    }
  }
AWK
}

if [ "${1:-}" = --summarize ]; then
  shift
  usage="usage: bench/paired.sh --summarize rows.txt [more rows.txt]"
  [ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }
  for rows in "$@"; do
    [ -r "$rows" ] || { echo "$usage (cannot read '$rows')" >&2; exit 2; }
  done
  summarize "$@"
  exit
fi

CYCLES=${1:-12}
WINDOW=${2:-5}
WARMUP=${WARMUP:-10}
MODES=${MODES:-"b c d"}
FIRST_PORT=${PORT:-5099}
SINK_PORT=${SINK_PORT:-4318}
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "usage: bench/paired.sh [cycles] [seconds per window]" "$CYCLES" "$WINDOW"
OUT=${OUT:-$(mktemp -d -t board-paired.XXXXXX)}
TICKS=$(getconf CLK_TCK)
# shellcheck source=bench/page-reporting.sh
. "$ROOT/bench/page-reporting.sh"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
declare -A BASE EXTRA
BASE[a]=a
EXTRA[a]=""
NAMES=""
for entry in $MODES; do
  name=${entry%%=*}
  spec=${entry#*=}
  BASE[$name]=${spec%%:*}
  EXTRA[$name]=""
  [ "$spec" = "${BASE[$name]}" ] || EXTRA[$name]=${spec#*:}
  [ "$name" != a ] || { echo "MODES are compared with (a); leave a out" >&2; exit 1; }
  mode_env "${BASE[$name]}" >/dev/null || exit 1
  NAMES="$NAMES $name"
done

dotnet build -c Release "$ROOT/Board.Web/Board.Web.csproj" -v q -nologo >"$OUT/build.log"
dotnet build -c Release "$ROOT/bench/Board.OtlpSink/Board.OtlpSink.csproj" -v q -nologo >>"$OUT/build.log"

declare -A PID PORT
SINK_PID=""
cleanup() {
  local pid
  for pid in "${PID[@]}" $SINK_PID; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$OUT"/db-* "$OUT"/*.stdout
  page_reporting_restore
}
trap cleanup EXIT
page_reporting_prepare

start_sink "$OUT/sink.log"

port=$FIRST_PORT
for mode in a $NAMES; do
  PORT[$mode]=$port
  mkdir -p "$OUT/db-$mode"
  # shellcheck disable=SC2086 # the variant's variables are split at the commas on purpose
  start_board "${BASE[$mode]}" "$port" "$OUT/db-$mode" "$OUT/$mode.stdout" "$OUT/$mode.stderr" ${EXTRA[$mode]//,/ }
  PID[$mode]=$BOARD_PID
  port=$((port + 1))
done
for mode in a $NAMES; do
  wait_for_board "${PID[$mode]}" "http://127.0.0.1:${PORT[$mode]}/alive" "$OUT/$mode.stderr"
  wrk -t2 -c32 -d"${WARMUP}s" "http://127.0.0.1:${PORT[$mode]}/alive" >/dev/null
done

# One window of a mode: sets RPS and CPU (µs per request). Run in this shell, not in $(...), where set -e is off:
# a process that died, a failed wrk or a window without requests stops the run instead of becoming a row.
window() {
  local before after requests
  kill -0 "${PID[$1]}" 2>/dev/null || { echo "Board.Web of mode $1 has exited; see $OUT/$1.stderr" >&2; exit 1; }
  before=$(awk '{print $14 + $15}' "/proc/${PID[$1]}/stat")
  wrk -t2 -c32 -d"${WINDOW}s" "http://127.0.0.1:${PORT[$1]}/alive" >"$OUT/window.wrk" || { echo "wrk failed in a window of mode $1" >&2; exit 1; }
  after=$(awk '{print $14 + $15}' "/proc/${PID[$1]}/stat")
  requests=$(awk '/requests in/ {print $1}' "$OUT/window.wrk")
  [ "${requests:-0}" -gt 0 ] || { echo "no requests served in a window of mode $1" >&2; exit 1; }
  [ "${KEEP_STDOUT:-0}" = 1 ] || : >"$OUT/$1.stdout"
  RPS=$(awk '/Requests\/sec/ {print $2}' "$OUT/window.wrk")
  CPU=$(awk -v d=$((after - before)) -v t="$TICKS" -v n="$requests" 'BEGIN {printf "%.2f", d / t * 1e6 / n}')
}

page_reporting_state
echo "modes a$NAMES in one warm process each, windows of ${WINDOW}s, (a) before and after every other mode;" \
  "stdout files $([ "${KEEP_STDOUT:-0}" = 1 ] && echo "kept growing" || echo "emptied after each window")"
printf '%-6s %-5s %10s %10s %10s %10s %7s\n' cycle mode req/s cpu_us/req a_req/s a_cpu_us ratio
window a; a_rps=$RPS; a_cpu=$CPU
for cycle in $(seq 1 "$CYCLES"); do
  for mode in $NAMES; do
    window "$mode"; rps=$RPS; cpu=$CPU
    window a; next_rps=$RPS; next_cpu=$CPU
    base_rps=$(awk -v x="$a_rps" -v y="$next_rps" 'BEGIN {printf "%.2f", (x + y) / 2}')
    base_cpu=$(awk -v x="$a_cpu" -v y="$next_cpu" 'BEGIN {printf "%.2f", (x + y) / 2}')
    echo "$cycle $mode $rps $cpu $base_rps $base_cpu" >>"$OUT/rows.txt"
    awk -v c="$cycle" -v m="$mode" -v r="$rps" -v u="$cpu" -v br="$base_rps" -v bu="$base_cpu" \
      'BEGIN {printf "%-6s %-5s %10.0f %10.2f %10.0f %10.2f %7.3f\n", c, m, r, u, br, bu, r / br}'
    a_rps=$next_rps; a_cpu=$next_cpu
  done
done
echo
summarize "$OUT/rows.txt"
echo "rows: $OUT/rows.txt" >&2
