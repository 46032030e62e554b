using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// OTLP export as the specification's variables (which Aspire sets) configure it; the exporter itself reads the
/// protocol, headers and timeout.
/// </summary>
internal static class OtlpExport
{
    public const string RetryVariable = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";

    /// <summary>
    /// Without OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY the SDK does not retry, and a collector restart loses its records,
    /// so Otlp:Retry sets it to in_memory in the configuration the exporters read; a variable that is set stays.
    /// </summary>
    public static void ApplyRetryDefault(IConfigurationManager configuration, OtlpSinkOptions options)
    {
        if (configuration[RetryVariable] is null && options.Retry == OtlpRetryMode.InMemory)
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(RetryVariable, "in_memory")]);
        }
    }

    /// <summary>
    /// The exporter options for one signal (LOGS, TRACES or METRICS). AddOtlpExporter reads only the shared variables,
    /// so the signal's own endpoint (a full URL) is applied here. The exporter gets an HttpClient of its own: the one a
    /// hosted SDK takes from IHttpClientFactory carries ConfigureHttpClientDefaults' resilience handler (retries around
    /// the exporter's own) and dies with the factory, losing the batch exported while the host is disposed. With a
    /// client certificate or CA configured, the SDK builds its own secure client instead.
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
    /// Board's batch options, because the SDK's defaults (2048 records, every 5 s) drop records at a few thousand
    /// requests per second. An OTEL_BLRP_* variable, when set, still wins.
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
