using Board.ServiceDefaults.Configuration;
using Microsoft.Extensions.Configuration;

namespace Board.AppHost;

/// <summary>
/// Chooses how a project's telemetry reaches the dashboard: through the OpenTelemetry Collector container, or
/// straight to the dashboard when <c>Collector:Mode</c> says so or, in Auto, when no container runtime is usable.
/// Without this choice a machine with no runtime leaves the collector starting and the project waiting for ever.
/// </summary>
public static class TelemetryPathExtensions
{
    public const string CollectorName = "otel-collector";

    /// <summary>The collector's state on the Resources page when Auto found no usable container runtime.</summary>
    public const string NoRuntimeState = "No container runtime";

    /// <summary>The collector's state on the Resources page when Collector:Mode is None.</summary>
    public static readonly string TurnedOffState = $"Off ({CollectorModeSetting.Key}=None)";

    public const string HowToGetTheCollector =
        "To run it through the collector, install and start Docker Engine or Podman, then start the AppHost again.";

    /// <summary>
    /// Adds the collector (with <paramref name="collectorConfigFile"/>, relative to the AppHost directory) and points
    /// the project at it, or adds a notice saying why not and leaves the project exporting to the dashboard.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTelemetryPath(
        this IResourceBuilder<ProjectResource> project, string collectorConfigFile)
    {
        var builder = project.ApplicationBuilder;
        var configuration = builder.Configuration;
        var mode = CollectorModeSetting.Read(configuration);

        // Publishing describes the deployment, not this machine: the collector is always part of it.
        if (builder.ExecutionContext.IsPublishMode && mode == CollectorMode.Auto)
        {
            mode = CollectorMode.Container;
        }

        string? reason = null;
        var state = "";
        if (mode == CollectorMode.Auto)
        {
            var runtime = ContainerRuntimeProbe.Probe(configuration);
            if (!runtime.IsUsable)
            {
                state = NoRuntimeState;
                reason = $"No container runtime is usable ({runtime.Detail}), so the OpenTelemetry Collector is not started "
                    + $"and {project.Resource.Name} sends its logs, traces and metrics straight to the dashboard. "
                    + HowToGetTheCollector + $" {CollectorModeSetting.Key}=None skips the collector without this check; "
                    + $"{CollectorModeSetting.Key}=Container makes a missing runtime an error.";
            }
        }
        else if (mode == CollectorMode.None)
        {
            state = TurnedOffState;
            reason = $"{CollectorModeSetting.Key} is None (from {ConfigurationSourceLocator.Describe(configuration, CollectorModeSetting.Key)}), "
                + $"so the OpenTelemetry Collector is not started and {project.Resource.Name} sends its telemetry straight to the dashboard.";
        }

        if (reason is not null)
        {
            if (CollectorExtensions.IsCloudWatchEnabled(configuration))
            {
                throw new DistributedApplicationException(
                    $"{CollectorExtensions.CloudWatchEnabledKey} is true, but only the collector sends to CloudWatch Logs. {reason}");
            }

            builder.AddCollectorNotice(CollectorName, state, reason, isWarning: mode == CollectorMode.Auto);
            return project;
        }

        var collector = builder.AddOpenTelemetryCollector(CollectorName, collectorConfigFile)
            .WithCloudWatchLogsWhenConfigured();
        if (mode == CollectorMode.Container && !builder.ExecutionContext.IsPublishMode)
        {
            FailStartWithoutContainerRuntime(builder);
        }

        return project.WithOtlpExportTo(collector);
    }

    /// <summary>
    /// A forced collector on a machine whose runtime cannot run it stops the start with the reason, instead of the
    /// collector "Starting" and the project "Waiting" for ever. Checked at start, so the model can still be built.
    /// </summary>
    private static void FailStartWithoutContainerRuntime(IDistributedApplicationBuilder builder) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            var runtime = ContainerRuntimeProbe.Probe(builder.Configuration);
            if (!runtime.IsUsable)
            {
                throw new DistributedApplicationException(
                    $"{CollectorModeSetting.Key} is Container (from {ConfigurationSourceLocator.Describe(builder.Configuration, CollectorModeSetting.Key)}), "
                    + $"but no container runtime is usable: {runtime.Detail}. {HowToGetTheCollector} "
                    + $"Or set {CollectorModeSetting.Key}=Auto to run without the collector where no runtime is usable.");
            }

            return Task.CompletedTask;
        });
}
