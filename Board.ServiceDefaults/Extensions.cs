using Board.ServiceDefaults;
using Board.ServiceDefaults.Configuration;
using Board.ServiceDefaults.Drops;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Resources;
using Board.ServiceDefaults.Sinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
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

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Read before anything is built: what goes where depends on it, and a bad value must stop start-up here.
        var options = LoggingOptionsLoader.Load(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(options);

        // Before the request logging, so that its entries see the forwarded client; and not only while Board logs.
        var startupFilters = new OutermostStartupFilters(builder.Services);
        TrustedProxies.Add(options.ForwardedHeaders, startupFilters);
        TrustedTraceContext.Add(builder.Services, options.ForwardedHeaders);

        // One redactor for every place a URL is written: the START entry, the framework's entries, the spans.
        var queryRedactor = new QueryStringRedactor(options.Requests.AllowedQueryKeys);
        builder.Services.AddSingleton(queryRedactor);

        var ownProviders = !options.AutoInstrumentation;
        if (ownProviders)
        {
            OtlpExport.ApplyRetryDefault(builder.Configuration, options.Otlp);
        }

        var openTelemetry = AddOpenTelemetryResource(builder, options);
        if (options.Enabled)
        {
            LoggingPipeline.Add(builder, openTelemetry, options);
            RequestLoggingSetup.Add(builder, options.Requests, startupFilters);
        }

        // With an auto-instrumentation agent the agent owns traces, metrics and OTLP.
        if (ownProviders)
        {
            AddTracesAndMetrics(builder, openTelemetry, new TraceUrls(queryRedactor, options.MaxValueLength));
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

    // One resource for all three signals. The ECS detector runs while the providers are built, before there is a
    // logger to report to: its warnings wait for a hosted service.
    private static OpenTelemetryBuilder AddOpenTelemetryResource(IHostApplicationBuilder builder, LoggingOptions options)
    {
        var startupWarnings = new StartupWarnings();
        builder.Services.AddSingleton(startupWarnings);
        builder.Services.AddHostedService<StartupWarningsReporter>();

        var host = new HostResourceDetector();
        var ecs = new EcsResourceDetector(builder.Configuration[EcsResourceDetector.MetadataUriVariable], options.Ecs.Timeout, startupWarnings);
        return builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => ServiceResource.Configure(resource, builder.Environment, host, ecs));
    }

    // The ASP.NET Core, HttpClient and runtime instrumentation, exported over OTLP where the standard variables say so.
    private static void AddTracesAndMetrics(IHostApplicationBuilder builder, OpenTelemetryBuilder openTelemetry, TraceUrls urls)
    {
        var configuration = builder.Configuration;
        openTelemetry
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(DroppedRecordCounter.MeterName);
                if (OtlpExport.IsConfigured(configuration, "METRICS"))
                {
                    metrics.AddOtlpExporter(OtlpExport.ForSignal(configuration, "METRICS"));
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath) &&
                            !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                        o.EnrichWithHttpRequest = urls.OnIncoming;
                        o.EnrichWithHttpResponse = SpanRouteName.OnResponse;
                    })
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = urls.OnOutgoing);
                if (OtlpExport.IsConfigured(configuration, "TRACES"))
                {
                    tracing.AddOtlpExporter(OtlpExport.ForSignal(configuration, "TRACES"));
                }
            });
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
}
