#!/usr/bin/env bash
# The verdict of one or more bench/load.sh runs: each mode's figures as ratios to (a) of the same round, the rounds a
# machine-wide slow phase disturbed, and issue 6's targets read on the others. load.sh calls it at the end; run it
# yourself to read several runs together (their rounds are numbered run.round).
# Usage: bench/summarize.sh results.txt [results.txt ...]   (the results.txt that load.sh leaves in its $OUT)
#
# Disturbed: a mode whose CPU per request is more than DISTURBED_ABOVE (default 0.20) above its own median over all
# the rounds given. Such a slow phase hits one mode or a whole round, (a) as well, so its ratios say nothing about
# logging; the targets are read on the rounds where no mode was disturbed. The rule is fixed before the figures are
# seen, and the disturbed rows are printed anyway.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: bench/summarize.sh results.txt [results.txt ...]" >&2; exit 2; }
for file in "$@"; do
  [ -r "$file" ] || { echo "bench/summarize.sh: cannot read '$file'" >&2; exit 2; }
done

awk -v disturbed_above="${DISTURBED_ABOVE:-0.20}" -v runs=$# -f "$(dirname "$0")/stats.awk" -f /dev/stdin "$@" <<'AWK'
# results.txt columns (load.sh): round mode rps cpu_us writer_us jit_ms hwm_kb total served lines otlp at_stop p50 p99
function micros(text,    value) {
  value = text + 0
  if (text ~ /us$/) return value
  if (text ~ /ms$/) return value * 1000
  if (text ~ /s$/) return value * 1000000
  return value
}
function per_request(count, served) { return served > 0 ? count / served : 0 }

FNR == 1 { run++ }
NF < 14 || $1 !~ /^[0-9]+$/ { next }
{
  key = (runs > 1 ? run "." : "") $1
  if (!(key in seen)) { seen[key] = 1; rounds[++round_count] = key }
  if (!($2 in mode_seen)) { mode_seen[$2] = 1; modes[++mode_count] = $2 }
  rps[key, $2] = $3; cpu[key, $2] = $4; hwm[key, $2] = $7
  served[key, $2] = $9; line_count[key, $2] = $10; otlp_count[key, $2] = $11
  lines[key, $2] = per_request($10, $9); otlp[key, $2] = per_request($11, $9)
  p50[key, $2] = micros($13); p99[key, $2] = micros($14)
  ran[key, $2] = 1
}

END {
  if (round_count == 0) { print "bench/summarize.sh: no result rows" > "/dev/stderr"; exit 1 }
  if (!("a" in mode_seen)) { print "bench/summarize.sh: no mode a, the baseline of every ratio" > "/dev/stderr"; exit 1 }

  for (m = 1; m <= mode_count; m++) {
    mode = modes[m]; n = 0
    for (r = 1; r <= round_count; r++) if ((rounds[r], mode) in ran) list[++n] = cpu[rounds[r], mode]
    cpu_median[mode] = median(list, n)
  }
  for (r = 1; r <= round_count; r++) {
    key = rounds[r]; marks[key] = ""
    for (m = 1; m <= mode_count; m++) {
      mode = modes[m]
      if (((key, mode) in ran) && cpu[key, mode] > cpu_median[mode] * (1 + disturbed_above)) {
        slow[key, mode] = 1
        marks[key] = marks[key] (marks[key] == "" ? "" : " ") mode
      }
    }
  }

  printf "\nRatios to (a) of the same round (req/s, p50, p99, peak RSS), CPU per request over (a) in µs, log records per request\n"
  printf "%-6s %-5s %7s %6s %6s %6s %9s %9s %9s\n", "round", "mode", "req/s", "p50", "p99", "rss", "cpu_us+", "lines/req", "otlp/req"
  for (r = 1; r <= round_count; r++) {
    key = rounds[r]
    if (!((key, "a") in ran)) { printf "%-6s (no mode a in this round: no ratios)\n", key; continue }
    for (m = 1; m <= mode_count; m++) {
      mode = modes[m]
      if (!((key, mode) in ran)) continue
      printf "%-6s %-5s %7.2f %6.2f %6.2f %6.2f %+9.1f %9.4f %9.4f\n", key, mode ((key, mode) in slow ? "*" : ""),
        rps[key, mode] / rps[key, "a"], p50[key, mode] / p50[key, "a"], p99[key, mode] / p99[key, "a"],
        hwm[key, mode] / hwm[key, "a"], cpu[key, mode] - cpu[key, "a"], lines[key, mode], otlp[key, mode]
    }
  }

  quiet = 0
  for (r = 1; r <= round_count; r++) if (marks[rounds[r]] == "" && ((rounds[r], "a") in ran)) quiet_rounds[++quiet] = rounds[r]
  printf "\nDisturbed (*): CPU per request more than %d%% above the mode's median over the %d rounds. Targets read on the %d rounds without one", disturbed_above * 100, round_count, quiet
  if (quiet == 0) { printf ": none.\n"; exit 0 }
  list_text = ""
  for (q = 1; q <= quiet; q++) list_text = list_text (q > 1 ? ", " : "") quiet_rounds[q]
  printf " (%s).\n", list_text

  target("c", 0.85); target("d", 0.70)
  ahead("c"); ahead("d")
  records("c"); records("d")
}

function target(mode, floor,    q, key, n, met, values, text) {
  if (!(mode in mode_seen)) return
  n = 0; met = 0; text = ""
  for (q = 1; q <= quiet; q++) {
    key = quiet_rounds[q]
    if (!((key, mode) in ran)) continue
    values[++n] = rps[key, mode] / rps[key, "a"]
    met += values[n] >= floor
    text = text (n > 1 ? " " : "") sprintf("%.2f", values[n])
  }
  if (n == 0) return
  printf "(%s) >= %.2f of (a): met in %d of %d rounds; median %.2f (%s)\n", mode, floor, met, n, median(values, n), text
}

function ahead(mode,    q, key, n, met) {
  if (!(mode in mode_seen) || !("b" in mode_seen)) return
  n = 0; met = 0
  for (q = 1; q <= quiet; q++) {
    key = quiet_rounds[q]
    if (!((key, mode) in ran) || !((key, "b") in ran)) continue
    n++
    met += rps[key, mode] > rps[key, "b"]
  }
  if (n > 0) printf "(%s) ahead of (b): in %d of %d rounds\n", mode, met, n
}

# Exactly two records per request, in every round, disturbed or not: a lost record is a lost record.
function records(mode,    r, key, n, exact_lines, exact_otlp) {
  if (!(mode in mode_seen)) return
  n = 0; exact_lines = 0; exact_otlp = 0
  for (r = 1; r <= round_count; r++) {
    key = rounds[r]
    if (!((key, mode) in ran)) continue
    n++
    exact_lines += line_count[key, mode] == 2 * served[key, mode]
    exact_otlp += otlp_count[key, mode] == 2 * served[key, mode]
  }
  printf "(%s) exactly 2 stdout lines per request served: in %d of %d rounds", mode, exact_lines, n
  if (mode == "d") printf "; exactly 2 OTLP records: in %d of %d", exact_otlp, n
  printf "\n"
}
AWK
