using System.Text.Json;
using System.Text.RegularExpressions;
using Board.Tests.Collector;

namespace Board.Tests.Deploy;

/// <summary>The AWS files agree with each other and with otel-collector-config.yaml (nothing here talks to AWS).</summary>
public sealed class DeployFilesTests
{
    private const string ParameterName = "/board/otel-collector-config";

    private static JsonElement Json(params string[] path) => JsonDocument.Parse(RepoFiles.Read(path)).RootElement;

    private static JsonElement TaskDefinition => EcsTaskDefinition.Root;

    private static JsonElement Container(string name) => EcsTaskDefinition.Container(name);

    private static Dictionary<string, string> EnvironmentOf(string container) => EcsTaskDefinition.EnvironmentOf(container);

    private static IEnumerable<JsonElement> Statements(string policy) =>
        Json("deploy", "iam", policy).GetProperty("Statement").EnumerateArray();

    private static IEnumerable<string> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetString()!) : [element.GetString()!];

    [Fact]
    public void Task_definition_has_the_contract_containers_and_a_pinned_adot_image()
    {
        var names = TaskDefinition.GetProperty("containerDefinitions").EnumerateArray()
            .Select(c => c.GetProperty("name").GetString()).Order();
        Assert.Equal(["board-web", "otel-collector"], names);
        Assert.Equal("public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
            Container("otel-collector").GetProperty("image").GetString());
        Assert.Equal("awsvpc", TaskDefinition.GetProperty("networkMode").GetString());
        Assert.Contains(8080, Container("board-web").GetProperty("portMappings").EnumerateArray()
            .Select(p => p.GetProperty("containerPort").GetInt32()));
    }

    [Fact]
    public void Both_containers_log_stdout_with_awslogs()
    {
        foreach (var name in new[] { "board-web", "otel-collector" })
        {
            var logging = Container(name).GetProperty("logConfiguration");
            Assert.Equal("awslogs", logging.GetProperty("logDriver").GetString());
            Assert.False(string.IsNullOrEmpty(logging.GetProperty("options").GetProperty("awslogs-group").GetString()));
        }
    }

    [Fact]
    public void The_app_waits_for_a_healthy_collector_and_sends_otlp_to_its_grpc_port()
    {
        var dependency = Assert.Single(Container("board-web").GetProperty("dependsOn").EnumerateArray());
        Assert.Equal("otel-collector", dependency.GetProperty("containerName").GetString());
        Assert.Equal("HEALTHY", dependency.GetProperty("condition").GetString());

        // ADOT's /healthcheck binary asks http://127.0.0.1:13133/ (cmd/healthcheck/main.go, default port).
        Assert.Equal(["CMD", "/healthcheck"], Container("otel-collector").GetProperty("healthCheck").GetProperty("command")
            .EnumerateArray().Select(e => e.GetString()));
        var config = CollectorConfig.Expand(EnvironmentOf("otel-collector"));
        Assert.EndsWith(":13133", (string?)config.Map("extensions", "health_check")["endpoint"]);

        var app = EnvironmentOf("board-web");
        var grpcPort = ((string?)config.Map("receivers", "otlp", "protocols", "grpc")["endpoint"])!.Split(':')[^1];
        Assert.Equal("4317", grpcPort);
        Assert.Equal($"http://localhost:{grpcPort}", app["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", app["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    [Fact]
    public void The_collector_gets_its_config_from_the_parameter_the_script_writes()
    {
        var secret = Assert.Single(Container("otel-collector").GetProperty("secrets").EnumerateArray());
        Assert.Equal("AOT_CONFIG_CONTENT", secret.GetProperty("name").GetString());
        Assert.EndsWith(":parameter" + ParameterName, secret.GetProperty("valueFrom").GetString());

        Assert.Contains($"parameter_name=\"{ParameterName}\"", RepoFiles.Read("deploy", "deploy-collector-config.sh"));

        var read = Assert.Single(Statements("execution-role-policy.json"), s => s.GetProperty("Sid").GetString() == "ReadCollectorConfigParameter");
        Assert.Equal(["ssm:GetParameters"], Strings(read.GetProperty("Action")));
        Assert.Equal(secret.GetProperty("valueFrom").GetString(), Assert.Single(Strings(read.GetProperty("Resource"))));
    }

    [Fact]
    public void The_execution_role_reads_exactly_the_parameters_the_containers_take_as_secrets()
    {
        var secretParameters = new[] { "otel-collector", "board-web" }
            .SelectMany(c => Container(c).TryGetProperty("secrets", out var secrets) ? secrets.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(s => s.GetProperty("valueFrom").GetString()!)
            .Order()
            .ToList();
        var granted = Statements("execution-role-policy.json")
            .Where(s => Strings(s.GetProperty("Action")).SequenceEqual(["ssm:GetParameters"]))
            .SelectMany(s => Strings(s.GetProperty("Resource")))
            .Order()
            .ToList();

        Assert.Equal(secretParameters, granted);
    }

    [Fact]
    public void The_app_takes_its_log_hash_key_from_a_secret_and_trusts_the_load_balancer_network_for_addresses_only()
    {
        var secret = Assert.Single(Container("board-web").GetProperty("secrets").EnumerateArray());
        Assert.Equal("StructuredLogging__Redaction__HashKey", secret.GetProperty("name").GetString());
        var app = EnvironmentOf("board-web");
        Assert.DoesNotContain(app.Keys, k => k.Contains("HashKey", StringComparison.Ordinal));
        Assert.Equal("<VPC_CIDR>", app["StructuredLogging__ForwardedHeaders__KnownNetworks__0"]);

        // The internet-facing ALB passes its clients' traceparent on: believed, a client would choose its trace id.
        Assert.Equal("false", app["StructuredLogging__ForwardedHeaders__TrustTraceContext"]);
    }

    [Fact]
    public void The_app_log_driver_blocks_rather_than_dropping_lines_silently()
    {
        // In non-blocking mode the awslogs driver drops lines when its buffer is full and says nothing. ECS has
        // made non-blocking the default (unless the account setting says otherwise), so blocking is set
        // explicitly. In this task stdout is OTLP's fallback (below), written on the thread that logged, so a slow
        // driver then slows only the requests whose records OTLP could not take; none is lost.
        var options = Container("board-web").GetProperty("logConfiguration").GetProperty("options");
        Assert.Equal("blocking", options.GetProperty("mode").GetString());
        Assert.False(options.TryGetProperty("max-buffer-size", out _), "max-buffer-size applies only to non-blocking mode");
    }

    [Fact]
    public void The_collector_has_a_hard_memory_limit_that_its_memory_limiter_and_GOMEMLIMIT_stay_under()
    {
        // Only a hard limit bounds the container; a memoryReservation alone lets it grow into the app's share.
        var collector = Container("otel-collector");
        Assert.False(collector.TryGetProperty("memoryReservation", out _));
        var hardLimit = collector.GetProperty("memory").GetInt32();

        // The collector's guidance: GOMEMLIMIT at about 80% of the hard limit.
        var goMemLimit = EnvironmentOf("otel-collector")["GOMEMLIMIT"];
        Assert.EndsWith("MiB", goMemLimit);
        var goMemLimitMiB = int.Parse(goMemLimit[..^3]);
        Assert.InRange(goMemLimitMiB, hardLimit * 70 / 100, hardLimit * 85 / 100);

        // limit_mib bounds the heap; the process takes about 50 MiB more. It forces a GC before GOMEMLIMIT
        // is reached, and the whole process stays under the hard limit.
        var limiter = CollectorConfig.Expand(EnvironmentOf("otel-collector")).Map("processors", "memory_limiter");
        var limitMiB = int.Parse((string)limiter["limit_mib"]!);
        Assert.True(limitMiB < goMemLimitMiB, $"limit_mib {limitMiB} is not below GOMEMLIMIT {goMemLimit}");
        Assert.True(limitMiB + 50 <= hardLimit, $"limit_mib {limitMiB} leaves under 50 MiB below the hard limit {hardLimit}");

        // Every container's hard limit fits in the task's memory.
        var hardLimits = TaskDefinition.GetProperty("containerDefinitions").EnumerateArray()
            .Sum(c => c.TryGetProperty("memory", out var memory) ? memory.GetInt32() : 0);
        Assert.True(hardLimits < int.Parse(TaskDefinition.GetProperty("memory").GetString()!));
    }

    [Fact]
    public void The_task_definition_provides_every_variable_the_aws_pipelines_need()
    {
        var environment = EnvironmentOf("otel-collector");

        // Every ${env:VAR} without a default is set.
        foreach (Match reference in Regex.Matches(CollectorConfig.Text, @"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}"))
        {
            Assert.True(environment.ContainsKey(reference.Groups[1].Value), $"{reference.Value} is not set in ECS");
        }

        var config = CollectorConfig.Expand(environment);
        foreach (var exporter in new[] { "awscloudwatchlogs", "awsxray", "awsemf" })
        {
            Assert.Equal("<REGION>", config.Map("exporters", exporter)["region"]);
        }
    }

    [Fact]
    public void The_task_role_allows_exactly_what_the_exporters_call()
    {
        var config = CollectorConfig.Expand(EnvironmentOf("otel-collector"));
        var pipelines = config.Map("service", "pipelines");
        Assert.Equal(["awscloudwatchlogs"], pipelines.Map("logs").Names("exporters"));
        Assert.Equal(["awsxray"], pipelines.Map("traces").Names("exporters"));
        Assert.Equal(["awsemf"], pipelines.Map("metrics").Names("exporters"));

        // awscloudwatchlogs and awsemf write through contrib's internal/aws/cwlogs client: PutLogEvents, and on a
        // missing stream CreateLogStream, on a missing group CreateLogGroup and (log_retention set) PutRetentionPolicy;
        // TagResource only with `tags:`, which neither has.
        var groups = new[] { "awscloudwatchlogs", "awsemf" }.Select(exporter =>
        {
            var settings = config.Map("exporters", exporter);
            Assert.False(settings.ContainsKey("tags"), $"{exporter}: tags would need logs:TagResource");
            return (string)settings["log_group_name"]!;
        }).ToList();
        Assert.Equal(["/ecs/board/otel", "/ecs/board/metrics"], groups);
        var groupResources = groups
            .SelectMany(g => new[] { $"arn:aws:logs:<REGION>:<ACCOUNT_ID>:log-group:{g}", $"arn:aws:logs:<REGION>:<ACCOUNT_ID>:log-group:{g}:*" })
            .Order().ToList();

        var granted = new Dictionary<string, List<string>>();
        foreach (var statement in Statements("task-role-policy.json"))
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            Assert.False(statement.TryGetProperty("Condition", out _));
            foreach (var action in Strings(statement.GetProperty("Action")))
            {
                Assert.False(granted.ContainsKey(action), $"{action} is granted twice");
                granted[action] = Strings(statement.GetProperty("Resource")).Order().ToList();
            }
        }

        // awsxray calls PutTraceSegments alone (PutTelemetryRecords only with telemetry enabled, which it is not);
        // X-Ray has no resource-level permissions, so "*".
        Assert.False(config.Map("exporters", "awsxray").ContainsKey("telemetry"));
        Assert.Equal(
            new Dictionary<string, List<string>>
            {
                ["logs:PutLogEvents"] = groupResources,
                ["logs:CreateLogStream"] = groupResources,
                ["logs:CreateLogGroup"] = groupResources,
                ["logs:PutRetentionPolicy"] = groupResources,
                ["xray:PutTraceSegments"] = ["*"],
            },
            granted);

        // No exporter group is one of the awslogs driver groups (those hold stdout).
        foreach (var name in new[] { "board-web", "otel-collector" })
        {
            Assert.DoesNotContain(EcsTaskDefinition.LogGroupOf(name), groups);
        }
    }

    [Fact]
    public void The_task_configures_stdout_as_the_fallback_of_otlp_and_delta_metrics()
    {
        var app = EnvironmentOf("board-web");
        // Each record reaches CloudWatch once: through the collector, or through stdout when OTLP could not queue it
        // (a failed export is retried by the exporter instead).
        Assert.Equal("true", app["StructuredLogging__Console__Fallback"]);
        Assert.True(app.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"), "the fallback changes nothing without OTLP");
        // awsemf writes a histogram's count and sum as they come (contrib awsemfexporter datapoint.go turns only
        // cumulative sums into deltas), so the SDK must send deltas.
        Assert.Equal("delta", app["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"]);
    }

    [Fact]
    public void The_image_runs_as_non_root_on_8080_and_adot_is_opt_in()
    {
        var dockerfile = RepoFiles.Read("deploy", "Dockerfile");
        // The SDK stage may run on the build machine's platform only because the publish is framework-dependent
        // and names no runtime identifier (its output does not depend on the platform).
        Assert.Contains("FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile);
        var publish = Assert.Single(dockerfile.Split('\n'), l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.DoesNotContain(" -r ", publish);
        Assert.DoesNotContain("--runtime", publish);
        Assert.DoesNotContain("--self-contained", publish);
        Assert.DoesNotContain("RuntimeIdentifier", RepoFiles.Read("Board.Web", "Board.Web.csproj"));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile);
        Assert.Contains("USER $APP_UID", dockerfile);
        Assert.Contains("EXPOSE 8080", dockerfile);
        Assert.Contains("ARG ADOT_AUTO_INSTRUMENTATION=false", dockerfile);

        var entrypoint = RepoFiles.Read("deploy", "docker-entrypoint.sh");
        foreach (var variable in new[]
                 {
                     "CORECLR_ENABLE_PROFILING=1", "CORECLR_PROFILER=", "CORECLR_PROFILER_PATH=", "OTEL_DOTNET_AUTO_HOME=",
                     "DOTNET_STARTUP_HOOKS=", "DOTNET_ADDITIONAL_DEPS=", "DOTNET_SHARED_STORE=", "OTEL_DOTNET_AUTO_PLUGINS=",
                     "StructuredLogging__AutoInstrumentation=true",
                 })
        {
            Assert.Contains("export " + variable, entrypoint);
        }
    }
}
