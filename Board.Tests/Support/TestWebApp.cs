using System.Diagnostics;
using System.Text.Json;
using Board.ServiceDefaults.Sinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Board.Tests.Support;

/// <summary>
/// A minimal ASP.NET Core app with <c>AddServiceDefaults()</c> on a TestServer, with endpoints written for one
/// test: what its console sink wrote is in <see cref="Stdout"/>, the records the exporters got in <see cref="Exported"/>.
/// With <c>kestrel: true</c> it listens on a port of 127.0.0.1 instead, where the server's own handling of an
/// exception (its log entry, a 500) is the real one: TestServer hands an unhandled exception to the client instead.
/// </summary>
public sealed class TestWebApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly InFlightRequests _inFlight;
    private readonly Uri? _kestrelAddress;

    private TestWebApp(WebApplication app, InFlightRequests inFlight, CapturedStdout stdout, List<LogRecord> exported, List<Activity> spans, Uri? kestrelAddress)
    {
        _app = app;
        _inFlight = inFlight;
        _kestrelAddress = kestrelAddress;
        Stdout = stdout;
        Exported = exported;
        Spans = spans;
    }

    public CapturedStdout Stdout { get; }

    public List<LogRecord> Exported { get; }

    /// <summary>The server's spans as the trace exporters got them, each once it has ended (read under a lock on the list).</summary>
    public List<Activity> Spans { get; }

    public TestServer Server => _app.GetTestServer();

    public IServiceProvider Services => _app.Services;

    public static async Task<TestWebApp> StartAsync(
        Action<WebApplication> map,
        IDictionary<string, string?>? settings = null,
        string environment = "Production",
        Action<WebApplication>? beforeMap = null,
        bool kestrel = false,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(TestWebApp).Assembly.GetName().Name,
        });
        if (kestrel)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["StructuredLogging:Console:Format"] = "Json",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());

        var stdout = new CapturedStdout();
        var exported = new List<LogRecord>();
        builder.Services.AddSingleton(new LogOutput(stdout));
        builder.AddServiceDefaults();

        // First of all, after Board put its own in front of the host's: this middleware is the outermost, around the
        // request logging middleware as well.
        var inFlight = new InFlightRequests();
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(inFlight));
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(exported));
        var spans = new List<Activity>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        configure?.Invoke(builder);

        var app = builder.Build();
        beforeMap?.Invoke(app);
        map(app);
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return new TestWebApp(app, inFlight, stdout, exported, spans, kestrel ? new Uri(app.Urls.Single()) : null);
    }

    public HttpClient CreateClient() => _kestrelAddress is { } address ? new HttpClient { BaseAddress = address } : Server.CreateClient();

    /// <summary>Waits until every record logged so far has reached stdout and the exporters.</summary>
    public void Flush() => Assert.True(_app.Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000), "the log pipeline did not flush");

    public IReadOnlyList<JsonElement> JsonLines()
    {
        WaitForEndedRequests();
        return Stdout.JsonLines();
    }

    /// <summary>The exported records, after a flush, as (name → value) maps with the body as "message".</summary>
    public IReadOnlyList<ExportedRecord> Records() => WaitForEndedRequests();

    /// <summary>
    /// TestServer hands the response to the caller as soon as the app starts writing its body, while the request
    /// logging middleware writes END only after the rest of the pipeline has returned. So the records are read once
    /// no request is left in the pipeline (waiting up to 10 s), and after a flush.
    /// </summary>
    private ExportedRecord[] WaitForEndedRequests()
    {
        var waited = Stopwatch.StartNew();
        while (_inFlight.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }

        Flush();
        lock (Exported)
        {
            return [.. Exported.Select(r => new ExportedRecord(r))];
        }
    }

    /// <summary>Counts the requests in the pipeline, from outside every other middleware.</summary>
    private sealed class InFlightRequests : IStartupFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                Interlocked.Increment(ref _count);
                try
                {
                    await inner(context);
                }
                finally
                {
                    Interlocked.Decrement(ref _count);
                }
            });
            next(app);
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A copy of one exported record, easy to assert on.</summary>
public sealed class ExportedRecord
{
    public ExportedRecord(LogRecord record)
    {
        Category = record.CategoryName;
        Level = record.LogLevel;
        Message = record.FormattedMessage;
        EventName = record.EventId.Name;
        TraceId = record.TraceId == default ? null : record.TraceId.ToHexString();
        SpanId = record.SpanId == default ? null : record.SpanId.ToHexString();
        Timestamp = record.Timestamp;
        HasException = record.Exception is not null;
        AttributeList = [.. record.Attributes ?? []];
        Attributes = AttributeList.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.First().Value);
    }

    public string? Category { get; }
    public Microsoft.Extensions.Logging.LogLevel Level { get; }
    public string? Message { get; }
    public string? EventName { get; }
    public string? TraceId { get; }
    public string? SpanId { get; }
    public DateTime Timestamp { get; }
    public bool HasException { get; }
    public IReadOnlyList<KeyValuePair<string, object?>> AttributeList { get; }
    public IReadOnlyDictionary<string, object?> Attributes { get; }

    public object? this[string key] => Attributes.TryGetValue(key, out var value) ? value : null;

    public override string ToString() => $"{Level} {Category} {EventName}: {Message}";
}
