#!/usr/bin/env bash
# No record lost at saturation: wrk against a Production Board.Web (Release) exporting OTLP/gRPC to the
# in-process test receiver, all on 127.0.0.1. Compares END entries on stdout and at the receiver with wrk's
# counts and checks every stdout line is JSON and stderr stays empty. Stops by itself.
#   scripts/load-no-loss.sh [seconds=20] [connections=64]
set -euo pipefail
cd "$(dirname "$0")/.."
for value in "$@"; do
  [[ $value =~ ^[1-9][0-9]{0,5}$ ]] || { echo "usage: scripts/load-no-loss.sh [seconds=20] [connections=64] ('$value' is not a whole number from 1 to 999999)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 2; }
dotnet build -c Release Board.Web -v q -nologo >/dev/null
dotnet build -c Release scripts/ReliabilityHarness -v q -nologo >/dev/null
timeout --foreground 600 dotnet scripts/ReliabilityHarness/bin/Release/net10.0/ReliabilityHarness.dll no-loss "${1:-20}" "${2:-64}"
