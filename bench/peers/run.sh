#!/usr/bin/env bash
# The peers benchmark: Board's request logging against the stacks a team would pick instead, each a minimal app
# serving GET /hello (bench/peers/README.md), all started together in Production on 127.0.0.1 and measured in
# interleaved windows of one run, so that every ratio is taken within the run.
# Usage: bench/peers/run.sh [rounds, default 3] [seconds per window, default 10] [warm-up seconds, default 3]
#   STACKS="bare board-off board" measures only those (default: every stack, in the order of the table);
#   the OTLP stacks get OTEL_EXPORTER_OTLP_ENDPOINT, the switch the README and Aspire use (traces and metrics go to
#   the receiver too); OTLP_SIGNALS=logs gives Board's OTEL_EXPORTER_OTLP_LOGS_ENDPOINT instead (the template has no
#   such switch). PAGE_REPORTING=off as in bench/load.sh (bench/page-reporting.sh). OUT=dir keeps rows and logs there;
#   PEER_VARIABLES="NAME=value ..." is set in every stack. A stack named "board-otlp+NAME=value+NAME2=value" is the
#   stack before the first '+' with those variables added: STACKS="board board+StructuredLogging__Console__MaxExportBatchSize=2048"
#   compares a setting within one run.
#   PERF=1 also samples each stack with perf in its first-round window (the perf map on, so that jitted frames have
#   names) and prints where its CPU goes per request, and for "board" against "board-off" the difference: run it
#   apart from the figures (STACKS="board-off board" PERF=1 bench/peers/run.sh 1 10), the sampling costs CPU too.
# Each window: wrk -t1 -c32 --latency for the given seconds; server CPU from /proc/<pid>/stat over the window. stdout
# of every stack goes to a file of its own, counted and emptied after each window, so no window pays for the disk
# writes of another. Needs wrk and curl; stops every process it started, by pid, and stops by itself.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=$ROOT/bench/peers
USAGE="usage: bench/peers/run.sh [rounds] [seconds per window] [warm-up seconds]"
ROUNDS=${1:-3}
WINDOW=${2:-10}
WARMUP=${3:-3}
[ $# -le 3 ] || { echo "$USAGE (at most three arguments)" >&2; exit 2; }
SINK_PORT=${SINK_PORT:-4411}
FIRST_PORT=${PORT:-5201}
# shellcheck source=bench/modes.sh
. "$ROOT/bench/modes.sh"
require_counts "$USAGE" "$ROUNDS" "$WINDOW" "$WARMUP"

# name, project folder, the variables that make the stack (besides Production on its port), what it is.
ALL_STACKS="bare httplogging serilog aspire aspire-entries aspire-otlp board-off board board-otlp board-fallback"
STACKS=${STACKS:-$ALL_STACKS}
ASPIRE_ENTRIES="Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information Logging__Console__FormatterName=json"
OTLP_PROTOCOL="OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
declare -A PROJECT VARIABLES SINK_OF
sink=$SINK_PORT
for stack in $STACKS; do
  base=${stack%%+*}
  case $base in
    bare) PROJECT[$stack]=Bare; VARIABLES[$stack]="" ;;
    httplogging) PROJECT[$stack]=HttpLogging; VARIABLES[$stack]="" ;;
    serilog) PROJECT[$stack]=Serilog; VARIABLES[$stack]="" ;;
    aspire) PROJECT[$stack]=AspireTemplate; VARIABLES[$stack]="" ;;
    aspire-entries) PROJECT[$stack]=AspireTemplate; VARIABLES[$stack]=$ASPIRE_ENTRIES ;;
    # The template's only OTLP switch is the general endpoint: it then exports all three signals.
    aspire-otlp) PROJECT[$stack]=AspireTemplate; SINK_OF[$stack]=$sink
      VARIABLES[$stack]="$ASPIRE_ENTRIES OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink $OTLP_PROTOCOL" ;;
    board-off) PROJECT[$stack]=Board
      VARIABLES[$stack]="StructuredLogging__Requests__Enabled=false StructuredLogging__Console__Format=None" ;;
    board) PROJECT[$stack]=Board; VARIABLES[$stack]="" ;;
    board-otlp) PROJECT[$stack]=Board; SINK_OF[$stack]=$sink
      if [ "${OTLP_SIGNALS:-all}" = logs ]; then
        VARIABLES[$stack]="OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://127.0.0.1:$sink/v1/logs $OTLP_PROTOCOL"
      else
        VARIABLES[$stack]="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink $OTLP_PROTOCOL"
      fi ;;
    # The ECS task's configuration: OTLP, with stdout only as its fallback.
    board-fallback) PROJECT[$stack]=Board; SINK_OF[$stack]=$sink
      VARIABLES[$stack]="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink $OTLP_PROTOCOL StructuredLogging__Console__Fallback=true" ;;
    *) echo "$USAGE (unknown stack '$base' in STACKS; the stacks: $ALL_STACKS)" >&2; exit 2 ;;
  esac
  # One receiver per OTLP stack, each on the next port.
  [ -z "${SINK_OF[$stack]:-}" ] || sink=$((sink + 1))
  [ "$base" = "$stack" ] || VARIABLES[$stack]="${VARIABLES[$stack]} ${stack#"$base"+}"
  VARIABLES[$stack]=${VARIABLES[$stack]//+/ }
done
case ${OTLP_SIGNALS:-all} in logs | all) ;; *) echo "OTLP_SIGNALS is '$OTLP_SIGNALS'; it can be 'logs' or 'all'" >&2; exit 2 ;; esac

PERF_TOOL=""
if [ -n "${PERF:-}" ]; then
  [ "$WINDOW" -ge 4 ] || { echo "$USAGE (PERF needs windows of 4 s or more)" >&2; exit 2; }
  PERF_TOOL=perf
  PEER_VARIABLES="${PEER_VARIABLES:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0"
fi
FREQUENCY=${FREQUENCY:-1999}
for tool in wrk curl $PERF_TOOL; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install -y $tool)" >&2; exit 1; }
done
OUT=${OUT:-$(mktemp -d -t board-peers.XXXXXX)}
mkdir -p "$OUT"
TICKS=$(getconf CLK_TCK)
# shellcheck source=bench/page-reporting.sh
. "$ROOT/bench/page-reporting.sh"

echo "building (Release) ..." >&2
dotnet build -c Release "$PEERS/peers.slnx" -v q -nologo >"$OUT/build.log" || { echo "the build failed; see $OUT/build.log" >&2; exit 1; }
dotnet build -c Release "$ROOT/bench/Board.OtlpSink/Board.OtlpSink.csproj" -v q -nologo >>"$OUT/build.log" ||
  { echo "the build failed; see $OUT/build.log" >&2; exit 1; }

declare -A PID PORT SINK_PID PERF_RPS
PERF_PID=""
cleanup() {
  local pid
  for pid in $PERF_PID "${PID[@]}" "${SINK_PID[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PID[@]}" "${SINK_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "$OUT"/*.stdout
  page_reporting_restore
}
trap cleanup EXIT
page_reporting_prepare

port_free() {
  ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"
}

# One counting receiver (bench/Board.OtlpSink) per OTLP stack, so that each one's records are its own.
for stack in $STACKS; do
  [ -n "${SINK_OF[$stack]:-}" ] || continue
  sink=${SINK_OF[$stack]}
  port_free "$sink" || { echo "port $sink on 127.0.0.1 is already in use (SINK_PORT= chooses others)" >&2; exit 1; }
  dotnet "$ROOT/bench/Board.OtlpSink/bin/Release/net10.0/Board.OtlpSink.dll" --urls "http://127.0.0.1:$sink" >"$OUT/sink-$stack.log" 2>&1 &
  SINK_PID[$stack]=$!
done

port=$FIRST_PORT
for stack in $STACKS; do
  port_free "$port" || { echo "port $port on 127.0.0.1 is already in use (PORT= chooses others)" >&2; exit 1; }
  PORT[$stack]=$port
  bin=$PEERS/${PROJECT[$stack]}/bin/Release/net10.0
  # The caller's own OTLP endpoints are dropped: they would send a stack's telemetry off this machine. stdout is
  # appended to (O_APPEND), so that emptying the file between windows leaves no hole where the next line goes.
  # shellcheck disable=SC2086 # the stack's variables are split on purpose
  (cd "$bin" && exec env -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_LOGS_ENDPOINT \
      -u OTEL_EXPORTER_OTLP_TRACES_ENDPOINT -u OTEL_EXPORTER_OTLP_METRICS_ENDPOINT \
      ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
      ${VARIABLES[$stack]} ${PEER_VARIABLES:-} dotnet "Peers.${PROJECT[$stack]}.dll" >>"$OUT/$stack.stdout" 2>"$OUT/$stack.stderr") &
  PID[$stack]=$!
  port=$((port + 1))
done

wait_until_answers() {
  local url=$1 pid=$2 log=$3 deadline=$((SECONDS + 90))
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    kill -0 "$pid" 2>/dev/null || { echo "$url: the process exited; see $log" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$url did not answer within 90 s; see $log" >&2; exit 1; }
    sleep 0.2
  done
}
for stack in "${!SINK_PID[@]}"; do
  wait_until_answers "http://127.0.0.1:${SINK_OF[$stack]}/count" "${SINK_PID[$stack]}" "$OUT/sink-$stack.log"
done
for stack in $STACKS; do
  wait_until_answers "http://127.0.0.1:${PORT[$stack]}/hello" "${PID[$stack]}" "$OUT/$stack.stderr"
done

# Waits until stack $1's stdout file has stopped growing (its logger may write from a thread of its own), then adds
# its lines, bytes and drop notices to the stack's totals and empties it. What the OTLP exporter's HttpClient logs
# (the template's comes from IHttpClientFactory, with the standard resilience handler: Polly's "Execution attempt"
# entries) is counted apart: written while a batch is exported, it reaches stdout but never OTLP, where the SDK
# suppresses what its own export logs.
declare -A LINES BYTES NOTICES STARTUP_LINES EXPORTER_LINES
settle_stdout() {
  local file=$OUT/$1.stdout size previous=-1 tries=0 counts
  while size=$(stat -c %s "$file") && [ "$size" != "$previous" ] && [ $tries -lt 20 ]; do
    previous=$size; tries=$((tries + 1)); sleep 0.25
  done
  counts=$(wc -lc <"$file")
  LINES[$1]=$((${LINES[$1]:-0} + $(echo "$counts" | awk '{print $1}')))
  BYTES[$1]=$((${BYTES[$1]:-0} + $(echo "$counts" | awk '{print $2}')))
  NOTICES[$1]=$((${NOTICES[$1]:-0} + $(grep -ci 'dropped' "$file" || true)))
  EXPORTER_LINES[$1]=$((${EXPORTER_LINES[$1]:-0} + $(grep -cE '"Category":"(Polly|System\.Net\.Http\.HttpClient)' "$file" || true)))
  : >"$file"
}
otlp_records() {
  curl -sf "http://127.0.0.1:${SINK_OF[$1]}/count" | awk '{print $1}'
}

sleep 1
declare -A REQUESTS OTLP_START
for stack in $STACKS; do
  settle_stdout "$stack"
  STARTUP_LINES[$stack]=${LINES[$stack]}
  LINES[$stack]=0; BYTES[$stack]=0; REQUESTS[$stack]=0
  [ -z "${SINK_OF[$stack]:-}" ] || OTLP_START[$stack]=$(otlp_records "$stack")
done

# One wrk run against stack $1 for $2 seconds; with $3 = a round number, also a row of $OUT/rows.txt:
# round stack req/s p99_ms cpu_us_per_request requests. Runs in this shell so that set -e stops the run on a failure.
measure() {
  local stack=$1 seconds=$2 round=${3:-} before after requests
  kill -0 "${PID[$stack]}" 2>/dev/null || { echo "stack $stack has exited; see $OUT/$stack.stderr" >&2; exit 1; }
  before=$(awk '{print $14 + $15}' "/proc/${PID[$stack]}/stat")
  # perf samples the middle of the first round's window: every sample is taken under load.
  if [ -n "$PERF_TOOL" ] && [ "$round" = 1 ]; then
    (sleep 1 && exec perf record -F "$FREQUENCY" -g -p "${PID[$stack]}" -o "$OUT/$stack.perf.data" -- sleep "$((seconds - 2))" \
      >/dev/null 2>"$OUT/$stack.perf.log") &
    PERF_PID=$!
  fi
  wrk -t1 -c32 -d"${seconds}s" --latency "http://127.0.0.1:${PORT[$stack]}/hello" >"$OUT/window.wrk" ||
    { echo "wrk failed against stack $stack" >&2; exit 1; }
  after=$(awk '{print $14 + $15}' "/proc/${PID[$stack]}/stat")
  if [ -n "$PERF_PID" ]; then
    wait "$PERF_PID" || { echo "perf failed on stack $stack; see $OUT/$stack.perf.log" >&2; exit 1; }
    PERF_PID=""
    PERF_RPS[$stack]=$(awk '/Requests\/sec/ {print $2}' "$OUT/window.wrk")
  fi
  requests=$(awk '/requests in/ {print $1}' "$OUT/window.wrk")
  [ "${requests:-0}" -gt 0 ] || { echo "stack $stack served no request in a window; see $OUT/window.wrk" >&2; exit 1; }
  ! grep -q 'Non-2xx' "$OUT/window.wrk" || { echo "stack $stack answered with errors; see $OUT/window.wrk" >&2; exit 1; }
  REQUESTS[$stack]=$((REQUESTS[$stack] + requests))
  settle_stdout "$stack"
  [ -n "$round" ] || return 0
  awk -v round="$round" -v stack="$stack" -v cpu=$((after - before)) -v ticks="$TICKS" -v n="$requests" '
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                  p99 = v * (unit == "us" ? 0.001 : unit == "s" ? 1000 : unit == "m" ? 60000 : 1) }
    END { printf "%s %s %s %.3f %.2f %d\n", round, stack, rps, p99, cpu / ticks * 1e6 / n, n }' "$OUT/window.wrk" >>"$OUT/rows.txt"
  tail -n 1 "$OUT/rows.txt" | awk '{printf "  round %s  %-15s %9.0f req/s  p99 %7.2f ms  %7.1f µs CPU/request\n", $1, $2, $3, $4, $5}'
}

set -- $STACKS
echo "$# stacks, wrk -t1 -c32 on 127.0.0.1, ${WARMUP}s warm-up each, then $ROUNDS rounds of ${WINDOW}s windows;" \
  "$(page_reporting_state); OTLP_SIGNALS=${OTLP_SIGNALS:-all}"
: >"$OUT/rows.txt"
for stack in $STACKS; do measure "$stack" "$WARMUP"; done
order=($STACKS)
for round in $(seq 1 "$ROUNDS"); do
  # Each round starts one stack further on, so that no stack always follows the same one.
  for i in $(seq 0 $((${#order[@]} - 1))); do
    measure "${order[$(((i + round - 1) % ${#order[@]}))]}" "$WINDOW" "$round"
  done
done

# The OTLP exporters send in batches on a timer: their counts are read once they have stopped growing.
declare -A OTLP_END PEAK_RSS
for stack in "${!SINK_PID[@]}"; do
  previous=-1; stable=0; deadline=$((SECONDS + 30))
  while [ $stable -lt 6 ] && [ $SECONDS -lt $deadline ]; do
    now=$(otlp_records "$stack")
    if [ "$now" = "$previous" ]; then stable=$((stable + 1)); else stable=0; fi
    previous=$now; sleep 1
  done
  OTLP_END[$stack]=$previous
done
for stack in $STACKS; do
  settle_stdout "$stack"
  PEAK_RSS[$stack]=$(awk '/VmHWM/ {print $2}' "/proc/${PID[$stack]}/status")
done

# totals: stack requests lines bytes notices startup_lines peak_rss_kb otlp_start otlp_end (- where no OTLP)
#         exporter_lines
: >"$OUT/totals.txt"
for stack in $STACKS; do
  echo "$stack ${REQUESTS[$stack]} ${LINES[$stack]} ${BYTES[$stack]} ${NOTICES[$stack]} ${STARTUP_LINES[$stack]}" \
    "${PEAK_RSS[$stack]} ${OTLP_START[$stack]:--} ${OTLP_END[$stack]:--} ${EXPORTER_LINES[$stack]}" >>"$OUT/totals.txt"
done

echo
awk -f "$ROOT/bench/stats.awk" -f /dev/stdin "$OUT/rows.txt" "$OUT/totals.txt" <<'AWK'
  # rows.txt: round stack rps p99 cpu requests; totals.txt: one line per stack (see above).
  FNR == 1 { file++ }
  file == 1 {
    rps[$2, $1] = $3; p99[$2, $1] = $4; cpu_ticks[$2] += $5 * $6; window_requests[$2] += $6
    if ($1 > rounds) rounds = $1
    next
  }
  { order[++stacks] = $1; requests[$1] = $2; lines[$1] = $3; bytes[$1] = $4; notices[$1] = $5
    startup[$1] = $6; rss[$1] = $7; otlp_start[$1] = $8; otlp_end[$1] = $9; exporter[$1] = $10 }
  # The median over the rounds of a stack's req/s over the reference's req/s in the same round.
  function ratio(stack, reference,    r, n, list) {
    if (!((reference, 1) in rps)) return "-"
    n = 0
    for (r = 1; r <= rounds; r++) list[++n] = rps[stack, r] / rps[reference, r]
    return sprintf("%.3f", median(list, n))
  }
  function of_rounds(values, stack,    r, n, list) {
    n = 0
    for (r = 1; r <= rounds; r++) list[++n] = values[stack, r]
    return median(list, n)
  }
  END {
    printf "| stack | req/s | vs bare | vs board-off | p99 ms | CPU µs/req | stdout B/req | lines/req | peak RSS MB | OTLP records/req | OTLP dropped | drop notices |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= stacks; i++) {
      s = order[i]
      received = "-"; dropped = "-"
      if (otlp_end[s] != "-") {
        received = sprintf("%.3f", (otlp_end[s] - otlp_start[s]) / requests[s])
        # Every record on stdout but the exporter's own lines was also handed to the OTLP exporter: the difference
        # is what it lost.
        expected = startup[s] + lines[s] - exporter[s]
        dropped = sprintf("%d of %d", expected - otlp_end[s], expected)
        # With the stdout fallback a record is on stdout or over OTLP, not both: two entries per request, plus
        # what start-up logged (received before the first window); so for a variant that turns the fallback on.
        if (s ~ /^board-fallback/ || tolower(s) ~ /console__fallback=true/) {
          expected = otlp_start[s] + 2 * requests[s]
          dropped = sprintf("%d of %d", expected - otlp_end[s] - lines[s], expected)
        }
      }
      printf "| %s | %.0f | %s | %s | %.2f | %.1f | %.0f | %.3f | %.1f | %s | %s | %d |\n", s, of_rounds(rps, s), \
        ratio(s, "bare"), ratio(s, "board-off"), of_rounds(p99, s), cpu_ticks[s] / window_requests[s], \
        bytes[s] / requests[s], lines[s] / requests[s], rss[s] / 1024, received, dropped, notices[s]
    }
    printf "\nreq/s and p99: the median of the %d rounds; ratios: the median over the rounds of req/s over the reference's in the same round;\n", rounds
    printf "CPU: the server's utime+stime over all measured windows per request served in them; stdout and OTLP: per request served after start-up (warm-up included).\n"
  }
AWK

[ -n "$PERF_TOOL" ] || { echo "rows and totals: $OUT" >&2; exit 0; }
# shellcheck source=bench/perf-per-request.sh
. "$ROOT/bench/perf-per-request.sh"
for stack in $STACKS; do
  echo
  echo "-- $stack: ${PERF_RPS[$stack]} req/s while sampled; µs of CPU per request, by thread and module"
  perf_per_request "$OUT/$stack.perf.data" comm,dso "$FREQUENCY" "${PERF_RPS[$stack]}" "$((WINDOW - 2))" >"$OUT/$stack.modules.txt"
  perf_per_request "$OUT/$stack.perf.data" dso,sym "$FREQUENCY" "${PERF_RPS[$stack]}" "$((WINDOW - 2))" >"$OUT/$stack.symbols.txt"
  head -n 14 "$OUT/$stack.modules.txt"
done
if [ -n "${PID[board]:-}" ] && [ -n "${PID[board-off]:-}" ]; then
  for sort in modules symbols; do
    echo
    echo "-- board minus board-off, µs of CPU per request, by ${sort%s} (the largest ${TOP:-30})"
    awk '{ us = $1; $1 = ""; sub(/^ /, ""); if (FILENAME ~ /board-off/) off[$0] += us; else on[$0] += us; keys[$0] = 1 }
      END { for (k in keys) printf "%8.3f  %8.3f  %8.3f  %s\n", on[k] - off[k], on[k], off[k], k }' \
      "$OUT/board.$sort.txt" "$OUT/board-off.$sort.txt" | sort -rn | head -n "${TOP:-30}" | cut -c1-220
  done
  echo "(columns: difference, board, board-off)"
fi
echo "rows, totals and perf data: $OUT" >&2
