using Board.ServiceDefaults.Drops;
using Board.ServiceDefaults.Enrichment;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Requests.Held;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Debug;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults;

/// <summary>
/// The path of a record, as wired into the host: OpenTelemetry is the only logging provider that writes (the
/// EventSource one stays, for diagnostics tools, and is silent unless one listens; on Windows, so does EventLog). Its
/// processors, in order: held records get their time back, the enrichment gives every record its one set of fields,
/// then each sink is an exporter under the SDK's batch processor — stdout, then OTLP when configured; with the stdout
/// fallback, OTLP alone, with stdout behind it for what OTLP could not take.
/// </summary>
internal static class LoggingPipeline
{
    public static void Add(IHostApplicationBuilder builder, OpenTelemetryBuilder openTelemetry, LoggingOptions options)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // The console and debug providers would write every record a second time, unstructured.
        foreach (var unstructured in services.Where(d => d.ServiceType == typeof(ILoggerProvider)
            && (d.ImplementationType == typeof(ConsoleLoggerProvider) || d.ImplementationType == typeof(DebugLoggerProvider))).ToList())
        {
            services.Remove(unstructured);
        }

        // The record carries trace and span ids itself; the host's default activity scope would repeat them.
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);

        // A request is logged once, by the END entry; these framework entries would say it again.
        if (!options.Requests.KeepFrameworkRequestEntries && configuration[$"Logging:LogLevel:{FrameworkRequestEntries.Category}"] is null)
        {
            builder.Logging.AddFilter(FrameworkRequestEntries.Category, LogLevel.None);
        }

        // A provider only to be handed the scope provider; at level None the factory never calls its loggers.
        services.AddSingleton<ScopeProviderCapture>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<ScopeProviderCapture>());
        services.Configure<LoggerFilterOptions>(o => o.AddFilter<ScopeProviderCapture>(null, LogLevel.None));
        services.AddSingleton(new PersonalDataRedactor(options.Redaction));
        services.AddSingleton(sp => new RecordText(sp.GetRequiredService<QueryStringRedactor>(), options.MaxValueLength));
        services.AddSingleton<LogEnrichmentProcessor>();

        var held = options.Requests.HeldRecords.Enabled == true;
        if (held)
        {
            services.AddSingleton(new HeldRecordBudget(options.Requests.HeldRecords.MaxBytesInFlight));
            services.AddSingleton<HeldRecordRequests>();
            services.AddSingleton<ILoggerProvider, HoldingLoggerProvider>();

            // Its own rule, at the floor: a provider rule wins over every category rule, so the records below the
            // level reach it (it then holds only those the OpenTelemetry provider does not write).
            services.Configure<LoggerFilterOptions>(o => o.AddFilter<HoldingLoggerProvider>(null, options.Requests.HeldRecords.MinLevel));
        }

        var exportLogs = !options.AutoInstrumentation && OtlpExport.IsConfigured(configuration, "LOGS");
        var fallback = exportLogs && options.Console.Fallback;
        var stdout = options.Console.Format != ConsoleFormat.None;
        if (stdout)
        {
            Func<Resource, ILineFormatter> formatter = resource => options.Console.Format == ConsoleFormat.Json
                ? new JsonLineFormatter(options.Json, options.MaxValueLength, resource, fallback)
                : new TextLineFormatter(fallback);
            services.TryAddSingleton(_ => LogOutput.StandardOutput());
            if (fallback)
            {
                services.AddSingleton(sp => new OtlpFallback(sp.GetRequiredService<LogOutput>().Stream, formatter));
            }
            else
            {
                services.AddSingleton(sp => new StdoutExporter(sp.GetRequiredService<LogOutput>().Stream, formatter));
            }
        }

        services.AddSingleton(sp => new DroppedRecordCounter(sp.GetService<StdoutExporter>(), sp.GetService<HeldRecordBudget>(), sp.GetService<OtlpFallback>()));
        services.AddHostedService<DroppedRecordReporter>();

        openTelemetry.WithLogging(
            logging =>
            {
                if (held)
                {
                    logging.AddProcessor(new HeldRecordReplay());
                }

                logging.AddProcessor(sp => sp.GetRequiredService<LogEnrichmentProcessor>());
                if (stdout && !fallback)
                {
                    logging.AddProcessor(sp => new StdoutProcessor(sp.GetRequiredService<StdoutExporter>(), options.Console));
                }

                if (exportLogs)
                {
                    if (fallback)
                    {
                        logging.AddProcessor(sp => sp.GetRequiredService<OtlpFallback>());
                    }

                    var forLogs = OtlpExport.ForSignal(configuration, "LOGS");
                    logging.AddOtlpExporter((exporter, processor) =>
                    {
                        forLogs(exporter);
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
        var leaveOutRepeated = configuration[$"Logging:LogLevel:{RepeatedUnhandledExceptionFilter.Category}"] is null;
        SafeFormattingLoggerProvider.Guard(services, leaveOutRepeated ? RepeatedUnhandledExceptionFilter.Apply : null);
    }
}
