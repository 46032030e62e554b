using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Board.Tests.Collector;
using Microsoft.Extensions.DependencyInjection;

namespace Board.Tests.AspireHost;

/// <summary>
/// Starts Board.AppHost (Board.Web + the collector container) and checks that Board.Web's request log records pass
/// through the collector. Compiled only with -p:WithAspire=true (Aspire.Hosting.Testing 13.5.2) and needs a container
/// runtime; written against src/Aspire.Hosting.Testing/api and src/Aspire.Hosting/api at tag v13.5.2.
/// The testing builder runs without the dashboard, so the collector's logs pipeline is switched to the debug exporter
/// and its console output (stderr, read through ResourceLoggerService) is what the test asserts on.
/// </summary>
public sealed class CollectorForwardingTests
{
    private const string CollectorName = "otel-collector";
    private const string WebName = "web";

    [Fact]
    public async Task Web_request_logs_reach_the_collector_with_host_and_process()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var cancellationToken = timeout.Token;

        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Board_AppHost>(cancellationToken);
        appHost.CreateResourceBuilder<ContainerResource>(CollectorName)
            .WithEnvironment("BOARD_LOG_EXPORTERS", "[debug]")
            .WithEnvironment("BOARD_TRACE_EXPORTERS", "[debug]")
            .WithEnvironment("BOARD_METRIC_EXPORTERS", "[debug]")
            .WithEnvironment("BOARD_DEBUG_VERBOSITY", "detailed");

        await using var app = await appHost.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(CollectorName, cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(WebName, cancellationToken);

        // An unknown path still gets a START and an END record (404), and the marker makes them ours.
        var path = "/aspire-probe-" + Guid.NewGuid().ToString("N");
        using (var http = app.CreateHttpClient(WebName, "http"))
        using (var response = await http.GetAsync(path, cancellationToken))
        {
            Assert.NotNull(response);
        }

        var collector = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Single(resource => resource.Name == CollectorName);
        var resourceLogs = app.Services.GetRequiredService<ResourceLoggerService>();

        var output = new DebugExporterOutput();
        DebugExporterOutput.LogRecordEntry? start = null, end = null;
        await foreach (var batch in resourceLogs.WatchAsync(collector).WithCancellation(cancellationToken))
        {
            foreach (var line in batch)
            {
                output.Add(line.Content);
            }

            start = output.Records.FirstOrDefault(r => r.Body == $"Incoming GET request to {path}");
            end = output.Records.FirstOrDefault(r => r.Body.StartsWith($"GET {path} completed with status ", StringComparison.Ordinal));
            if (start is not null && end is not null)
            {
                break;
            }
        }

        Assert.NotNull(start);
        Assert.NotNull(end);
        Assert.StartsWith($"GET {path} completed with status 404", end.Body);
        foreach (var record in new[] { start, end })
        {
            Assert.False(string.IsNullOrEmpty(record.Resource.GetValueOrDefault("host.name")), "host.name missing");
            Assert.True(int.TryParse(record.Resource.GetValueOrDefault("process.pid"), out _), "process.pid missing");
            Assert.Equal(WebName, record.Resource.GetValueOrDefault("service.name"));
        }

        await app.StopAsync(cancellationToken);
    }
}
