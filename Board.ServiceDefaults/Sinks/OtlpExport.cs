using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// OTLP is on wherever the standard variables say so, exactly as Aspire and the OpenTelemetry specification set
/// them: OTEL_EXPORTER_OTLP_ENDPOINT for every signal, or OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT for one. Protocol,
/// headers and timeout are read by the OpenTelemetry exporter itself from the same configuration.
/// </summary>
internal static class OtlpExport
{
    public const string RetryVariable = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";

    /// <summary>
    /// The SDK does not retry a failed export unless OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY says so, and then loses
    /// every record of a collector restart. Board retries in memory by default (the exporters read the variable from
    /// the application's configuration); a variable that is set, even to disk, is left to the SDK.
    /// </summary>
    public static void ApplyRetryDefault(IConfigurationManager configuration, OtlpSinkOptions options)
    {
        if (configuration[RetryVariable] is null && options.Retry == OtlpRetryMode.InMemory)
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(RetryVariable, "in_memory")]);
        }
    }

    /// <summary>
    /// The exporter options for one signal (LOGS, TRACES or METRICS):
    /// <list type="bullet">
    /// <item>AddOtlpExporter reads only the shared OTEL_EXPORTER_OTLP_* variables, so the signal's own endpoint
    /// variable is applied here, as the full URL the specification says it is.</item>
    /// <item>In a hosted app the SDK takes an http/protobuf exporter's HttpClient from IHttpClientFactory, which gives
    /// it whatever ConfigureHttpClientDefaults adds for the application's own calls (here the standard resilience
    /// handler and service discovery: a second layer of retries and time-outs around the exporter's own) and ties it
    /// to the factory's lifetime, so the last batch, exported while the host is disposed, is lost. The exporter gets
    /// a client of its own instead, unless a client certificate or CA is configured, for which the SDK builds its own
    /// secure client.</item>
    /// </list>
    /// </summary>
    public static Action<OtlpExporterOptions> ForSignal(IConfiguration configuration, string signal)
    {
        var variable = $"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT";
        Uri? endpoint = null;
        if (configuration[variable] is { Length: > 0 } value && !Uri.TryCreate(value.Trim(), UriKind.Absolute, out endpoint))
        {
            throw new InvalidOperationException($"{variable} is not an absolute URL: '{value}'.");
        }

        var ownHttpClient = !UsesCertificates(configuration);
        return exporter =>
        {
            if (endpoint is not null)
            {
                exporter.Endpoint = endpoint;
            }

            if (ownHttpClient)
            {
                exporter.HttpClientFactory = () => new HttpClient
                {
                    Timeout = TimeSpan.FromMilliseconds(exporter.TimeoutMilliseconds),
                    MaxResponseContentBufferSize = exporter.MaxResponseSizeBytes,
                };
            }
        };
    }

    private static bool UsesCertificates(IConfiguration configuration) =>
        configuration.AsEnumerable().Any(kv =>
            kv.Value is { Length: > 0 }
            && kv.Key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.OrdinalIgnoreCase)
            && (kv.Key.EndsWith("CERTIFICATE", StringComparison.OrdinalIgnoreCase) || kv.Key.EndsWith("CLIENT_KEY", StringComparison.OrdinalIgnoreCase)));

    public static bool IsConfigured(IConfiguration configuration, string signal) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ||
        !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"]);

    /// <summary>
    /// The SDK's defaults (a queue of 2048 records, exported every 5 s) drop records at a few thousand requests per
    /// second; Board's defaults queue 32 times as many and export every second. An OTEL_BLRP_* variable, when set,
    /// still wins.
    /// </summary>
    public static void ConfigureBatch(LogRecordExportProcessorOptions processor, OtlpSinkOptions options, IConfiguration configuration)
    {
        var batch = processor.BatchExportProcessorOptions;
        if (configuration["OTEL_BLRP_MAX_QUEUE_SIZE"] is null)
        {
            batch.MaxQueueSize = options.MaxQueueSize;
        }

        if (configuration["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] is null)
        {
            batch.MaxExportBatchSize = Math.Min(options.MaxExportBatchSize, batch.MaxQueueSize);
        }

        if (configuration["OTEL_BLRP_SCHEDULE_DELAY"] is null)
        {
            batch.ScheduledDelayMilliseconds = options.ScheduledDelayMilliseconds;
        }
    }
}
