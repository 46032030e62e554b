using Board.ServiceDefaults.Configuration;
using Microsoft.Extensions.Configuration;

namespace Board.AppHost;

/// <summary>Whether telemetry goes through the OpenTelemetry Collector container (<c>Collector:Mode</c>).</summary>
public enum CollectorMode
{
    /// <summary>The collector where a container runtime is usable; straight to the dashboard elsewhere.</summary>
    Auto,

    /// <summary>Always the collector; start-up fails when no container runtime is usable.</summary>
    Container,

    /// <summary>Never the collector: web exports straight to the dashboard.</summary>
    None,
}

/// <summary>Reads <c>Collector:Mode</c>, refusing a value it does not know with the key and where it was set.</summary>
public static class CollectorModeSetting
{
    public const string Key = "Collector:Mode";

    public static CollectorMode Read(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return CollectorMode.Auto;
        }

        // Names only: Enum.TryParse would also take "1" or "Auto,None".
        if (Enum.GetNames<CollectorMode>().FirstOrDefault(name => name.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return Enum.Parse<CollectorMode>(known);
        }

        throw new InvalidOperationException(
            $"{Key} is '{value}' (from {ConfigurationSourceLocator.Describe(configuration, Key)}); "
            + $"it must be one of {string.Join(", ", Enum.GetNames<CollectorMode>())}.");
    }
}
