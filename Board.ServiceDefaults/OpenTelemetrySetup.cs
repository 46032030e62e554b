using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Resources;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Board.ServiceDefaults;

/// <summary>
/// OpenTelemetry for the three signals: one resource for all of them, Board's logging pipeline, and the
/// ASP.NET Core, HttpClient and runtime instrumentation for traces and metrics, exported over OTLP where the
/// standard variables say so. With an auto-instrumentation agent the agent owns traces, metrics and OTLP.
/// </summary>
internal static class OpenTelemetrySetup
{
    public static void Add(IHostApplicationBuilder builder, LoggingOptions options, StartupWarnings startupWarnings)
    {
        var configuration = builder.Configuration;
        var ownProviders = !options.AutoInstrumentation;
        if (ownProviders)
        {
            OtlpExport.ApplyRetryDefault(builder.Configuration, options.Otlp);
        }

        // The ECS detector runs while the providers are built, before there is a logger to report to.
        builder.Services.AddSingleton(startupWarnings);
        builder.Services.AddHostedService<StartupWarningsReporter>();

        var host = new HostResourceDetector();
        var ecs = new EcsResourceDetector(configuration[EcsResourceDetector.MetadataUriVariable], options.Ecs.Timeout, startupWarnings);
        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => ServiceResource.Configure(resource, builder.Environment, host, ecs));

        var ownHttpClient = OtlpExport.OwnHttpClient(configuration);
        if (options.Enabled)
        {
            LoggingPipeline.AddProvider(openTelemetry, builder.Services, options, configuration, ownHttpClient);
        }

        if (!ownProviders)
        {
            return;
        }

        var urls = new TraceUrls(new QueryStringRedactor(options.Requests.AllowedQueryKeys));
        openTelemetry
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(DroppedRecordCounter.MeterName);
                if (OtlpExport.IsConfigured(configuration, "METRICS"))
                {
                    metrics.AddOtlpExporter(ownHttpClient);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = context =>
                            !context.Request.Path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath) &&
                            !context.Request.Path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath);
                        o.EnrichWithHttpRequest = urls.OnIncoming;
                    })
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = urls.OnOutgoing);
                if (OtlpExport.IsConfigured(configuration, "TRACES"))
                {
                    tracing.AddOtlpExporter(ownHttpClient);
                }
            });
    }
}
