using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Board.Tests.Resources;

/// <summary>The ECS task metadata endpoint read through the real pipeline, against a fake endpoint.</summary>
public sealed class EcsResourceTests
{
    private const string WarningCategory = "Board.ServiceDefaults.Resources.StartupWarningsReporter";

    [Theory]
    [InlineData("board-cluster")]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:cluster/board-cluster")]
    public async Task A_good_endpoint_describes_the_task_on_the_resource_and_the_json_line(string cluster)
    {
        await using var server = await FakeEcsMetadataServer.StartAsync(FakeEcsMetadataServer.Behaviour.Good, cluster);
        using var harness = new LoggingHarness(Settings(server));
        harness.Start();
        harness.Logger.LogInformation("On ECS");

        var resource = Attributes(harness.Services.GetRequiredService<LoggerProvider>().GetResource());
        Assert.Equal("aws", resource["cloud.provider"]);
        Assert.Equal("aws_ecs", resource["cloud.platform"]);
        Assert.Equal("eu-west-1", resource["cloud.region"]);
        Assert.Equal("123456789012", resource["cloud.account.id"]);
        Assert.Equal("eu-west-1a", resource["cloud.availability_zone"]);
        Assert.Equal(FakeEcsMetadataServer.TaskArn, resource["aws.ecs.task.arn"]);
        Assert.Equal("0123456789abcdef0", resource["aws.ecs.task.id"]);
        Assert.Equal("board", resource["aws.ecs.task.family"]);
        Assert.Equal("7", resource["aws.ecs.task.revision"]);
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:cluster/board-cluster", resource["aws.ecs.cluster.arn"]);
        Assert.Equal("fargate", resource["aws.ecs.launchtype"]);
        Assert.Equal(FakeEcsMetadataServer.DockerId, resource["container.id"]);
        Assert.Equal(FakeEcsMetadataServer.ContainerArn, resource["aws.ecs.container.arn"]);

        // Traces and metrics carry the same description.
        Assert.Equal(FakeEcsMetadataServer.TaskArn, Attributes(harness.Services.GetRequiredService<TracerProvider>().GetResource())["aws.ecs.task.arn"]);
        Assert.Equal(FakeEcsMetadataServer.TaskArn, Attributes(harness.Services.GetRequiredService<MeterProvider>().GetResource())["aws.ecs.task.arn"]);

        // The line names the task only where Json:ResourceAttributes asks for it (the log stream names it already).
        var line = Assert.Single(harness.JsonLines(), l => l.Text("logger") == "Board.Tests.Harness");
        Assert.False(line.Has("aws.ecs.task.id"));
        Assert.DoesNotContain(harness.Exported, r => r.CategoryName == WarningCategory);
    }

    [Fact]
    public async Task The_endpoint_is_asked_once_although_logs_traces_and_metrics_each_build_the_resource()
    {
        await using var server = await FakeEcsMetadataServer.StartAsync(FakeEcsMetadataServer.Behaviour.Good);
        using var harness = new LoggingHarness(Settings(server));
        harness.Start();
        harness.Logger.LogInformation("Counted");
        harness.Flush();

        // Each provider's resource holds the task the one answer described.
        Assert.Equal(FakeEcsMetadataServer.TaskArn, Attributes(harness.Services.GetRequiredService<LoggerProvider>().GetResource())["aws.ecs.task.arn"]);
        Assert.Equal(FakeEcsMetadataServer.TaskArn, Attributes(harness.Services.GetRequiredService<TracerProvider>().GetResource())["aws.ecs.task.arn"]);
        Assert.Equal(FakeEcsMetadataServer.TaskArn, Attributes(harness.Services.GetRequiredService<MeterProvider>().GetResource())["aws.ecs.task.arn"]);
        Assert.Equal(1, server.ContainerRequests);
        Assert.Equal(1, server.TaskRequests);
    }

    [Theory]
    [InlineData(FakeEcsMetadataServer.Behaviour.Slow)]
    [InlineData(FakeEcsMetadataServer.Behaviour.MalformedJson)]
    [InlineData(FakeEcsMetadataServer.Behaviour.ServerError)]
    public async Task A_bad_endpoint_gives_one_warning_naming_the_uri_and_no_aws_attributes(FakeEcsMetadataServer.Behaviour behaviour)
    {
        await using var server = await FakeEcsMetadataServer.StartAsync(behaviour);
        var slow = behaviour == FakeEcsMetadataServer.Behaviour.Slow;
        using var harness = new LoggingHarness(Settings(server, timeout: slow ? "00:00:00.300" : "00:00:30"));
        harness.Start();
        harness.Logger.LogInformation("Started anyway");
        harness.Flush();

        var warning = Assert.Single(harness.Exported, r => r.CategoryName == WarningCategory);
        Assert.Equal(LogLevel.Warning, warning.LogLevel);
        Assert.Contains(server.Uri, warning.FormattedMessage);
        Assert.Contains(warning.Attributes!, a => a.Key == "ecs.metadata.uri" && Equals(a.Value, server.Uri));
        var reason = Assert.Single(warning.Attributes!, a => a.Key == "error.message").Value as string;
        Assert.Equal(slow, reason?.Contains("no answer within 300 ms", StringComparison.Ordinal) == true);
        Assert.Contains(harness.Exported, r => r.FormattedMessage == "Started anyway");

        var resource = Attributes(harness.Services.GetRequiredService<LoggerProvider>().GetResource());
        Assert.DoesNotContain(resource.Keys, k => k.StartsWith("aws.", StringComparison.Ordinal) || k.StartsWith("cloud.", StringComparison.Ordinal));
        Assert.Equal(Environment.MachineName, resource["host.name"]);

        var lines = harness.JsonLines();
        Assert.Single(lines, l => l.Text("logger") == WarningCategory && l.Text("ecs.metadata.uri") == server.Uri);
        Assert.All(lines, l => Assert.False(l.Has("aws.ecs.task.id")));
        Assert.Equal(1, server.ContainerRequests);
    }

    [Fact]
    public async Task With_Board_logging_off_the_warning_still_reaches_the_hosts_own_logging()
    {
        await using var server = await FakeEcsMetadataServer.StartAsync(FakeEcsMetadataServer.Behaviour.ServerError);
        var captured = new CapturingLoggerProvider();
        var settings = Settings(server);
        settings["StructuredLogging:Enabled"] = "false";
        using var harness = new LoggingHarness(settings, services: s => s.AddSingleton<ILoggerProvider>(captured));
        harness.Start();

        // Only traces and metrics build the resource here, when the host starts: the warning comes after that.
        var warning = Assert.Single(captured.Records, r => r.Category == WarningCategory);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(server.Uri, warning.Message, StringComparison.Ordinal);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Message)> Records { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Records.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }

    // A good endpoint gets the most the options allow: the first request of a test run (JIT, a cold Kestrel on a
    // busy machine) can take longer than the short timeout the failure cases use.
    private static Dictionary<string, string?> Settings(FakeEcsMetadataServer server, string timeout = "00:00:30") => new()
    {
        ["ECS_CONTAINER_METADATA_URI_V4"] = server.Uri,
        ["StructuredLogging:Ecs:Timeout"] = timeout,
    };

    private static Dictionary<string, object> Attributes(OpenTelemetry.Resources.Resource resource) =>
        resource.Attributes.ToDictionary(a => a.Key, a => a.Value);
}
