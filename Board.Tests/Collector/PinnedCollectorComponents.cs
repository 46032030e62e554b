namespace Board.Tests.Collector;

/// <summary>
/// Component types that BOTH pinned collectors register, so one config runs on either:
/// <list type="bullet">
/// <item>ADOT Collector v0.49.0: aws-observability/aws-otel-collector, pkg/defaultcomponents/defaults.go at tag v0.49.0,
/// type strings from each vendored module's internal/metadata/generated_status.go (contrib and core v0.156.0);</item>
/// <item>otelcol-contrib 0.156.0: open-telemetry/opentelemetry-collector-releases,
/// distributions/otelcol-contrib/manifest.yaml at tag v0.156.0 (a superset of the ADOT set below for every entry
/// listed here that Board uses).</item>
/// </list>
/// ADOT's list is the binding one: e.g. the transform processor and headers_setter extension are in contrib but not in ADOT.
/// Deprecated aliases (otlp, otlphttp, resourcedetection, filelog, ...) are still accepted by 0.156.0 but log a warning;
/// the config uses the canonical names.
/// </summary>
internal static class PinnedCollectorComponents
{
    public const string ContribVersion = "0.156.0";
    public const string AdotVersion = "v0.49.0";

    public static readonly IReadOnlySet<string> Receivers = new HashSet<string>
    {
        "otlp", "awsxray", "statsd", "prometheus", "kafka", "jaeger", "zipkin", "file_log",
        "awsecscontainermetrics", "awscontainerinsightreceiver",
    };

    public static readonly IReadOnlySet<string> Processors = new HashSet<string>
    {
        "batch", "memory_limiter", "attributes", "resource", "resource_detection", "filter", "probabilistic_sampler",
        "tail_sampling", "span", "metrics_transform", "metricsgeneration", "cumulativetodelta", "deltatorate",
        "groupbytrace", "k8s_attributes",
    };

    public static readonly IReadOnlySet<string> Exporters = new HashSet<string>
    {
        "awscloudwatchlogs", "awsemf", "awsxray", "otlp_grpc", "otlp_http", "debug", "file", "prometheus",
        "prometheus_remote_write", "kafka", "load_balancing",
    };

    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>
    {
        "health_check", "sigv4auth", "pprof", "zpages", "awsproxy", "ecs_observer", "file_storage",
    };

    public static IReadOnlySet<string> ForSection(string section) => section switch
    {
        "receivers" => Receivers,
        "processors" => Processors,
        "exporters" => Exporters,
        "extensions" => Extensions,
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, null),
    };
}
