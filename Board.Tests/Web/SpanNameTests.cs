using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Board.Tests.Web;

/// <summary>
/// A request's server span is named "{method} {http.route}" after the route its END entry logs, and carries that
/// route, so that a user can go from one to the other: a page, a route with a parameter, a static file (no route)
/// and a 404 that the status page answered by re-executing the request.
/// </summary>
public sealed class SpanNameTests : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly BoardAppFactory _factory;

    public SpanNameTests() => _factory = new BoardAppFactory
    {
        EnvironmentName = "Production",
        TestServices = services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("/", 200, "GET /")]
    [InlineData("/b/welcome", 200, "GET /b/{slug}")]
    [InlineData("/css/site.css", 200, "GET")]
    [InlineData("/b/no-such-board", 404, "GET /b/{slug}")]
    [InlineData("/no/such/page", 404, "GET")]
    public async Task The_server_span_is_named_after_the_route_of_its_END_entry(string path, int status, string name)
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        var (end, span) = await EndAndSpanOf(path);
        var route = end.Attributes!.FirstOrDefault(a => a.Key == "http.route").Value as string;

        Assert.Equal(route is null ? "GET" : $"GET {route}", span.DisplayName);
        Assert.Equal(route, span.GetTagItem("http.route"));
        Assert.Equal(name, span.DisplayName);
    }

    /// <summary>
    /// The request's END entry and server span. TestServer hands back the response as soon as the body starts, before
    /// the END entry is written and the span ends, so both are waited for (up to 10 s).
    /// </summary>
    private async Task<(OpenTelemetry.Logs.LogRecord End, Activity Span)> EndAndSpanOf(string path)
    {
        var tracing = _factory.Services.GetRequiredService<TracerProvider>();
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(20))
        {
            _factory.FlushLogs();
            tracing.ForceFlush(10_000);
            OpenTelemetry.Logs.LogRecord? end;
            lock (_factory.Exported)
            {
                end = _factory.Exported.SingleOrDefault(r => r.EventId.Name == "RequestCompleted"
                    && r.Attributes!.Any(a => a.Key == "url.path" && (string?)a.Value == path));
            }

            Activity? span;
            lock (_spans)
            {
                span = end is null ? null : _spans.SingleOrDefault(s => s.Kind == ActivityKind.Server && s.TraceId == end.TraceId);
            }

            if (end is not null && span is not null)
            {
                return (end, span);
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"no END entry and server span for {path}");
        }
    }
}
