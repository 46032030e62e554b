# The logging modes of the macro benchmarks, and how Board.Web is started in one, shared by the bench scripts
# (sourced; needs ROOT and SINK_PORT).
#   a  request logging off, no console sink                      (the baseline every ratio is taken to)
#   b  the framework's hosting entries + built-in JSON console   (StructuredLogging:Enabled=false)
#   c  Board's START+END pipeline, stdout JSON redirected to a file
#   d  (c) plus OTLP/HTTP logs to bench/Board.OtlpSink on the same machine (OTLP_SIGNALS=all: metrics and traces too)
#   e  the request logging middleware and the stdout sink on, but /alive excluded: the request context, no entries
#   f  START+END made and enriched, but no sink writes them (Console:Format=None)

# (d) exports logs only, through the logs endpoint: the general OTEL_EXPORTER_OTLP_ENDPOINT also turns on metrics,
# whose per-request recording (ASP.NET Core and Kestrel instruments) is no cost of logging. OTLP_SIGNALS=all uses it.
if [ "${OTLP_SIGNALS:-logs}" = all ]; then
  OTLP_ENDPOINT_VARIABLE="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT"
else
  OTLP_ENDPOINT_VARIABLE="OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://127.0.0.1:$SINK_PORT/v1/logs"
fi

# Stops the script with its usage line ($1) unless every further argument is a whole number from 1 to 999999: checked
# before anything is built or started.
require_counts() {
  local usage=$1
  shift
  for value in "$@"; do
    [[ $value =~ ^[1-9][0-9]{0,5}$ ]] || { echo "$usage ('$value' is not a whole number from 1 to 999999)" >&2; exit 2; }
  done
}

mode_env() {
  case $1 in
    a) echo "StructuredLogging__Requests__Enabled=false StructuredLogging__Console__Format=None" ;;
    b) echo "StructuredLogging__Enabled=false Logging__Console__FormatterName=json Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information" ;;
    c) echo "StructuredLogging__Console__Format=Json StructuredLogging__Requests__ExcludedPaths__0=/none" ;;
    d) echo "StructuredLogging__Console__Format=Json StructuredLogging__Requests__ExcludedPaths__0=/none" \
            "$OTLP_ENDPOINT_VARIABLE OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf" ;;
    e) echo "StructuredLogging__Console__Format=Json" ;;
    f) echo "StructuredLogging__Console__Format=None StructuredLogging__Requests__ExcludedPaths__0=/none" ;;
    *) echo "unknown mode '$1' (a b c d e f)" >&2; return 1 ;;
  esac
}

# Starts Board.Web (the Release build) in mode $1 on 127.0.0.1:$2, its SQLite database in directory $3, stdout to
# $4 and stderr to $5; further NAME=value arguments are set as well, after the mode's own (so they win). Sets BOARD_PID.
start_board() {
  local mode=$1 port=$2 db=$3 out=$4 err=$5
  shift 5
  # Something already answering there would pass for this Board.Web once it had failed to bind the port.
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    echo "port $port on 127.0.0.1 is already in use; stop what listens there (or choose other ports)" >&2
    exit 1
  fi
  # The caller's own OTLP endpoints are dropped: they would send every mode's telemetry off this machine.
  (cd "$ROOT/Board.Web" && exec env -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_LOGS_ENDPOINT \
      -u OTEL_EXPORTER_OTLP_TRACES_ENDPOINT -u OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
      ConnectionStrings__Board="Data Source=$db/board.db" $(mode_env "$mode") "$@" \
      dotnet "$ROOT/Board.Web/bin/Release/net10.0/Board.Web.dll" >"$out" 2>"$err") &
  BOARD_PID=$!
}

# Starts the OTLP receiver (bench/Board.OtlpSink, built Release) on 127.0.0.1:$SINK_PORT, its output to $1, and
# waits until it answers. Sets SINK_PID.
start_sink() {
  dotnet "$ROOT/bench/Board.OtlpSink/bin/Release/net10.0/Board.OtlpSink.dll" --urls "http://127.0.0.1:$SINK_PORT" >"$1" 2>&1 &
  SINK_PID=$!
  local deadline=$((SECONDS + 60))
  until curl -sf "http://127.0.0.1:$SINK_PORT/count" >/dev/null; do
    kill -0 "$SINK_PID" 2>/dev/null || { echo "the OTLP receiver exited (port $SINK_PORT taken?); see $1" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "the OTLP receiver did not answer on port $SINK_PORT within 60 s; see $1" >&2; exit 1; }
    sleep 0.2
  done
}

# Waits until the Board.Web of pid $1 answers at $2; if it exits first, says so, pointing at its stderr ($3), and
# stops the script.
wait_for_board() {
  until curl -sf -o /dev/null "$2"; do
    sleep 0.2
    kill -0 "$1" 2>/dev/null || { echo "Board.Web exited; see $3" >&2; exit 1; }
  done
}
