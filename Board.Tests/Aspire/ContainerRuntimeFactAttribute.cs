extern alias AppHost;

using Microsoft.Extensions.Configuration;
using AppHost::Board.AppHost;

namespace Board.Tests.AspireHost;

/// <summary>
/// A test that needs a container runtime able to run containers: skipped, with the probe's reason, where none is
/// usable. The only reason any test in this suite may skip.
/// </summary>
public sealed class ContainerRuntimeFactAttribute : FactAttribute
{
    private static readonly Lazy<ContainerRuntimeStatus> s_status = new(() =>
        ContainerRuntimeProbe.Probe(new ConfigurationBuilder().AddEnvironmentVariables().Build()));

    /// <summary>Whether this machine has a container runtime the AppHost's Auto mode would use.</summary>
    public static bool MachineHasUsableRuntime => s_status.Value.IsUsable;

    public ContainerRuntimeFactAttribute()
    {
        if (!s_status.Value.IsUsable)
        {
            Skip = $"No usable container runtime on this machine: {s_status.Value.Detail}.";
        }
    }
}
