using Board.ServiceDefaults;
using Board.ServiceDefaults.Configuration;
using Board.ServiceDefaults.Enrichment;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Resources;
using Board.ServiceDefaults.Sinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Debug;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one entry point of the service defaults: structured logging (a START and an END entry per request, the
/// request context and scopes on every record, sinks chosen by configuration), traces and metrics through
/// OpenTelemetry, health checks, service discovery and HTTP resilience.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";

    /// <summary>
    /// Benchmark baseline only (bench/load.sh, mode b): when true, Board's logging is left out entirely (no
    /// OpenTelemetry logging, no START/END entries) and the framework's own console logger writes JSON, with the
    /// hosting "Request starting/finished" entries at whatever level Logging:LogLevel gives them. Everything
    /// else (traces, metrics, health checks) stays, so the two can be compared on the same application.
    /// Outside the StructuredLogging section on purpose: it is not a way to run a service.
    /// </summary>
    internal const string FrameworkLoggingBenchmarkKey = "Benchmarks:FrameworkLogging";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Read before anything is built: what goes where depends on it, and a bad value must stop start-up here.
        var options = LoggingOptionsLoader.Load(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(options);

        var startupWarnings = new StartupWarnings();
        var boardLogging = !builder.Configuration.GetValue<bool>(FrameworkLoggingBenchmarkKey);
        if (boardLogging)
        {
            builder.ConfigureStructuredLogging(options, startupWarnings);
        }
        else
        {
            builder.Logging.AddJsonConsole();
        }

        builder.ConfigureOpenTelemetry(options, startupWarnings, boardLogging);
        if (boardLogging)
        {
            builder.AddRequestLogging(options);
        }

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness: every check) and <c>/alive</c> (liveness: only checks tagged "live").
    /// Both are mapped in every environment: the container platform probes them in Production too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }

    private static void ConfigureStructuredLogging(this IHostApplicationBuilder builder, LoggingOptions options, StartupWarnings startupWarnings)
    {
        // OpenTelemetry is the only way out: the console and debug providers would write every record a second
        // time, unstructured (and the console one writes "messages dropped" notices to stderr under load).
        RemoveProvider<ConsoleLoggerProvider>(builder.Services);
        RemoveProvider<DebugLoggerProvider>(builder.Services);

        // The record carries trace and span ids itself; the host's default activity scope would repeat them.
        builder.Services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);

        // A request is logged once, by the END entry; these framework entries would say it again.
        if (!options.Requests.KeepFrameworkRequestEntries)
        {
            SilenceUnlessConfigured(builder, "Microsoft.AspNetCore.Hosting.Diagnostics");
        }

        SilenceUnlessConfigured(builder, "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware");

        builder.Services.AddSingleton(startupWarnings);
        builder.Services.AddHostedService<StartupWarningsReporter>();
        builder.Services.AddSingleton<ScopeProviderCapture>();
        builder.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<ScopeProviderCapture>());
        builder.Services.AddSingleton(new PersonalDataRedactor(options.Redaction));
        builder.Services.AddSingleton<LogEnrichmentProcessor>();
        builder.Services.TryAddSingleton(_ => LogOutput.StandardOutput());
        builder.Services.AddSingleton(sp => new ConsoleSinkProcessor(
            resource => options.Console.Format == ConsoleFormat.Json
                ? new JsonLineFormatter(options.Json, resource)
                : new TextLineFormatter(),
            new LineWriter(sp.GetRequiredService<LogOutput>().Stream, options.Console.MaxPendingBytes)));
        builder.Services.AddSingleton(sp =>
        {
            var counter = new DroppedRecordCounter();
            if (options.Console.Format != ConsoleFormat.None)
            {
                counter.Attach(sp.GetRequiredService<ConsoleSinkProcessor>());
            }

            return counter;
        });
        builder.Services.AddHostedService<DroppedRecordReporter>();
    }

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder, LoggingOptions options, StartupWarnings startupWarnings, bool boardLogging)
    {
        var configuration = builder.Configuration;
        var exportLogs = !options.AutoInstrumentation && OtlpExport.IsConfigured(configuration, "LOGS");
        var ownProviders = !options.AutoInstrumentation;
        if (ownProviders)
        {
            OtlpExport.ApplyRetryDefault(builder.Configuration, configuration, options.Otlp);
        }

        var host = new HostResourceDetector();
        var ecs = new EcsResourceDetector(
            configuration[EcsResourceDetector.MetadataUriVariable],
            options.Ecs.Timeout,
            startupWarnings);

        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => ServiceResource.Configure(resource, builder.Environment, host, ecs));
        if (boardLogging)
        {
            openTelemetry.WithLogging(
                logging =>
                {
                    // Enrichment first, once; then the fan-out, so every sink writes the same fields.
                    logging.AddProcessor(sp => sp.GetRequiredService<LogEnrichmentProcessor>());
                    if (options.Console.Format != ConsoleFormat.None)
                    {
                        logging.AddProcessor(sp => sp.GetRequiredService<ConsoleSinkProcessor>());
                    }

                    if (exportLogs)
                    {
                        logging.AddOtlpExporter((_, processor) => OtlpExport.ConfigureBatch(processor, options.Otlp, configuration));
                    }
                },
                logging =>
                {
                    logging.IncludeFormattedMessage = true;

                    // Scopes are merged by the enrichment processor (see ScopeProviderCapture).
                    logging.IncludeScopes = false;
                });
        }

        GuardMessageFormatting(builder.Services);

        if (!ownProviders)
        {
            return;
        }

        openTelemetry
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(DroppedRecordCounter.MeterName);
                if (OtlpExport.IsConfigured(configuration, "METRICS"))
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath) &&
                        !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
                if (OtlpExport.IsConfigured(configuration, "TRACES"))
                {
                    tracing.AddOtlpExporter();
                }
            });
    }

    private static void AddRequestLogging(this IHostApplicationBuilder builder, LoggingOptions options)
    {
        if (!options.Requests.Enabled)
        {
            return;
        }

        builder.Services.AddSingleton(sp => new RequestLoggingSettings(
            options.Requests,
            TrustedProxies.Create(options.ForwardedHeaders, sp.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddSingleton<IStartupFilter, RequestLoggingStartupFilter>();
    }

    // A message that cannot be formatted must not throw into the caller (see SafeFormattingLoggerProvider).
    private static void GuardMessageFormatting(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService)
            {
                continue;
            }

            var isOpenTelemetry = descriptor.ImplementationType == typeof(OpenTelemetryLoggerProvider)
                || descriptor.ImplementationFactory?.GetType().GenericTypeArguments is [_, var produced] && produced == typeof(OpenTelemetryLoggerProvider);
            if (isOpenTelemetry && descriptor.ImplementationFactory is { } factory)
            {
                services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new SafeFormattingLoggerProvider((ILoggerProvider)factory(sp)));
            }
            else if (isOpenTelemetry && descriptor.ImplementationType is { } type)
            {
                services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new SafeFormattingLoggerProvider((ILoggerProvider)ActivatorUtilities.CreateInstance(sp, type)));
            }
        }
    }

    private static void RemoveProvider<TProvider>(IServiceCollection services) where TProvider : ILoggerProvider
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(ILoggerProvider) && services[i].ImplementationType == typeof(TProvider))
            {
                services.RemoveAt(i);
            }
        }
    }

    private static void SilenceUnlessConfigured(IHostApplicationBuilder builder, string category)
    {
        if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
        {
            builder.Logging.AddFilter(category, LogLevel.None);
        }
    }
}
