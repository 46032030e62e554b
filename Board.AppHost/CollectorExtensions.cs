using Microsoft.Extensions.Configuration;

namespace Board.AppHost;

/// <summary>
/// The OpenTelemetry Collector as an Aspire container resource: Board.Web sends OTLP to it, it forwards to the
/// Aspire dashboard (and, when configured, to CloudWatch Logs) using the repository's otel-collector-config.yaml.
/// </summary>
public static class CollectorExtensions
{
    /// <summary>otelcol-contrib built from the same contrib release (0.156.0) as ADOT Collector v0.49.0 used in AWS.</summary>
    public const string Image = "otel/opentelemetry-collector-contrib";
    public const string ImageTag = "0.156.0";
    public const string ConfigPathInContainer = "/etc/otelcol-contrib/config.yaml";

    public const string GrpcEndpointName = "grpc";
    public const string HttpEndpointName = "http";
    public const string HealthEndpointName = "health";

    // Variables read by otel-collector-config.yaml.
    public const string LogExportersVariable = "BOARD_LOG_EXPORTERS";
    public const string LogGroupVariable = "BOARD_LOG_GROUP";

    private const string DashboardOtlpUrlKey = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL";
    private const string LegacyDashboardOtlpUrlKey = "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL";
    private const string DashboardOtlpApiKeyKey = "AppHost:OtlpApiKey";
    private const string DefaultDashboardOtlpUrl = "http://localhost:18889";

    public const string CloudWatchEnabledKey = "Collector:CloudWatch:Enabled";

    private static readonly string[] AwsCredentialVariables =
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    /// <summary>Whether <c>Collector:CloudWatch:Enabled</c> asks for CloudWatch Logs, which only the collector can send to.</summary>
    public static bool IsCloudWatchEnabled(IConfiguration configuration) => configuration.GetValue(CloudWatchEnabledKey, false);

    /// <summary>
    /// Adds the collector container with <paramref name="configFile"/> (relative to the AppHost directory) mounted
    /// as its config, its OTLP endpoints, and a health check on the health_check extension (port 13133), so that
    /// resources which <c>WaitFor</c> it start only once it accepts data.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddOpenTelemetryCollector(
        this IDistributedApplicationBuilder builder, string name, string configFile)
    {
        var dashboardUrl = builder.Configuration[DashboardOtlpUrlKey]
            ?? builder.Configuration[LegacyDashboardOtlpUrlKey]
            ?? DefaultDashboardOtlpUrl;
        var dashboardUsesTls = dashboardUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

        return builder.AddContainer(name, Image, ImageTag)
            .WithBindMount(configFile, ConfigPathInContainer, isReadOnly: true)
            .WithArgs($"--config={ConfigPathInContainer}")
            .WithEndpoint(targetPort: 4317, name: GrpcEndpointName, scheme: "http")
            .WithEndpoint(targetPort: 4318, name: HttpEndpointName, scheme: "http")
            .WithHttpEndpoint(targetPort: 13133, name: HealthEndpointName)
            .WithHttpHealthCheck("/", endpointName: HealthEndpointName)
            .WithUrlForEndpoint(GrpcEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithUrlForEndpoint(HttpEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            // HostUrl turns "localhost" into a name the container can reach (host alias or Aspire's container tunnel).
            .WithEnvironment("ASPIRE_ENDPOINT", $"{new HostUrl(dashboardUrl)}")
            .WithEnvironment("ASPIRE_API_KEY", builder.Configuration[DashboardOtlpApiKeyKey] ?? "")
            .WithEnvironment("ASPIRE_INSECURE", dashboardUsesTls ? "false" : "true");
    }

    /// <summary>
    /// Points the project's OTLP exporter at the collector instead of the dashboard and starts the project only
    /// after the collector is healthy. Aspire's own OTEL_EXPORTER_OTLP_ENDPOINT callback was added by AddProject,
    /// before this one, so these values win.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithOtlpExportTo(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ContainerResource> collector) =>
        project
            .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", collector.GetEndpoint(GrpcEndpointName))
            .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
            .WaitFor(collector);

    /// <summary>
    /// When <c>Collector:CloudWatch:Enabled</c> is true, logs also go to CloudWatch Logs from the developer's machine.
    /// Needs a region (<c>Collector:CloudWatch:Region</c> or AWS_REGION) and credentials in the AppHost's environment
    /// (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, e.g. from
    /// <c>aws configure export-credentials --format env</c>); the container sees no ~/.aws profile.
    /// </summary>
    public static IResourceBuilder<ContainerResource> WithCloudWatchLogsWhenConfigured(
        this IResourceBuilder<ContainerResource> collector)
    {
        var configuration = collector.ApplicationBuilder.Configuration;
        if (!IsCloudWatchEnabled(configuration))
        {
            return collector;
        }

        var region = configuration["Collector:CloudWatch:Region"] ?? configuration["AWS_REGION"];
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new InvalidOperationException(
                "Collector:CloudWatch:Enabled is true but no region is set: set Collector:CloudWatch:Region or AWS_REGION.");
        }

        var missing = AwsCredentialVariables.Take(2).Where(v => string.IsNullOrEmpty(configuration[v])).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "Collector:CloudWatch:Enabled is true but the AppHost has no AWS credentials in its environment: "
                + string.Join(", ", missing) + " not set.");
        }

        return collector
            .WithEnvironment(LogExportersVariable, "[otlp_grpc/aspire, awscloudwatchlogs]")
            .WithEnvironment(LogGroupVariable, configuration["Collector:CloudWatch:LogGroup"] ?? "/board/local/otel")
            .WithEnvironment("AWS_REGION", region)
            // Off ECS the exporter's "{TaskId}" stream name has nothing to resolve; the env detector supplies one.
            .WithEnvironment("OTEL_RESOURCE_ATTRIBUTES", $"aws.ecs.task.id=local-{Environment.MachineName.ToLowerInvariant()}")
            .WithEnvironment(context =>
            {
                foreach (var variable in AwsCredentialVariables)
                {
                    if (configuration[variable] is { Length: > 0 } value)
                    {
                        context.EnvironmentVariables[variable] = value;
                    }
                }
            });
    }
}
