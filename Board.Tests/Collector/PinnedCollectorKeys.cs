namespace Board.Tests.Collector;

/// <summary>
/// The config keys (mapstructure tags) of the components Board's collector config uses, as the pinned sources
/// define them: ADOT Collector v0.49.0's vendor/ tree (contrib and core v0.156.0, confmap v1.62.0). A block is
/// named by the component type and the keys leading to it; "[]" stands for the items of a list. A null set means
/// the block's keys are free (header names). Squashed structs contribute their keys to the block that embeds them.
/// </summary>
internal static class PinnedCollectorKeys
{
    // confignet.AddrConfig, squashed into both server configs.
    private static readonly string[] NetAddr = ["endpoint", "transport", "dialer"];

    // config/configgrpc/configgrpc.go ServerConfig.
    private static readonly string[] GrpcServer =
    [
        .. NetAddr, "tls", "max_recv_msg_size_mib", "max_concurrent_streams", "read_buffer_size", "write_buffer_size",
        "keepalive", "auth", "include_metadata", "middlewares",
    ];

    // config/confighttp/server.go ServerConfig.
    private static readonly string[] HttpServer =
    [
        .. NetAddr, "tls", "cors", "auth", "max_request_body_size", "include_metadata", "response_headers",
        "compression_algorithms", "read_timeout", "read_header_timeout", "write_timeout", "idle_timeout", "middlewares",
        "keep_alives_enabled",
    ];

    // config/confighttp/client.go ClientConfig (squashed into resource_detection).
    private static readonly string[] HttpClient =
    [
        "endpoint", "proxy_url", "tls", "read_buffer_size", "write_buffer_size", "timeout", "headers", "auth",
        "compression", "compression_params", "max_idle_conns", "max_idle_conns_per_host", "max_conns_per_host",
        "idle_conn_timeout", "disable_keep_alives", "http2_read_idle_timeout", "http2_ping_timeout", "cookies",
        "force_attempt_http2", "middlewares",
    ];

    // config/configtls/configtls.go Config + ClientConfig.
    private static readonly string[] TlsClient =
    [
        "ca_file", "ca_pem", "include_system_ca_certs_pool", "cert_file", "cert_pem", "key_file", "key_pem",
        "min_version", "max_version", "cipher_suites", "include_insecure_cipher_suites", "reload_interval",
        "curve_preferences", "tpm", "insecure", "insecure_skip_verify", "server_name_override",
    ];

    // contrib internal/aws/awsutil/awsconfig.go AWSSessionSettings, squashed into the three AWS exporters.
    private static readonly string[] AwsSession =
    [
        "num_workers", "endpoint", "request_timeout_seconds", "max_retries", "no_verify_ssl", "proxy_address", "region",
        "local_mode", "resource_arn", "role_arn", "external_id",
    ];

    // contrib internal/coreinternal/attraction/attraction.go ActionKeyValue (resource and attributes processors).
    private static readonly string[] AttributeAction =
        ["key", "value", "default_value", "pattern", "from_attribute", "from_context", "converted_type", "action"];

    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>?> Blocks = new Dictionary<string, IReadOnlySet<string>?>
    {
        // Core receiver/otlpreceiver/config.go.
        ["otlp"] = Set("protocols"),
        ["otlp/protocols"] = Set("grpc", "http"),
        ["otlp/protocols/grpc"] = Set(GrpcServer),
        ["otlp/protocols/http"] = Set([.. HttpServer, "traces_url_path", "metrics_url_path", "logs_url_path"]),

        // Contrib internal/healthcheck/config.go (LegacyConfig squashed: an HTTP server plus its own keys).
        ["health_check"] = Set([.. HttpServer, "path", "response_body", "check_collector_pipeline", "use_v2", "grpc", "http", "component_health"]),

        // Core internal/memorylimiter/config.go.
        ["memory_limiter"] = Set(
            "check_interval", "min_gc_interval_when_soft_limited", "min_gc_interval_when_hard_limited",
            "max_gc_interval_when_soft_limited", "max_gc_interval_when_hard_limited", "limit_mib", "spike_limit_mib",
            "limit_percentage", "spike_limit_percentage"),

        // Contrib processor/resourcedetectionprocessor/config.go: its own keys, the squashed HTTP client and one block
        // per detector; internal/system/config.go for the system block.
        ["resource_detection"] = Set(
        [
            "detectors", "override", "refresh_interval", .. HttpClient,
            "alibaba_ecs", "ec2", "ecs", "eks", "elasticbeanstalk", "lambda", "azure", "aks", "consul", "digitalocean",
            "docker", "gcp", "heroku", "hetzner", "ibmcloud_classic", "ibmcloud_vpc", "system", "openshift", "nova",
            "oraclecloud", "k8s_api", "k8snode", "kubeadm", "akamai", "scaleway", "tencent_cvm", "upcloud", "vultr",
        ]),
        ["resource_detection/system"] = Set("hostname_sources", "resource_attributes"),

        // Contrib processor/resourceprocessor/config.go.
        ["resource"] = Set("attributes"),
        ["resource/attributes[]"] = Set(AttributeAction),

        // Contrib processor/attributesprocessor/config.go (filterconfig.MatchConfig and attraction.Settings squashed).
        ["attributes"] = Set("include", "exclude", "actions"),
        ["attributes/actions[]"] = Set(AttributeAction),

        // Contrib processor/filterprocessor/config.go Config and MetricFilters; internal/filter/filterconfig/config.go
        // MetricMatchProperties.
        ["filter"] = Set(
            "error_mode", "spans", "metrics", "logs", "traces", "profiles", "metric_conditions", "log_conditions",
            "trace_conditions", "profile_conditions"),
        ["filter/metrics"] = Set("include", "exclude", "regexp", "resource", "metric", "datapoint"),
        ["filter/metrics/include"] = Set("match_type", "regexp", "metric_names", "expressions", "resource_attributes"),

        // Core processor/batchprocessor/config.go.
        ["batch"] = Set("timeout", "send_batch_size", "send_batch_max_size", "metadata_keys", "metadata_cardinality_limit"),

        // Core exporter/otlpexporter/config.go: timeout (exporterhelper TimeoutConfig), queue, retry, and the squashed
        // configgrpc.ClientConfig.
        ["otlp_grpc"] = Set(
            "timeout", "sending_queue", "retry_on_failure", "endpoint", "compression", "tls", "keepalive",
            "read_buffer_size", "write_buffer_size", "wait_for_ready", "headers", "user_agent", "balancer_name",
            "authority", "auth", "middlewares"),
        ["otlp_grpc/headers"] = null,
        ["otlp_grpc/tls"] = Set(TlsClient),

        // Contrib exporter/awscloudwatchlogsexporter/config.go.
        ["awscloudwatchlogs"] = Set(
            [.. AwsSession, "retry_on_failure", "log_group_name", "log_stream_name", "log_retention", "tags", "sending_queue", "raw_log"]),

        // Contrib exporter/awsxrayexporter/config.go.
        ["awsxray"] = Set([.. AwsSession, "indexed_attributes", "index_all_attributes", "aws_log_groups", "telemetry"]),

        // Contrib exporter/awsemfexporter/config.go and metric_declaration.go.
        ["awsemf"] = Set(
        [
            .. AwsSession, "log_group_name", "log_stream_name", "namespace", "retain_initial_value_of_delta_metric",
            "dimension_rollup_option", "log_retention", "tags", "parse_json_encoded_attr_values", "metric_declarations",
            "metric_descriptors", "output_destination", "eks_fargate_container_insights_enabled",
            "resource_to_telemetry_conversion", "detailed_metrics", "version",
        ]),
        ["awsemf/metric_declarations[]"] = Set("dimensions", "metric_name_selectors", "label_matchers"),

        // Core exporter/debugexporter/config.go.
        ["debug"] = Set("verbosity", "sampling_initial", "sampling_thereafter", "use_internal_logger", "output_paths", "sending_queue"),
    };

    private static HashSet<string> Set(params string[] keys) => new(keys, StringComparer.Ordinal);
}
