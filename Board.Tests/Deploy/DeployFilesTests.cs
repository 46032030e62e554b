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
    public void The_app_takes_its_log_hash_key_from_a_secret_and_trusts_only_the_load_balancer_network()
    {
        var secret = Assert.Single(Container("board-web").GetProperty("secrets").EnumerateArray());
        Assert.Equal("StructuredLogging__Redaction__HashKey", secret.GetProperty("name").GetString());
        var app = EnvironmentOf("board-web");
        Assert.DoesNotContain(app.Keys, k => k.Contains("HashKey", StringComparison.Ordinal));
        Assert.Equal("<VPC_CIDR>", app["StructuredLogging__ForwardedHeaders__KnownNetworks__0"]);
    }

    [Fact]
    public void The_app_log_driver_blocks_rather_than_dropping_lines_silently()
    {
        // In non-blocking mode the awslogs driver drops lines when its buffer is full and says nothing. ECS has
        // made non-blocking the default (unless the account setting says otherwise), so blocking is set
        // explicitly: a slow driver then backs up into Board's stdout writer, which runs on its own thread
        // with a bounded buffer and counts what it drops, so requests do not wait.
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

        // Every variable the tests call "the AWS set" is really set, with the same value, by the task definition.
        foreach (var (name, value) in CollectorConfig.AwsEnvironment)
        {
            Assert.True(environment.ContainsKey(name), $"task definition does not set {name}");
            if (name != "AWS_REGION")
            {
                Assert.Equal(value, environment[name]);
            }
        }

        // Every ${env:VAR} without a default is set.
        foreach (Match reference in Regex.Matches(CollectorConfig.Text, @"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}"))
        {
            Assert.True(environment.ContainsKey(reference.Groups[1].Value), $"{reference.Value} is not set in ECS");
        }

        var config = CollectorConfig.Expand(environment);
        Assert.Equal(["awscloudwatchlogs"], config.Map("service", "pipelines", "logs").Names("exporters"));
        Assert.Equal("<REGION>", config.Map("exporters", "awscloudwatchlogs")["region"]);
    }

    [Fact]
    public void The_task_role_allows_exactly_what_the_exporter_calls_on_its_own_log_group()
    {
        var config = CollectorConfig.Expand(EnvironmentOf("otel-collector"));
        var logGroup = (string?)config.Map("exporters", "awscloudwatchlogs")["log_group_name"];
        var groupArn = $"arn:aws:logs:<REGION>:<ACCOUNT_ID>:log-group:{logGroup}";

        var actions = new HashSet<string>();
        foreach (var statement in Statements("task-role-policy.json"))
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            actions.UnionWith(Strings(statement.GetProperty("Action")));
            Assert.All(Strings(statement.GetProperty("Resource")), r => Assert.True(r == groupArn || r == groupArn + ":*", r));
        }

        // logs:TagResource would be needed only to create the group with the exporter's `tags:`, which is not set.
        Assert.False(config.Map("exporters", "awscloudwatchlogs").ContainsKey("tags"));
        Assert.Equal(
            new HashSet<string> { "logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup", "logs:PutRetentionPolicy" },
            actions);

        // The exporter's group is not one of the awslogs driver groups (those hold the stdout JSON lines).
        foreach (var name in new[] { "board-web", "otel-collector" })
        {
            Assert.NotEqual(logGroup, Container(name).GetProperty("logConfiguration").GetProperty("options")
                .GetProperty("awslogs-group").GetString());
        }
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
