using Board.ServiceDefaults.Enrichment;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Debug;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults;

/// <summary>
/// The path of a record, as wired into the host: OpenTelemetry is the only logging provider that writes to stdout (the
/// EventSource one stays, for diagnostics tools, and is silent unless one listens; on Windows, so does EventLog); its
/// processors are the enrichment (once) followed by the sinks — stdout, then OTLP when configured — so every sink
/// writes the same fields.
/// </summary>
internal static class LoggingPipeline
{
    public static void AddServices(IHostApplicationBuilder builder, LoggingOptions options)
    {
        var services = builder.Services;

        // The console and debug providers would write every record a second time, unstructured (and the console
        // one writes "messages dropped" notices to stderr under load).
        RemoveProvider<ConsoleLoggerProvider>(services);
        RemoveProvider<DebugLoggerProvider>(services);

        // The record carries trace and span ids itself; the host's default activity scope would repeat them.
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);

        // A request is logged once, by the END entry; these framework entries would say it again.
        if (!options.Requests.KeepFrameworkRequestEntries)
        {
            SilenceUnlessConfigured(builder, "Microsoft.AspNetCore.Hosting.Diagnostics");
        }

        services.AddSingleton<ScopeProviderCapture>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<ScopeProviderCapture>());

        // It is a provider only to be handed the scope provider; with level None the logger factory leaves its
        // loggers out of every write instead of calling a logger that discards the record.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter<ScopeProviderCapture>(null, LogLevel.None));
        services.AddSingleton(new PersonalDataRedactor(options.Redaction));
        services.AddSingleton(new Requests.QueryStringRedactor(options.Requests.AllowedQueryKeys));
        services.AddSingleton<LogEnrichmentProcessor>();
        services.TryAddSingleton(_ => LogOutput.StandardOutput());
        services.AddSingleton(sp => new ConsoleSinkProcessor(
            resource => options.Console.Format == ConsoleFormat.Json
                ? new JsonLineFormatter(options.Json, resource)
                : new TextLineFormatter(),
            new LineWriter(sp.GetRequiredService<LogOutput>().Stream, options.Console.MaxPendingBytes)));
        services.AddSingleton(new Requests.Held.HeldRecordBudget(options.Requests.HeldRecords.MaxBytesInFlight));
        services.AddSingleton<Requests.Held.HeldRecordRequests>();
        if (options.Requests.HeldRecords.Enabled == true)
        {
            services.AddSingleton<ILoggerProvider, Requests.Held.HoldingLoggerProvider>();

            // Its own rule, at the floor: a provider rule wins over every category rule, so the records below the
            // level reach it (it then holds only those the OpenTelemetry provider does not write).
            services.Configure<LoggerFilterOptions>(o => o.AddFilter<Requests.Held.HoldingLoggerProvider>(null, options.Requests.HeldRecords.MinLevel));
        }

        services.AddSingleton(sp =>
        {
            var counter = new DroppedRecordCounter();
            if (options.Console.Format != ConsoleFormat.None)
            {
                counter.Attach(sp.GetRequiredService<ConsoleSinkProcessor>());
            }

            counter.Attach(sp.GetRequiredService<Requests.Held.HeldRecordBudget>());
            return counter;
        });
        services.AddHostedService<DroppedRecordReporter>();
    }

    public static void AddProvider(
        OpenTelemetryBuilder openTelemetry, IServiceCollection services, LoggingOptions options, IConfiguration configuration, Action<OtlpExporterOptions> ownHttpClient)
    {
        var exportLogs = !options.AutoInstrumentation && OtlpExport.IsConfigured(configuration, "LOGS");
        openTelemetry.WithLogging(
            logging =>
            {
                // Enrichment first, once; then the fan-out.
                logging.AddProcessor(sp => sp.GetRequiredService<LogEnrichmentProcessor>());
                if (options.Console.Format != ConsoleFormat.None)
                {
                    logging.AddProcessor(sp => sp.GetRequiredService<ConsoleSinkProcessor>());
                }

                if (exportLogs)
                {
                    logging.AddOtlpExporter((exporter, processor) =>
                    {
                        ownHttpClient(exporter);
                        OtlpExport.ConfigureBatch(processor, options.Otlp, configuration);
                    });
                }
            },
            logging =>
            {
                logging.IncludeFormattedMessage = true;

                // Scopes are merged by the enrichment processor (see ScopeProviderCapture).
                logging.IncludeScopes = false;
            });

        // The END entry logs a request's exception; the exception handler's own entry for it would repeat it.
        var leaveOutRepeatedUnhandledException = configuration[$"Logging:LogLevel:{RepeatedUnhandledExceptionFilter.Category}"] is null;
        GuardMessageFormatting(services, leaveOutRepeatedUnhandledException);
    }

    // A message that cannot be formatted must not throw into the caller (see SafeFormattingLoggerProvider). The
    // provider is found by how OpenTelemetry registers it; should that change, start-up stops here rather than the
    // guard silently not being there.
    internal static void GuardMessageFormatting(IServiceCollection services, bool leaveOutRepeatedUnhandledException)
    {
        var guarded = 0;
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
                services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new SafeFormattingLoggerProvider((ILoggerProvider)factory(sp), leaveOutRepeatedUnhandledException));
                guarded++;
            }
            else if (isOpenTelemetry && descriptor.ImplementationType is { } type)
            {
                services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new SafeFormattingLoggerProvider((ILoggerProvider)ActivatorUtilities.CreateInstance(sp, type), leaveOutRepeatedUnhandledException));
                guarded++;
            }
        }

        if (guarded != 1)
        {
            throw new InvalidOperationException(
                $"Expected one OpenTelemetry logger provider registration to guard, found {guarded}. " +
                "Board.ServiceDefaults registers OpenTelemetry logging itself; remove any other AddOpenTelemetry() logging " +
                "registration made before AddServiceDefaults(), or check how this OpenTelemetry version registers its provider.");
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
