#!/usr/bin/env bash
# Collector outage under load: wrk phases of equal length (before / collector down / collector hanging /
# after), client p50/p99 per phase as ratios to "before", Board.Web RSS, and whether records flow again.
#   scripts/collector-outage.sh [seconds-per-phase=15] [connections=16]
set -euo pipefail
cd "$(dirname "$0")/.."
for value in "$@"; do
  [[ $value =~ ^[1-9][0-9]{0,5}$ ]] || { echo "usage: scripts/collector-outage.sh [seconds-per-phase=15] [connections=16] ('$value' is not a whole number from 1 to 999999)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 2; }
dotnet build -c Release Board.Web -v q -nologo >/dev/null
dotnet build -c Release scripts/ReliabilityHarness -v q -nologo >/dev/null
timeout --foreground 900 dotnet scripts/ReliabilityHarness/bin/Release/net10.0/ReliabilityHarness.dll outage "${1:-15}" "${2:-16}"
