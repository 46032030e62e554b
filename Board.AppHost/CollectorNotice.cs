using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.AppHost;

/// <summary>
/// Stands in the dashboard where the collector would be when it is not started, so the reason is on the Resources
/// page (a state that names it, and the reason in the details a click on the row opens), in that row's console log
/// and in the AppHost's own console, not only in a log line that scrolls away.
/// </summary>
public sealed class CollectorNoticeResource(string name, string state, string reason) : Resource(name)
{
    public const string ResourceType = "OpenTelemetry Collector";
    public const string ReasonProperty = "board.collector.reason";

    /// <summary>The state shown on the Resources page: why, in a few words.</summary>
    public string State { get; } = state;

    /// <summary>Why the collector is not started and how to get it; the same text in every place it is shown.</summary>
    public string Reason { get; } = reason;
}

public static class CollectorNoticeExtensions
{
    /// <summary>
    /// Adds the notice with its <paramref name="state"/> and <paramref name="reason"/>; <paramref name="isWarning"/>
    /// styles it as a warning.
    /// </summary>
    public static IResourceBuilder<CollectorNoticeResource> AddCollectorNotice(
        this IDistributedApplicationBuilder builder, string name, string state, string reason, bool isWarning)
    {
        var level = isWarning ? LogLevel.Warning : LogLevel.Information;
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Board.AppHost").Log(level, "{Reason}", reason);
            return Task.CompletedTask;
        });

        return builder.AddResource(new CollectorNoticeResource(name, state, reason))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = CollectorNoticeResource.ResourceType,
                State = new ResourceStateSnapshot(state, isWarning ? KnownResourceStateStyles.Warn : KnownResourceStateStyles.Info),
                // Highlighted: the dashboard shows it without "Show all", next to the name and state.
                Properties = [new ResourcePropertySnapshot(CollectorNoticeResource.ReasonProperty, reason) { DisplayName = "Reason", IsHighlighted = true }],
            })
            .OnInitializeResource((resource, @event, _) =>
            {
                // The row's console log in the dashboard.
                @event.Logger.Log(level, "{Reason}", resource.Reason);
                return Task.CompletedTask;
            })
            .ExcludeFromManifest();
    }
}
