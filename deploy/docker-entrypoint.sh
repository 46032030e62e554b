#!/bin/sh
# Starts Board.Web. If the image was built with ADOT_AUTO_INSTRUMENTATION=true, loads the AWS Distro for
# OpenTelemetry .NET auto-instrumentation first (variables as in the distro's SETUP_GUIDE.md) and tells
# Board.ServiceDefaults to add no OTLP exporter and no tracer or meter provider of its own (its enrichment and
# stdout sink stay), so records are not exported twice.
set -eu

home="${OTEL_DOTNET_AUTO_HOME:-/otel-dotnet-auto}"
if [ -f "$home/.board-enabled" ]; then
  case "$(uname -m)" in
    aarch64) rid=linux-arm64 ;;
    *) rid=linux-x64 ;;
  esac
  export OTEL_DOTNET_AUTO_HOME="$home"
  export CORECLR_ENABLE_PROFILING=1
  export CORECLR_PROFILER='{918728DD-259F-4A6A-AC2B-B85E1B658318}'
  export CORECLR_PROFILER_PATH="$home/$rid/OpenTelemetry.AutoInstrumentation.Native.so"
  export DOTNET_ADDITIONAL_DEPS="$home/AdditionalDeps"
  export DOTNET_SHARED_STORE="$home/store"
  export DOTNET_STARTUP_HOOKS="$home/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll"
  export OTEL_DOTNET_AUTO_PLUGINS='AWS.Distro.OpenTelemetry.AutoInstrumentation.Plugin, AWS.Distro.OpenTelemetry.AutoInstrumentation'
  # Keep the formatted message as the log body, as Board.ServiceDefaults does.
  export OTEL_DOTNET_AUTO_LOGS_INCLUDE_FORMATTED_MESSAGE="${OTEL_DOTNET_AUTO_LOGS_INCLUDE_FORMATTED_MESSAGE:-true}"
  # Application Signals would send to the CloudWatch agent (port 4316), not to the collector sidecar.
  export OTEL_AWS_APPLICATION_SIGNALS_ENABLED="${OTEL_AWS_APPLICATION_SIGNALS_ENABLED:-false}"
  export StructuredLogging__AutoInstrumentation=true
fi

exec dotnet /app/Board.Web.dll "$@"
