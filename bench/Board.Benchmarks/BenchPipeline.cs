using System.Net;
using Board.ServiceDefaults;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Sinks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Board.Benchmarks;

/// <summary>
/// The real pipeline of AddServiceDefaults() on a plain host (no web server), writing stdout to Stream.Null:
/// the same set-up as Board.Tests/Support/LoggingHarness, with nothing captured.
/// </summary>
internal sealed class BenchPipeline : IDisposable
{
    private readonly IHost _host;

    public BenchPipeline(IDictionary<string, string?>? settings = null, List<LogRecord>? exported = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = "Production",
            ApplicationName = "Board.Benchmarks",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["StructuredLogging:Console:Format"] = "Json",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Services.AddSingleton(new LogOutput(Stream.Null));
        builder.AddServiceDefaults();
        if (exported is not null)
        {
            builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(exported));
        }

        _host = builder.Build();
        _host.Start();
        Logger = _host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogEntries.Category);
    }

    public IServiceProvider Services => _host.Services;

    public ILogger Logger { get; }

    public LoggingOptions Options => _host.Services.GetRequiredService<LoggingOptions>();

    public bool Flush() => _host.Services.GetRequiredService<LoggerProvider>().ForceFlush(30_000);

    public void Dispose()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    /// <summary>A GET /alive from 127.0.0.1 with the headers a load generator sends.</summary>
    public static DefaultHttpContext NewRequest()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 5080);
        context.Request.Path = "/alive";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Headers.UserAgent = "wrk/4.2.0";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.TraceIdentifier = "0HNBENCH0001:00000001";
        return context;
    }

    /// <summary>The request context the middleware opens for <paramref name="context"/>.</summary>
    public static RequestLogContext NewRequestContext(HttpContext context) =>
        new(context, "127.0.0.1", new RoutedEndpointFeature(context.Features, context.GetEndpoint()));

    /// <summary>The END entry the middleware writes for a 200 from GET /alive.</summary>
    public static RequestCompletedState EndState() => new()
    {
        Method = "GET",
        Path = "/alive",
        Route = "/alive",
        StatusCode = 200,
        DurationMs = 0.153,
        ResponseSize = 7,
        ClientAborted = false,
    };
}
