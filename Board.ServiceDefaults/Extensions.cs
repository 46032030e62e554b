using Board.ServiceDefaults;
using Board.ServiceDefaults.Configuration;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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

        var startupWarnings = new StartupWarnings();
        if (options.Enabled)
        {
            LoggingPipeline.AddServices(builder, options);
            RequestLoggingSetup.Add(builder, options.Requests, options.ForwardedHeaders, startupFilters);
        }

        OpenTelemetrySetup.Add(builder, options, startupWarnings);

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
}
