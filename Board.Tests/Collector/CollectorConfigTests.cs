using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Board.ServiceDefaults.Drops;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Board.Tests.Collector;

public sealed class CollectorConfigTests
{
    public static TheoryData<string> EnvironmentSets => ["none", "local", "aws"];

    private static IReadOnlyDictionary<string, string> Environment(string set) => set switch
    {
        "local" => CollectorConfig.LocalEnvironment,
        "aws" => CollectorConfig.AwsEnvironment,
        _ => new Dictionary<string, string>(),
    };

    [Fact]
    public void Fits_the_ssm_standard_tier_as_committed()
    {
        // deploy-collector-config.sh uploads the file byte for byte (comments included), so the file itself must fit.
        Assert.InRange(CollectorConfig.SizeInBytes, 1, 4096);
    }

    [Theory]
    [MemberData(nameof(EnvironmentSets))]
    public void Every_pipeline_reference_resolves_to_a_defined_component(string set)
    {
        var config = CollectorConfig.Expand(Environment(set));
        var service = config.Map("service");

        foreach (var extension in service.Names("extensions"))
        {
            Assert.True(config.Map("extensions").ContainsKey(extension), $"extension {extension} is not defined");
        }

        var pipelines = service.Map("pipelines");
        Assert.Equal(CollectorConfig.Pipelines.Order(), pipelines.Keys.Order());
        foreach (var pipeline in CollectorConfig.Pipelines)
        {
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            {
                var names = pipelines.Map(pipeline).Names(section);
                Assert.NotEmpty(names);
                foreach (var name in names)
                {
                    Assert.True(config.Map(section).ContainsKey(name), $"{pipeline}: {section} {name} is not defined");
                }
            }
        }
    }

    [Fact]
    public void Every_component_type_ships_in_both_pinned_collectors()
    {
        var config = ConfmapExpander.ToTree(CollectorConfig.Raw) as Dictionary<string, object?>;
        Assert.NotNull(config);
        foreach (var section in CollectorConfig.Sections)
        {
            foreach (var id in config.Map(section).Keys)
            {
                var type = id.Split('/')[0];
                Assert.True(
                    PinnedCollectorComponents.ForSection(section).Contains(type),
                    $"{section}: '{type}' (from '{id}') is not shipped by both otelcol-contrib {PinnedCollectorComponents.ContribVersion} and ADOT {PinnedCollectorComponents.AdotVersion}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(EnvironmentSets))]
    public void Processors_start_with_memory_limiter_and_end_with_batch(string set)
    {
        var pipelines = CollectorConfig.Expand(Environment(set)).Map("service", "pipelines");
        foreach (var pipeline in CollectorConfig.Pipelines)
        {
            var processors = pipelines.Map(pipeline).Names("processors");
            Assert.Equal("memory_limiter", processors[0]);
            Assert.Equal("batch", processors[^1]);
            // The ARNs are deleted after the ecs detector has added them: by drop_ecs_arns, or by cloudwatch_logs,
            // which deletes every resource key with a dot.
            var detection = processors.IndexOf("resource_detection");
            var trimming = Assert.Single(processors, p => p is "resource/drop_ecs_arns" or "resource/cloudwatch_logs");
            Assert.True(detection >= 0 && detection < processors.IndexOf(trimming), $"{pipeline}: {string.Join(", ", processors)}");
        }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("local")]
    public void Off_aws_every_signal_keeps_its_whole_resource_and_attributes(string set)
    {
        // The dashboard shows everything a record has: only the ECS ARNs go, and no record attribute.
        var pipelines = CollectorConfig.Expand(Environment(set)).Map("service", "pipelines");
        foreach (var pipeline in CollectorConfig.Pipelines)
        {
            Assert.Equal(["memory_limiter", "resource_detection", "resource/drop_ecs_arns", "batch"], pipelines.Map(pipeline).Names("processors"));
            Assert.Equal(["otlp_grpc/aspire"], pipelines.Map(pipeline).Names("exporters"));
        }
    }

    [Fact]
    public void Every_config_key_is_one_the_pinned_component_reads()
    {
        var config = ConfmapExpander.ToTree(CollectorConfig.Raw) as Dictionary<string, object?>;
        Assert.NotNull(config);
        var checkedBlocks = 0;
        void Check(string block, Dictionary<string, object?> settings)
        {
            Assert.True(PinnedCollectorKeys.Blocks.TryGetValue(block, out var keys), $"no pinned key list for block '{block}'");
            checkedBlocks++;
            foreach (var (key, value) in settings)
            {
                Assert.True(keys is null || keys.Contains(key), $"'{key}' is not a key of {block} in contrib {PinnedCollectorComponents.ContribVersion}");
                if (keys is null)
                {
                    continue;
                }

                if (value is Dictionary<string, object?> nested)
                {
                    Check($"{block}/{key}", nested);
                }
                else if (value is List<object?> items)
                {
                    foreach (var item in items.OfType<Dictionary<string, object?>>())
                    {
                        Check($"{block}/{key}[]", item);
                    }
                }
            }
        }

        foreach (var section in CollectorConfig.Sections)
        {
            foreach (var (id, settings) in config.Map(section))
            {
                Check(id.Split('/')[0], settings as Dictionary<string, object?> ?? []);
            }
        }

        Assert.True(checkedBlocks > 20, $"{checkedBlocks} blocks");
    }

    [Fact]
    public void Receivers_extensions_and_processors_have_the_required_settings()
    {
        var config = CollectorConfig.Expand(new Dictionary<string, string>());

        var protocols = config.Map("receivers", "otlp", "protocols");
        Assert.Equal("0.0.0.0:4317", protocols.Map("grpc")["endpoint"]);
        Assert.Equal("0.0.0.0:4318", protocols.Map("http")["endpoint"]);
        Assert.Equal("0.0.0.0:13133", config.Map("extensions", "health_check")["endpoint"]);
        Assert.Contains("health_check", config.Map("service").Names("extensions"));

        var memoryLimiter = config.Map("processors", "memory_limiter");
        Assert.Equal("1s", memoryLimiter["check_interval"]);
        // Fixed limits: a percentage would be taken from whatever memory the collector detects, not from its
        // container's limit (checked against the task definition in DeployFilesTests).
        Assert.False(memoryLimiter.ContainsKey("limit_percentage"));
        Assert.False(memoryLimiter.ContainsKey("spike_limit_percentage"));
        var limit = int.Parse(Assert.IsType<string>(memoryLimiter["limit_mib"]));
        var spike = int.Parse(Assert.IsType<string>(memoryLimiter["spike_limit_mib"]));
        Assert.InRange(spike, 1, limit - 1);

        var detection = config.Map("processors", "resource_detection");
        Assert.Equal(["env", "ecs", "system"], detection.Names("detectors"));
        Assert.Equal("false", detection["override"]);

        var deleted = Assert.IsType<List<object?>>(config.Map("processors", "resource/drop_ecs_arns")["attributes"])
            .Cast<Dictionary<string, object?>>()
            .Where(action => (string?)action["action"] == "delete")
            .Select(action => (string?)action["key"])
            .ToList();
        Assert.Contains("aws.ecs.task.arn", deleted);
        Assert.Contains("aws.ecs.cluster.arn", deleted);
        Assert.Contains("aws.log.group.arns", deleted);
        Assert.Contains("aws.log.stream.arns", deleted);
    }

    [Fact]
    public void Exporters_read_their_settings_from_the_documented_variables()
    {
        var exporters = (YamlMappingNode)CollectorConfig.Raw["exporters"];

        var aspire = (YamlMappingNode)exporters["otlp_grpc/aspire"];
        Assert.Contains("${env:ASPIRE_ENDPOINT", Scalar(aspire["endpoint"]).Value);
        Assert.Contains("${env:ASPIRE_API_KEY", Scalar(((YamlMappingNode)aspire["headers"])["x-otlp-api-key"]).Value);
        Assert.Contains("${env:ASPIRE_INSECURE", Scalar(((YamlMappingNode)aspire["tls"])["insecure"]).Value);

        var cloudWatch = (YamlMappingNode)exporters["awscloudwatchlogs"];
        Assert.StartsWith("${env:BOARD_LOG_GROUP:-/", Scalar(cloudWatch["log_group_name"]).Value);
        Assert.StartsWith("${env:AWS_REGION", Scalar(cloudWatch["region"]).Value);
        Assert.Contains("${env:BOARD_LOG_RETENTION_DAYS", Scalar(cloudWatch["log_retention"]).Value);

        // Unquoted, YAML reads {TaskId} as a map and the exporter rejects it; it must be a quoted string scalar.
        var stream = Scalar(cloudWatch["log_stream_name"]);
        Assert.Equal("{TaskId}", stream.Value);
        Assert.True(stream.Style is ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted, $"style is {stream.Style}");
    }

    [Fact]
    public void Local_variables_route_every_signal_to_the_aspire_dashboard()
    {
        var config = CollectorConfig.Expand(CollectorConfig.LocalEnvironment);
        var pipelines = config.Map("service", "pipelines");
        foreach (var pipeline in CollectorConfig.Pipelines)
        {
            Assert.Equal(["otlp_grpc/aspire"], pipelines.Map(pipeline).Names("exporters"));
        }

        var aspire = config.Map("exporters", "otlp_grpc/aspire");
        Assert.Equal("https://host.docker.internal:21000", aspire["endpoint"]);
        Assert.Equal("local-api-key", aspire.Map("headers")["x-otlp-api-key"]);
        Assert.Equal("false", aspire.Map("tls")["insecure"]);
    }

    [Fact]
    public void Aws_variables_send_logs_to_cloudwatch_traces_to_xray_and_metrics_to_cloudwatch_metrics()
    {
        var config = CollectorConfig.Expand(CollectorConfig.AwsEnvironment);
        var pipelines = config.Map("service", "pipelines");
        Assert.Equal(["awscloudwatchlogs"], pipelines.Map("logs").Names("exporters"));
        Assert.Equal(["awsxray"], pipelines.Map("traces").Names("exporters"));
        Assert.Equal(["awsemf"], pipelines.Map("metrics").Names("exporters"));
        Assert.Equal(
            ["memory_limiter", "resource_detection", "resource/cloudwatch_logs", "attributes/cloudwatch_logs", "batch"],
            pipelines.Map("logs").Names("processors"));
        Assert.Contains("filter/cloudwatch_metrics", pipelines.Map("metrics").Names("processors"));

        var cloudWatch = config.Map("exporters", "awscloudwatchlogs");
        Assert.Equal("eu-west-1", cloudWatch["region"]);
        Assert.Equal("/ecs/board/otel", cloudWatch["log_group_name"]);
        Assert.Equal("{TaskId}", cloudWatch["log_stream_name"]);
        Assert.Equal("30", cloudWatch["log_retention"]);
        Assert.False(cloudWatch.ContainsKey("raw_log"), "raw_log writes the body alone, without the fields");

        Assert.Equal("eu-west-1", config.Map("exporters", "awsxray")["region"]);

        // Every metric the filter lets through is declared, so each becomes a CloudWatch metric (awsemf would write an
        // undeclared one as a log event all the same, billed, with no metric).
        var emf = config.Map("exporters", "awsemf");
        Assert.Equal("/ecs/board/metrics", emf["log_group_name"]);
        Assert.Equal("Board", emf["namespace"]);
        var declared = Assert.IsType<List<object?>>(emf["metric_declarations"]).Cast<Dictionary<string, object?>>()
            .SelectMany(d => d.Names("metric_name_selectors")).Order().ToList();
        var kept = config.Map("processors", "filter/cloudwatch_metrics", "metrics", "include").Names("metric_names").Order().ToList();
        Assert.Equal(kept, declared);
    }

    [Fact]
    public void Every_board_counter_has_the_labels_of_a_dimension_set_awsemf_declares_for_it()
    {
        var declarations = CollectorConfig.Expand(CollectorConfig.AwsEnvironment).Map("exporters", "awsemf")["metric_declarations"];
        var declared = Assert.IsType<List<object?>>(declarations).Cast<Dictionary<string, object?>>()
            .Select(d => (Selectors: d.Names("metric_name_selectors"),
                Dimensions: Assert.IsType<List<object?>>(d["dimensions"]).Select(set => Assert.IsType<List<object?>>(set).Cast<string>().ToList()).ToList()))
            .ToList();

        // Each measurement of each counter, with its tag keys, as a metric reader would collect them.
        using var harness = new LoggingHarness();
        var counter = harness.Services.GetRequiredService<DroppedRecordCounter>();
        var measured = new List<(string Name, HashSet<string> Labels)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, counter.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var labels = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                labels.Add(tag.Key);
            }

            measured.Add((instrument.Name, labels));
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Contains(measured, m => m.Name == "board.logging.records.fallback");
        foreach (var (name, labels) in measured)
        {
            // awsemf makes a metric of a declaration whose selector matches and one of whose dimension sets it has whole.
            Assert.True(
                declared.Any(d => d.Selectors.Any(selector => Regex.IsMatch(name, selector)) && d.Dimensions.Any(set => set.All(labels.Contains))),
                $"{name} with labels [{string.Join(", ", labels)}] matches no awsemf declaration: it would be written as a log event, not a metric");
        }
    }

    [Fact]
    public void Without_variables_the_defaults_are_usable()
    {
        var config = CollectorConfig.Expand(new Dictionary<string, string>());
        Assert.Equal(["otlp_grpc/aspire"], config.Map("service", "pipelines", "logs").Names("exporters"));
        Assert.Equal("http://localhost:18889", config.Map("exporters", "otlp_grpc/aspire")["endpoint"]);
        Assert.Equal("", config.Map("exporters", "otlp_grpc/aspire", "headers")["x-otlp-api-key"]);
        Assert.False(string.IsNullOrEmpty((string?)config.Map("exporters", "awscloudwatchlogs")["log_group_name"]));
    }

    private static YamlScalarNode Scalar(YamlNode node) => Assert.IsType<YamlScalarNode>(node);
}
