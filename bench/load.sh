#!/usr/bin/env bash
# Macro benchmark: Board.Web's GET /alive under wrk on 127.0.0.1, logging modes alternating, in rounds.
#   the modes a to f are defined in bench/modes.sh; MODES picks them (default "a b c d"; "a e f c" takes (c) apart)
# Usage: bench/load.sh [seconds per mode, default 15] [rounds, default 2]   (needs wrk; stops by itself)
# Prints one table row per mode and round, then the summary of bench/summarize.sh (ratios to (a) of the same round,
# disturbed rounds, the targets); raw wrk output stays in $OUT (printed at the end), and the apps' stdout
# too with KEEP_OUTPUT=1 (it is gigabytes). PAGE_REPORTING=off (root) keeps a VM's free page reporting out of the
# figures: see bench/page-reporting.sh.
set -euo pipefail

DURATION=${1:-15}
ROUNDS=${2:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-10}
PORT=${PORT:-5099}
SINK_PORT=${SINK_PORT:-4318}
MODES=${MODES:-"a b c d"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "usage: bench/load.sh [seconds per mode] [rounds]" "$DURATION" "$ROUNDS"
OUT=${OUT:-$(mktemp -d -t board-load.XXXXXX)}
URL="http://127.0.0.1:$PORT/alive"
TICKS=$(getconf CLK_TCK)
# shellcheck source=bench/page-reporting.sh
. "$ROOT/bench/page-reporting.sh"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
for mode in $MODES; do mode_env "$mode" >/dev/null || exit 1; done

dotnet build -c Release "$ROOT/Board.Web/Board.Web.csproj" -v q -nologo >"$OUT/build.log"
dotnet build -c Release "$ROOT/bench/Board.OtlpSink/Board.OtlpSink.csproj" -v q -nologo >>"$OUT/build.log"

SINK_PID=""
APP_PID=""
db=""
# Also on Ctrl-C or an error: the current mode's database and its stdout (a gigabyte or more) go, unless
# KEEP_OUTPUT=1 (the counted ones are removed as the run goes).
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
  [ -z "$db" ] || rm -rf "$db"
  [ "${KEEP_OUTPUT:-0}" = 1 ] || rm -f "$OUT"/*.stdout
  page_reporting_restore
}
trap cleanup EXIT
page_reporting_prepare

start_sink "$OUT/sink.log"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU of named threads, as "tid ticks" lines: the runtime's tiered-compilation thread (jit_ms: the JIT re-compiling
# hot methods, which must be done before the measured run starts, hence the warm-up, or the mode with the most new
# code pays for its compilation there) and Board's stdout writer thread (writer_us: the write system calls, where a
# machine's file and memory costs show). The JIT thread exits when idle and a new one starts later, so ticks are
# kept per thread id.
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    grep -q "$2" "$t/comm" 2>/dev/null && echo "${t##*/} $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done
  return 0
}
# Ticks spent between two thread_ticks snapshots: threads seen in both by their difference, new ones whole.
ticks_spent() { awk 'NR == FNR {before[$1] = $2; next} {spent += $2 - ($1 in before ? before[$1] : 0)} END {print spent + 0}' "$1" "$2"; }

# Number of requests in a wrk report ("123456 requests in 15.00s, ...").
wrk_requests() { awk '/requests in/ {print $1}' "$1"; }
wrk_latency() { awk -v p="$2" '$1 == p {print $2}' "$1"; }

# lines/req: request entries on stdout per request served. wrk counts only the requests it saw answered, so up to
# one request per connection still in flight when a wrk run stops is served and logged but not counted: for c and
# d the denominator is therefore the number of distinct request.id values in END lines (checked against wrk's
# count in "extra"), for b (no request id in the framework's lines) wrk's count plus the readiness probe.
# otlp/req: RequestStarted + RequestCompleted records the receiver got, per request.
page_reporting_state
printf '%-5s %-4s %10s %9s %9s %10s %9s %7s %9s %9s %6s %9s %9s %7s\n' round mode req/s p50 p99 cpu_us/req writer_us jit_ms vmhwm_mb requests extra lines/req otlp/req at_stop
for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    tag="r${round}-${mode}"
    db=$(mktemp -d -t board-db.XXXXXX)
    sink_before=$(curl -sf "http://127.0.0.1:$SINK_PORT/count")
    start_board "$mode" "$PORT" "$db" "$OUT/$tag.stdout" "$OUT/$tag.stderr"
    APP_PID=$BOARD_PID
    wait_for_board "$APP_PID" "$URL" "$OUT/$tag.stderr"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$URL" >"$OUT/$tag.warmup"
    before=$(cpu_ticks "$APP_PID")
    thread_ticks "$APP_PID" '^.NET Tiered' >"$OUT/jit.before"
    thread_ticks "$APP_PID" '^Board log write' >"$OUT/writer.before"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$URL" >"$OUT/$tag.wrk"
    after=$(cpu_ticks "$APP_PID")
    thread_ticks "$APP_PID" '^.NET Tiered' >"$OUT/jit.after"
    thread_ticks "$APP_PID" '^Board log write' >"$OUT/writer.after"
    jit_ms=$(( $(ticks_spent "$OUT/jit.before" "$OUT/jit.after") * 1000 / TICKS ))
    hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$APP_PID/status")
    # Give the OTLP batch processor (1 s schedule) time to send what is queued, then stop gracefully, which
    # flushes both sinks. otlp/req counts what arrived after the stop; "at_stop" what arrived only during it.
    sleep 2.5
    sink_drained=$(curl -sf "http://127.0.0.1:$SINK_PORT/count")
    kill -TERM "$APP_PID"; wait "$APP_PID" || true; APP_PID=""
    # A logging mode leaves a gigabyte or two of log in the page cache; written back during the next mode, it
    # would steal that mode's CPU. Each mode starts clean.
    sync
    rm -rf "$db"
    # The receiver may still be decoding what the last mode sent; the next mode must not share the CPU with it.
    sink_after=$(curl -sf "http://127.0.0.1:$SINK_PORT/count")
    while sleep 0.5; do
      now=$(curl -sf "http://127.0.0.1:$SINK_PORT/count")
      [ "$now" = "$sink_after" ] && break
      sink_after=$now
    done

    measured=$(wrk_requests "$OUT/$tag.wrk")
    # The readiness probe that answered is one request more.
    total=$(( 1 + $(wrk_requests "$OUT/$tag.warmup") + measured ))
    served=$total
    case $mode in
      a|e|f) lines=$(grep -c '"event_name":"RequestCompleted"' "$OUT/$tag.stdout" || true) ;;
      b) lines=$(grep -c '"Category":"Microsoft.AspNetCore.Hosting.Diagnostics"' "$OUT/$tag.stdout" || true) ;;
      *) lines=$(grep -cE '"event_name":"Request(Started|Completed)"' "$OUT/$tag.stdout" || true)
         served=$(grep '"event_name":"RequestCompleted"' "$OUT/$tag.stdout" | grep -o '"request.id":"[^"]*"' | sort -u | wc -l) ;;
    esac
    read -r r0 s0 c0 _ <<<"$sink_before"; read -r r1 s1 c1 _ <<<"$sink_after"; read -r _ s2 c2 _ <<<"$sink_drained"
    otlp=$(( (s1 - s0) + (c1 - c0) ))
    at_stop=$(( (s1 - s2) + (c1 - c2) ))
    rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$tag.wrk")
    cpu_us=$(awk -v d=$((after - before)) -v t="$TICKS" -v n="$measured" 'BEGIN {printf "%.1f", d / t * 1e6 / n}')
    writer_us=$(awk -v d="$(ticks_spent "$OUT/writer.before" "$OUT/writer.after")" -v t="$TICKS" -v n="$measured" 'BEGIN {printf "%.2f", d / t * 1e6 / n}')
    printf '%-5s %-4s %10s %9s %9s %10s %9s %7s %9.1f %9s %6s %9s %9s %7s\n' "$round" "$mode" "$rps" \
      "$(wrk_latency "$OUT/$tag.wrk" 50%)" "$(wrk_latency "$OUT/$tag.wrk" 99%)" "$cpu_us" "$writer_us" "$jit_ms" "$(awk -v k="$hwm_kb" 'BEGIN {print k / 1024}')" \
      "$total" "$((served - total))" "$(awk -v l="$lines" -v n="$served" 'BEGIN {printf "%.4f", l / n}')" "$(awk -v l="$otlp" -v n="$served" 'BEGIN {printf "%.4f", l / n}')" "$at_stop"
    grep -E 'Non-2xx|Socket errors' "$OUT/$tag.wrk" >&2 || true
    echo "$round $mode $rps $cpu_us $writer_us $jit_ms $hwm_kb $total $served $lines $otlp $at_stop $(wrk_latency "$OUT/$tag.wrk" 50%) $(wrk_latency "$OUT/$tag.wrk" 99%)" >>"$OUT/results.txt"
    # A mode's stdout is a gigabyte or more: counted, then removed unless KEEP_OUTPUT=1.
    [ "${KEEP_OUTPUT:-0}" = 1 ] || rm -f "$OUT/$tag.stdout"
  done
done
# Ratios to (a), the disturbed rounds and the targets (bench/summarize.sh reads several runs' results.txt together).
"$ROOT/bench/summarize.sh" "$OUT/results.txt"
echo "raw output: $OUT" >&2
