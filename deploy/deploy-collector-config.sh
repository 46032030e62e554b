#!/usr/bin/env bash
# Uploads otel-collector-config.yaml to SSM Parameter Store, where the ECS task definition's
# otel-collector container reads it through AOT_CONFIG_CONTENT. The file is uploaded byte for byte
# (comments included), so what is in git is what runs.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config_file="$script_dir/../otel-collector-config.yaml"
parameter_name="/board/otel-collector-config"
tier="Standard"
region=""
dry_run=false

usage() {
  cat <<USAGE
Usage: $(basename "$0") [options]

Uploads the collector config to SSM Parameter Store (type String, overwriting).

Options:
  --name NAME       parameter name (default: $parameter_name)
  --file PATH       config file (default: otel-collector-config.yaml at the repository root)
  --tier TIER       Standard (4096 bytes) or Advanced (8192 bytes, charged) (default: $tier)
  --region REGION   AWS region (default: the aws CLI's configured region)
  --dry-run         print the aws call instead of making it
  -h, --help        show this help
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) parameter_name="${2:?--name needs a value}"; shift 2 ;;
    --file) config_file="${2:?--file needs a value}"; shift 2 ;;
    --tier) tier="${2:?--tier needs a value}"; shift 2 ;;
    --region) region="${2:?--region needs a value}"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

case "$tier" in
  Standard) limit=4096 ;;
  Advanced) limit=8192 ;;
  *) echo "error: --tier must be Standard or Advanced, not '$tier'" >&2; exit 2 ;;
esac

if [[ ! -f "$config_file" ]]; then
  echo "error: config file not found: $config_file" >&2
  exit 1
fi

size=$(wc -c < "$config_file" | tr -d '[:space:]')
if (( size > limit )); then
  echo "error: $config_file is $size bytes; the SSM $tier tier allows at most $limit bytes." >&2
  echo "Shorten the comments in the file, or use --tier Advanced (up to 8192 bytes, charged per parameter)." >&2
  exit 1
fi

command=(aws ssm put-parameter
  --name "$parameter_name"
  --type String
  --tier "$tier"
  --overwrite
  --value "file://$config_file")
if [[ -n "$region" ]]; then
  command+=(--region "$region")
fi

if [[ "$dry_run" == true ]]; then
  echo "dry run: $size of $limit bytes ($tier tier); would run:"
  printf '%q ' "${command[@]}"
  echo
  exit 0
fi

"${command[@]}"
echo "uploaded $config_file ($size bytes) to $parameter_name"
