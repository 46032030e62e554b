#!/usr/bin/env bash
# OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=disk: a burst refused by the collector is stored in a temporary directory
# and sent again by the SDK's retry thread (every 60 s) once the collector accepts. Takes up to ~3 minutes.
#   scripts/disk-retry.sh [requests=200]
set -euo pipefail
cd "$(dirname "$0")/.."
for value in "$@"; do
  [[ $value =~ ^[1-9][0-9]{0,5}$ ]] || { echo "usage: scripts/disk-retry.sh [requests=200] ('$value' is not a whole number from 1 to 999999)" >&2; exit 2; }
done
dotnet build -c Release Board.Web -v q -nologo >/dev/null
dotnet build -c Release scripts/ReliabilityHarness -v q -nologo >/dev/null
timeout --foreground 600 dotnet scripts/ReliabilityHarness/bin/Release/net10.0/ReliabilityHarness.dll disk "${1:-200}"
