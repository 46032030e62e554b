#!/usr/bin/env bash
# What one request writes to stdout in Production (JSON lines, no OTLP): a bare `GET /x HTTP/1.0`, and a registration
# POST that fails in the database (a trigger refuses the insert), which brings its held records with it. Prints the
# request's bytes, the bytes and lines it caused on stdout, and the held lines by logger. Stops by itself.
#   scripts/request-bytes.sh [held records per request, default: the built-in budget]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -gt 0 && ! $1 =~ ^[1-9][0-9]{0,4}$ ]]; then
  echo "usage: scripts/request-bytes.sh [held records per request] ('$1' is not a whole number from 1 to 99999)" >&2
  exit 2
fi
for tool in curl sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }
done
dotnet build -c Release Board.Web -v q -nologo >/dev/null

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# From its output directory, so that its appsettings.json (the levels a deployment has) is the one read.
(cd Board.Web/bin/Release/net10.0 && exec env -u OTEL_EXPORTER_OTLP_ENDPOINT ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 \
  ConnectionStrings__Board="Data Source=$work/board.db" \
  ${1:+StructuredLogging__Requests__HeldRecords__MaxRecordsPerRequest=$1} \
  dotnet Board.Web.dll --urls "http://127.0.0.1:$port" >"$work/stdout" 2>"$work/stderr") &
app=$!
trap 'kill "$app" 2>/dev/null; wait "$app" 2>/dev/null; [[ -n ${KEEP_OUTPUT:-} ]] && echo "output kept in $work" || rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done

# Bytes and lines stdout gained while the command ran, once the sinks are quiet again.
measure() {
  local name=$1; shift
  sleep 1; local bytes=$(stat -c %s "$work/stdout") lines=$(wc -l <"$work/stdout")
  "$@"
  sleep 2; local after=$(stat -c %s "$work/stdout") after_lines=$(wc -l <"$work/stdout")
  echo "$name: $((after - bytes)) bytes in $((after_lines - lines)) lines on stdout"
  tail -n "$((after_lines - lines))" "$work/stdout" >"$work/$name.lines"
}

bare() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /x HTTP/1.0\r\n\r\n' >&3
  cat <&3 >/dev/null
  exec 3<&-
}
echo "bare request: $(printf 'GET /x HTTP/1.0\r\n\r\n' | wc -c) bytes"
measure bare bare
python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    print("  %5d bytes  %s %s %s" % (len(line.encode()), r.get("level"), r.get("logger"), r.get("event_name", "")))' "$work/bare.lines"

sqlite3 "$work/board.db" "CREATE TRIGGER measured_failure BEFORE INSERT ON AspNetUsers BEGIN SELECT RAISE(ABORT, 'measured failure'); END;"
form=$(curl -fsS -c "$work/cookies" "http://127.0.0.1:$port/Account/Register")
token=$(grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' <<<"$form" | sed 's/.*value="//; s/"$//')
register() {
  curl -sS -o /dev/null -w 'failing POST: status %{http_code}, request %{size_request} + %{size_upload} bytes\n' \
    -b "$work/cookies" -X POST "http://127.0.0.1:$port/Account/Register" \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "Input.Email=measure@example.com" \
    --data-urlencode "Input.DisplayName=Measure" --data-urlencode "Input.Password=Correct-horse-1" \
    --data-urlencode "Input.ConfirmPassword=Correct-horse-1"
}
measure failing-post register
echo "held lines by logger:"
grep '"log.buffered":true' "$work/failing-post.lines" | python3 -c '
import collections, json, sys
counts, sizes = collections.Counter(), collections.Counter()
for line in sys.stdin:
    logger = json.loads(line)["logger"]
    counts[logger] += 1
    sizes[logger] += len(line.encode())
for logger, count in counts.most_common():
    print(f"  {count:4} lines {sizes[logger]:7} bytes  {logger}")
print(f"  {sum(counts.values()):4} lines {sum(sizes.values()):7} bytes  in all")'
