using System.Diagnostics;
using System.Diagnostics.Metrics;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Board.Tests.Requests;

/// <summary>
/// An exception that no handler catches reaches the server and the OpenTelemetry instrumentation as it does without
/// Board (the server span's status and <c>error.type</c>, <c>http.server.request.duration</c>'s <c>error.type</c>),
/// and Board's END entry logs it. Real Kestrel: TestServer hands an unhandled exception to the client instead of
/// answering 500.
/// </summary>
public sealed class UnhandledExceptionTelemetryTests
{
    [Fact]
    public async Task An_unhandled_exception_reaches_the_span_and_the_duration_metric_as_it_does_without_Board()
    {
        var without = await TelemetryOfAThrowingRequest("/unhandled-telemetry/without-board", withBoard: false);
        var with = await TelemetryOfAThrowingRequest("/unhandled-telemetry/with-board", withBoard: true);

        Assert.Equal(new Telemetry(500, ActivityStatusCode.Error, "System.InvalidOperationException", "System.InvalidOperationException"), without.Telemetry);
        Assert.Equal(without.Telemetry, with.Telemetry);

        var end = Assert.Single(with.Records!, r => r.EventName == "RequestCompleted");
        Assert.Equal(500, end["http.response.status_code"]);
        Assert.Equal(LogLevel.Error, end.Level);
        Assert.Equal("System.InvalidOperationException", end["exception.type"]);
        Assert.Equal("Database said no", end["exception.message"]);
        Assert.Single(with.Records!, r => r.Category!.StartsWith("Board.", StringComparison.Ordinal) && r.Attributes.ContainsKey("exception.type"));
    }

    private static async Task<(Telemetry Telemetry, IReadOnlyList<ExportedRecord>? Records)> TelemetryOfAThrowingRequest(string route, bool withBoard)
    {
        using var durations = new RequestDurationErrorTypes(route);
        var spans = new List<Activity>();
        Action<WebApplication> map = a => a.MapGet(route, string () => throw new InvalidOperationException("Database said no"));

        TestWebApp? board = null;
        WebApplication? plain = null;
        Uri address;
        if (withBoard)
        {
            board = await TestWebApp.StartAsync(map, kestrel: true,
                configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
            address = board.CreateClient().BaseAddress!;
        }
        else
        {
            // What a service owner has without Board: the ASP.NET Core instrumentation, no exception handler.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            builder.Services.AddOpenTelemetry().WithTracing(t => t.AddAspNetCoreInstrumentation().AddInMemoryExporter(spans));
            plain = builder.Build();
            map(plain);
            await plain.StartAsync();
            address = new Uri(plain.Urls.Single());
        }

        try
        {
            using var client = new HttpClient { BaseAddress = address };
            using var response = await client.GetAsync(route);
            var records = board?.Records();

            // Stopping the app ends and exports every span it started.
            await (board?.DisposeAsync() ?? ValueTask.CompletedTask);
            await (plain?.StopAsync() ?? Task.CompletedTask);
            board = null;

            // The tracer hears every app in the process: the server span is told apart by its path.
            var span = Assert.Single(spans, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == route);
            var telemetry = new Telemetry(
                (int)response.StatusCode,
                span.Status,
                span.GetTagItem("error.type") as string,
                Assert.Single(durations.ErrorTypes));
            return (telemetry, records);
        }
        finally
        {
            await (board?.DisposeAsync() ?? ValueTask.CompletedTask);
            await (plain?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
    }

    private sealed record Telemetry(int ResponseStatus, ActivityStatusCode SpanStatus, string? SpanErrorType, string? MetricErrorType);

    /// <summary>The <c>error.type</c> of every <c>http.server.request.duration</c> measurement of one route.</summary>
    private sealed class RequestDurationErrorTypes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string?> _errorTypes = [];

        public RequestDurationErrorTypes(string route)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Meter.Name: "Microsoft.AspNetCore.Hosting", Name: "http.server.request.duration" })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                string? measuredRoute = null, errorType = null;
                foreach (var tag in tags)
                {
                    switch (tag.Key)
                    {
                        case "http.route": measuredRoute = tag.Value as string; break;
                        case "error.type": errorType = tag.Value as string; break;
                    }
                }

                if (measuredRoute == route)
                {
                    lock (_errorTypes)
                    {
                        _errorTypes.Add(errorType);
                    }
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<string?> ErrorTypes
        {
            get
            {
                lock (_errorTypes)
                {
                    return [.. _errorTypes];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
