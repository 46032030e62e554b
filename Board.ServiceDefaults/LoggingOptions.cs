using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults;

/// <summary>
/// Every knob of the structured logging, bound from the <c>StructuredLogging</c> configuration section
/// before the host is built and validated at start-up (see <see cref="Configuration.LoggingOptionsLoader"/>).
/// </summary>
public sealed class LoggingOptions
{
    public const string SectionName = "StructuredLogging";

    /// <summary>
    /// Board's logging pipeline: START/END entries, enrichment, the stdout and OTLP sinks. False leaves logging
    /// to the host's own providers as configured (the framework console logger and Logging:Console:FormatterName),
    /// for a side-by-side comparison or a gradual adoption; traces, metrics and health checks stay.
    /// </summary>
    public bool Enabled { get; set; } = true;

    public ConsoleSinkOptions Console { get; set; } = new();
    public JsonLineOptions Json { get; set; } = new();
    public RequestLoggingOptions Requests { get; set; } = new();
    public TrustedProxyOptions ForwardedHeaders { get; set; } = new();
    public RedactionOptions Redaction { get; set; } = new();
    public OtlpSinkOptions Otlp { get; set; } = new();
    public EcsMetadataOptions Ecs { get; set; } = new();

    /// <summary>
    /// Longest text a record carries, in every sink alike: a longer value or message is cut, with a marker. Client
    /// text (a path, a user agent, a query) can be of any length; one bound keeps stdout and OTLP in agreement.
    /// </summary>
    public int MaxValueLength { get; set; } = 4096;

    /// <summary>How often a warning reports the records any sink dropped since the last one.</summary>
    public TimeSpan DropReportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// True when an OpenTelemetry auto-instrumentation agent (such as the AWS Distro for OpenTelemetry .NET)
    /// owns the tracer, meter and logger providers: the service defaults then add no OTLP exporter and no
    /// tracer or meter provider of their own, so no record is exported twice. Stdout stays as configured.
    /// </summary>
    public bool AutoInstrumentation { get; set; }
}

public enum ConsoleFormat
{
    /// <summary>Text in Development, JSON everywhere else.</summary>
    Auto,
    Text,
    Json,
    None,
}

/// <summary>The SDK batch processor's settings, for each sink's own processor.</summary>
public abstract class BatchSinkOptions
{
    /// <summary>
    /// Records that may wait for the exporter. Past this, records are dropped and counted (or, for OTLP with
    /// <see cref="ConsoleSinkOptions.Fallback"/>, written to stdout) rather than blocking the request that logged them.
    /// </summary>
    public int MaxQueueSize { get; set; } = 65_536;

    /// <summary>
    /// Records per export. Well below the SDK's pool of 2,048 records, which the records waiting in every sink's queue
    /// share: past it each record is allocated anew (docs/performance.md, "Batch sizes").
    /// </summary>
    public abstract int MaxExportBatchSize { get; set; }

    /// <summary>Milliseconds a record may wait before its batch is exported; a full batch is exported at once.</summary>
    public abstract int ScheduledDelayMilliseconds { get; set; }
}

public sealed class ConsoleSinkOptions : BatchSinkOptions
{
    public ConsoleFormat Format { get; set; } = ConsoleFormat.Auto;

    /// <summary>
    /// Where OTLP log export is configured, stdout carries only the records OTLP could not take (its queue was full
    /// or shut down), each line marked <c>log.fallback: true</c>, so that each record is shipped once; a failed export
    /// is retried by the exporter (docs/reliability.md). Without OTLP it changes nothing.
    /// </summary>
    public bool Fallback { get; set; }

    /// <summary>Short, so that a line reaches the console while someone watches it.</summary>
    public override int ScheduledDelayMilliseconds { get; set; } = 200;

    /// <summary>One write of about 64 KB per batch of JSON lines.</summary>
    public override int MaxExportBatchSize { get; set; } = 128;
}

public sealed class JsonLineOptions
{
    /// <summary>
    /// Renames fields on stdout only, like python-json-logger's rename_fields: <c>{"level": "levelname"}</c>.
    /// Applies to the fixed fields, the record's attributes and the resource attributes alike.
    /// </summary>
    public Dictionary<string, string> RenameFields { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Upper bound of one line in bytes, newline included. The awslogs driver splits events above 16 KiB,
    /// so the default keeps one record one event; long values are truncated with a marker to fit.
    /// </summary>
    public int MaxLineBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Resource attributes repeated on every line. OTLP carries the whole resource once per batch; a line has only
    /// these, so that each record says who wrote it without paying for the rest on every line.
    /// </summary>
    public List<string> ResourceAttributes { get; set; } = ["service.name", "host.name", "process.pid"];

    /// <summary>
    /// Fields left off the line (names before any rename): fixed fields such as <c>message_template</c> or
    /// <c>event_id</c>, or attributes. They still travel over OTLP. A configured list replaces the default.
    /// </summary>
    public List<string> OmitFields { get; set; } =
    [
        "message_template",
        "event_id",
        "ConnectionId",
        "url.scheme",
        "server.address",
        "network.peer.address",
        "network.protocol.version",
    ];
}

public sealed class RequestLoggingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Path prefixes (whole segments) with no START/END entries, unless the request fails with 5xx.</summary>
    public List<string> ExcludedPaths { get; set; } = ["/health", "/alive"];

    /// <summary>
    /// Query-string keys whose values are logged as they are; every other value is replaced by REDACTED wherever a URL
    /// is logged. Compared exactly, without case, after percent-decoding. A configured list replaces the default,
    /// which holds Board's paging keys.
    /// </summary>
    public List<string> AllowedQueryKeys { get; set; } = ["p", "page"];

    /// <summary>
    /// Level of the END entry by status: keys are an exact status ("404") or a class ("4xx"); the exact
    /// status wins over its class. Statuses matched by neither are logged at Information.
    /// </summary>
    public Dictionary<string, LogLevel> StatusLevels { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["5xx"] = LogLevel.Error,
        ["4xx"] = LogLevel.Warning,
    };

    /// <summary>Level of the END entry of a request that threw.</summary>
    public LogLevel ExceptionLevel { get; set; } = LogLevel.Error;

    /// <summary>
    /// Keeps the framework's own "Request starting/finished" entries (category Microsoft.AspNetCore.Hosting.Diagnostics).
    /// Off by default so that a request is not logged twice.
    /// </summary>
    public bool KeepFrameworkRequestEntries { get; set; }

    /// <summary>The records below the level that each request holds back, written only if the request fails.</summary>
    public HeldRecordsOptions HeldRecords { get; set; } = new();
}

/// <summary>
/// While a request runs, its records below the level that <c>Logging:LogLevel</c> sets for their category (down to
/// <see cref="MinLevel"/>) are held in memory instead of dropped; if the request's END entry is at
/// <see cref="WriteFromLevel"/> or above, they are written before it, marked <c>log.buffered</c>, else discarded.
/// </summary>
public sealed class HeldRecordsOptions
{
    /// <summary>Default: off in Development (the levels there are the developer's to lower), on elsewhere.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The lowest level held.</summary>
    public LogLevel MinLevel { get; set; } = LogLevel.Debug;

    /// <summary>The END entry's level from which the held records are written: Warning, Error or Critical.</summary>
    public LogLevel WriteFromLevel { get; set; } = LogLevel.Error;

    /// <summary>
    /// Records one request holds; past it the oldest is let go and counted. 64: the last steps of the handler that
    /// failed and the error page after them, without the model binding and queries before them that every request to
    /// the page repeats, since a failure someone finds is billed this much on every repeat (docs/reliability.md).
    /// </summary>
    public int MaxRecordsPerRequest { get; set; } = 64;

    /// <summary>Estimated bytes one request holds; past it the oldest records are let go and counted.</summary>
    public int MaxBytesPerRequest { get; set; } = 256 * 1024;

    /// <summary>Estimated bytes all requests in flight hold together; a record past it is not held, and is counted.</summary>
    public long MaxBytesInFlight { get; set; } = 32L * 1024 * 1024;
}

public sealed class TrustedProxyOptions
{
    /// <summary>Addresses of proxies whose X-Forwarded-For / X-Forwarded-Proto are believed. Empty: none.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/16 for the subnets of an AWS ALB) whose forwarded headers are believed.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxy hops are unwound. 1 behind a single load balancer.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>
    /// Whether these proxies' trace context (traceparent, tracestate, baggage) is believed. False behind a proxy that
    /// passes its clients' headers on, such as an internet-facing load balancer: a client could choose its trace id.
    /// </summary>
    public bool TrustTraceContext { get; set; } = true;
}

public enum RedactionMode
{
    /// <summary>The value is written as it is.</summary>
    None,

    /// <summary>The value is replaced by a keyed hash (HMAC-SHA256), stable for a key, so records can still be grouped by it.</summary>
    Hash,

    /// <summary>The value is replaced by REDACTED.</summary>
    Redact,
}

public sealed class RedactionOptions
{
    /// <summary>
    /// How attributes that hold personal data are written. Default: None in Development; elsewhere Hash when
    /// <see cref="HashKey"/> is set, Redact when it is not.
    /// </summary>
    public RedactionMode? Mode { get; set; }

    /// <summary>Attribute keys that hold personal data. Configured keys are added to the default, which always applies.</summary>
    public List<string> PersonalDataKeys { get; set; } = ["user.email"];

    /// <summary>Secret key of the hash. Required when Mode is Hash; never logged.</summary>
    public string? HashKey { get; set; }
}

/// <summary>The OTLP log exporter's batch processor; an OTEL_BLRP_* variable, when set, wins over its setting here.</summary>
public sealed class OtlpSinkOptions : BatchSinkOptions
{
    public override int ScheduledDelayMilliseconds { get; set; } = 1_000;

    public override int MaxExportBatchSize { get; set; } = 512;

    /// <summary>
    /// What the OTLP exporters do with an export the collector refused or did not answer, unless
    /// OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY is set (which wins; it is also the only way to choose <c>disk</c>).
    /// </summary>
    public OtlpRetryMode Retry { get; set; } = OtlpRetryMode.InMemory;
}

public enum OtlpRetryMode
{
    /// <summary>The SDK's own default: a failed export is lost.</summary>
    None,

    /// <summary>A failed export is retried with backoff until the export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s).</summary>
    InMemory,
}

public sealed class EcsMetadataOptions
{
    /// <summary>Longest wait for the ECS task metadata endpoint at start-up.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
