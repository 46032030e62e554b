using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Board.Tests.EndToEnd;

namespace Board.Tests.AspireHost;

/// <summary>
/// (a) The AppHost as users run it on a machine without a container runtime: no collector, web exporting straight
/// to the dashboard. A user's session goes through web, and every request is read back from the dashboard's
/// telemetry API with the fields docs/logging.md promises.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardFlowTests
{
    [Fact]
    public async Task Every_request_of_a_user_session_reaches_the_dashboard_as_START_and_END_records()
    {
        using var timeout = new CancellationTokenSource(BoardAppHost.TestTimeout);
        var cancellationToken = timeout.Token;
        await using var host = await BoardAppHost.CreateAsync(["--Collector:Mode=None"], enableDashboard: true, cancellationToken);

        // The flow's requests are found by their marker, a query value Board logs only under an allowed key.
        host.SetWebEnvironment("StructuredLogging__Requests__AllowedQueryKeys__0", BoardWebFixture.MarkerKey);
        var app = await host.StartAsync(cancellationToken);

        // The dashboard says why there is no collector.
        var notice = await app.ResourceNotifications.WaitForResourceAsync(
            AppHostModelTests.CollectorName, e => e.Snapshot.State?.Text is not null, cancellationToken);
        Assert.Equal("Off (Collector:Mode=None)", notice.Snapshot.State!.Text);
        Assert.Contains("Collector:Mode is None", notice.Snapshot.Properties.Single(p => p.Name == "board.collector.reason").Value as string);

        var flow = await BoardFlow.RunAsync(app.GetEndpoint(BoardAppHost.WebName, "http"));
        using var dashboard = await DashboardTelemetry.SignInAsync(await app.GetDashboardUrlAsync(cancellationToken), cancellationToken);

        var last = flow.Requests[^1];
        var records = await dashboard.WaitForLogsAsync(BoardAppHost.WebName, all =>
            all.FirstOrDefault(r => r.EventName == "RequestStarted" && HasMarker(r, last.Marker)) is { } lastStart
            && all.Any(r => r.EventName == "RequestCompleted" && r.TraceId == lastStart.TraceId), cancellationToken);

        var traceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in flow.Requests)
        {
            var start = Assert.Single(records, r => r.EventName == "RequestStarted" && HasMarker(r, request.Marker));
            var end = Assert.Single(records, r => r.EventName == "RequestCompleted" && r.TraceId == start.TraceId);
            Assert.Matches("^[0-9a-f]{32}$", start.TraceId);
            Assert.True(traceIds.Add(start.TraceId!), $"{request.Name}: trace id {start.TraceId} already used");

            Assert.Equal($"Incoming {request.Method} request to {request.Path}", start.Body);
            Assert.Equal("Information", start.SeverityText);
            Assert.Matches($"^{request.Method} {Regex.Escape(request.Path)} completed with status {request.Status}$", end.Body);
            var level = request.Status >= 500 ? "Error" : request.Status >= 400 ? "Warning" : "Information";
            Assert.True(level == end.SeverityText, $"{request.Name}: END at {end.SeverityText}, expected {level}: {end}");

            foreach (var record in new[] { start, end })
            {
                Assert.Equal(request.Method, record["http.request.method"]);
                Assert.Equal(request.Path, record["url.path"]);
                Assert.Equal("Board.Requests", record.Scope);
                Assert.False(string.IsNullOrEmpty(record["request.id"]), $"request.id missing: {record}");
            }

            // The START entry names the client; the END entry, joined to it by request.id, does not repeat it.
            Assert.False(string.IsNullOrEmpty(start["client.address"]), $"client.address missing: {start}");
            Assert.True(string.IsNullOrEmpty(end["client.address"]), $"client.address repeated: {end}");
            Assert.Equal(start["request.id"], end["request.id"]);

            Assert.Equal(request.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), end["http.response.status_code"]);
            Assert.Equal(request.Route, end["http.route"]);
            Assert.Matches("^[0-9]+(\\.[0-9]+)?$", end["duration_ms"]);
            if (request.Status >= 500)
            {
                Assert.Equal("System.InvalidOperationException", end["exception.type"]);
                Assert.Equal("Test failure endpoint", end["exception.message"]);
                Assert.Contains("TestFailureEndpoint", end["exception.stacktrace"]);
            }
            else
            {
                Assert.Null(end["exception.type"]);
            }

            // Who wrote it: web's own process on this machine.
            Assert.Equal(BoardAppHost.WebName, end.Resource.GetValueOrDefault("service.name"));
            Assert.Equal(Environment.MachineName, end.Resource.GetValueOrDefault("host.name"), ignoreCase: true);
            Assert.Equal(host.WebProcessId().ToString(System.Globalization.CultureInfo.InvariantCulture), end.Resource.GetValueOrDefault("process.pid"));
            Assert.Equal("Board.Web", end.Resource.GetValueOrDefault("process.executable.name"));

            // The END record's trace is among the dashboard's traces (spans are exported in batches of their own).
            var trace = await dashboard.WaitForAsync($"/api/telemetry/traces/{end.TraceId}", cancellationToken);
            Assert.Contains(end.TraceId!, trace, StringComparison.Ordinal);
        }

        // Nothing secret reached the dashboard, in any record, span or resource it returns.
        await dashboard.GetAsync($"/api/telemetry/spans?resource={BoardAppHost.WebName}&limit=10000", cancellationToken);
        await dashboard.GetAsync("/api/telemetry/resources", cancellationToken);
        foreach (var (what, value) in flow.Canaries.Append(("email", flow.Email)))
        {
            var leaks = dashboard.Responses.Where(r => r.Contains(value, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"the {what} is in {leaks.Count} dashboard responses, e.g. "
                + (leaks.Count == 0 ? "" : Around(leaks[0], value)));
        }
    }

    private static string Around(string text, string value)
    {
        var at = text.IndexOf(value, StringComparison.Ordinal);
        return text[Math.Max(0, at - 200)..Math.Min(text.Length, at + value.Length + 50)];
    }

    private static bool HasMarker(DashboardLogRecord record, string marker) =>
        record["url.query"] is { } query && ("&" + query + "&").Contains($"&{BoardWebFixture.MarkerKey}={marker}&", StringComparison.Ordinal);
}
