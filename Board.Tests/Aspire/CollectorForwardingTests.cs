using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Board.Tests.Collector;
using Microsoft.Extensions.DependencyInjection;

namespace Board.Tests.AspireHost;

/// <summary>
/// (c) The collector container end to end: Board.AppHost with the collector forced on, and Board.Web's request log
/// records read back from the collector's own output. The collector's logs pipeline is switched to the debug exporter
/// (the testing host runs no dashboard to forward to), and its console output, read through ResourceLoggerService,
/// is what the test asserts on. Needs a container runtime that can pull the collector image; skipped elsewhere.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class CollectorForwardingTests
{
    private const string CollectorName = AppHostModelTests.CollectorName;

    [ContainerRuntimeFact]
    public async Task Web_request_logs_reach_the_collector_with_host_and_process()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var cancellationToken = timeout.Token;

        await using var host = await BoardAppHost.CreateAsync(["--Collector:Mode=Container"], enableDashboard: false, cancellationToken);
        host.Builder.CreateResourceBuilder<ContainerResource>(CollectorName)
            .WithEnvironment("BOARD_LOG_EXPORTERS", "[debug]")
            .WithEnvironment("BOARD_TRACE_EXPORTERS", "[debug]")
            .WithEnvironment("BOARD_METRIC_EXPORTERS", "[debug]")
            .WithEnvironment("BOARD_DEBUG_VERBOSITY", "detailed");

        var app = await host.StartAsync(cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(CollectorName, cancellationToken);

        // An unknown path still gets a START and an END record (404), and the marker makes them ours.
        var path = "/aspire-probe-" + Guid.NewGuid().ToString("N");
        using (var http = app.CreateHttpClient(BoardAppHost.WebName, "http"))
        using (var response = await http.GetAsync(path, cancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
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
            Assert.Equal(host.WebProcessId().ToString(System.Globalization.CultureInfo.InvariantCulture), record.Resource.GetValueOrDefault("process.pid"));
            Assert.Equal(BoardAppHost.WebName, record.Resource.GetValueOrDefault("service.name"));
        }
    }
}
