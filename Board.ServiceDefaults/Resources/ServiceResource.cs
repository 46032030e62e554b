using System.Reflection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Resources;

/// <summary>
/// The resource every record, span and metric carries. Later detectors win, so the order reads as precedence:
/// the service's own description, the host and process, ECS, and last the standard OTEL_SERVICE_NAME and
/// OTEL_RESOURCE_ATTRIBUTES (which is how Aspire names a replica's service.instance.id).
/// </summary>
internal static class ServiceResource
{
    public static void Configure(ResourceBuilder resource, IHostEnvironment environment, HostResourceDetector host, EcsResourceDetector ecs)
    {
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        resource
            .Clear()
            .AddService(environment.ApplicationName, serviceVersion: version, autoGenerateServiceInstanceId: true)
            .AddTelemetrySdk()
            .AddDetector(host)
            .AddDetector(ecs)
            .AddAttributes([new("deployment.environment.name", environment.EnvironmentName)])
            .AddEnvironmentVariableDetector();
    }
}
