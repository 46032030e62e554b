using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.Tests.Support;

/// <summary>
/// The real logging pipeline of <c>AddServiceDefaults()</c> on a plain host, no web server: log through
/// <see cref="Logger"/>, then read what reached stdout (<see cref="Stdout"/>) and the records every exporter
/// got (<see cref="Exported"/>, an in-memory exporter added after the real sinks).
/// </summary>
public sealed class LoggingHarness : IDisposable
{
    private readonly IHost _host;
    private bool _started;

    /// <param name="settings">In-memory configuration, added after the harness defaults (so it wins over them).</param>
    /// <param name="environment">The host environment name.</param>
    /// <param name="services">Extra service registrations, made before AddServiceDefaults().</param>
    /// <param name="configuration">Extra configuration sources (a JSON file, environment variables), added last.</param>
    public LoggingHarness(
        IDictionary<string, string?>? settings = null,
        string environment = "Production",
        Action<IServiceCollection>? services = null,
        Action<IConfigurationBuilder>? configuration = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = environment,
            ApplicationName = "Board.Tests.Harness",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["StructuredLogging:Console:Format"] = "Json",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        configuration?.Invoke(builder.Configuration);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Services.AddSingleton(new LogOutput(Stdout));
        services?.Invoke(builder.Services);
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Exported));
        _host = builder.Build();
        Logger = LoggerFactory.CreateLogger("Board.Tests.Harness");
    }

    public CapturedStdout Stdout { get; } = new();

    public List<LogRecord> Exported { get; } = [];

    public IServiceProvider Services => _host.Services;

    public ILoggerFactory LoggerFactory => _host.Services.GetRequiredService<ILoggerFactory>();

    public ILogger Logger { get; }

    /// <summary>
    /// Starts the host: the hosted services run (start-up warnings are written, the tracer and meter providers
    /// are built). Without it only the logging pipeline exists.
    /// </summary>
    public void Start()
    {
        _host.StartAsync().GetAwaiter().GetResult();
        _started = true;
    }

    /// <summary>Waits until every record logged so far is on stdout.</summary>
    public void Flush() => Assert.True(_host.Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000), "the log pipeline did not flush");

    public IReadOnlyList<System.Text.Json.JsonElement> JsonLines()
    {
        Flush();
        return Stdout.JsonLines();
    }

    public void Dispose()
    {
        if (_started)
        {
            _host.StopAsync().GetAwaiter().GetResult();
        }

        _host.Dispose();
    }
}
