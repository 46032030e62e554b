#!/usr/bin/env bash
# What held records save: stdout bytes per 1,000 requests to Board.Web (Production, Release build), 1% of them
# failing (GET /test/fail, which reads the database and throws) and the rest a board page (GET /b/welcome, whose
# database commands are below the level), in three set-ups measured in the same run:
#   held     the default: Information, each request's records below it held and written only if it fails
#   debug    the detail for every request instead: Debug for everything, nothing held
#   info     Information and nothing held (no detail at all): the floor
# Usage: bench/held-bytes.sh [requests, default 1000]   Sends traffic to 127.0.0.1 only; stops by itself.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SINK_PORT=0
source "$ROOT/bench/modes.sh"
require_counts "usage: bench/held-bytes.sh [requests]" "${1:-1000}"
REQUESTS=${1:-1000}
PORT=${PORT:-5190}

dotnet build "$ROOT/Board.Web" -c Release -nologo -v q >/dev/null
work=$(mktemp -d)
trap 'kill "${BOARD_PID:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

measure() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  start_board c "$PORT" "$work/$name" "$work/$name/stdout" "$work/$name/stderr" Testing__FailureEndpoint=true "$@"
  wait_for_board "$BOARD_PID" "http://127.0.0.1:$PORT/alive" "$work/$name/stderr"
  local before failed=0
  before=$(stat -c %s "$work/$name/stdout")
  for ((i = 1; i <= REQUESTS; i++)); do
    if ((i % 100 == 0)); then
      curl -s -o /dev/null "http://127.0.0.1:$PORT/test/fail"
      failed=$((failed + 1))
    else
      curl -s -o /dev/null "http://127.0.0.1:$PORT/b/welcome"
    fi
  done
  sleep 1
  kill "$BOARD_PID"
  wait "$BOARD_PID" 2>/dev/null || true
  local bytes=$(( $(stat -c %s "$work/$name/stdout") - before ))
  local held
  held=$(grep -c '"log.buffered":true' "$work/$name/stdout" || true)
  echo "$name $bytes $failed $held"
}

{
  measure held
  measure debug StructuredLogging__Requests__HeldRecords__Enabled=false Logging__LogLevel__Default=Debug \
    Logging__LogLevel__Microsoft.AspNetCore=Debug Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Debug
  measure info StructuredLogging__Requests__HeldRecords__Enabled=false
} | awk -v n="$REQUESTS" '
  { bytes[$1] = $2; failed = $3; held[$1] = $4; order[NR] = $1 }
  END {
    printf "%d requests, %d failing; stdout bytes per 1,000 requests, and as a share of debug:\n", n, failed
    for (i = 1; i <= NR; i++) {
      m = order[i]
      printf "  %-6s %10.0f  %.3f  (held lines written: %d)\n", m, bytes[m] * 1000 / n, bytes[m] / bytes["debug"], held[m]
    }
  }'
