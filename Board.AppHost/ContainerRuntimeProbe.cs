using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Board.AppHost;

/// <summary>The outcome of <see cref="ContainerRuntimeProbe.Probe"/>: whether containers can start, and why not.</summary>
public sealed record ContainerRuntimeStatus(string Runtime, bool IsUsable, string Detail);

/// <summary>
/// Asks the container runtime Aspire would use whether it can run containers, the way Aspire itself does
/// (<c>&lt;runtime&gt; container ls -n 1</c>, exit code 0 meaning a running engine), before the model is built:
/// Aspire's own check runs only once the application starts, and then leaves containers waiting instead of failing.
/// </summary>
public static class ContainerRuntimeProbe
{
    /// <summary>The configuration keys Aspire reads for the runtime, in its order; with none set it prefers docker, then podman.</summary>
    public static readonly string[] RuntimeKeys =
        ["DcpPublisher:ContainerRuntime", "ASPIRE_CONTAINER_RUNTIME", "DOTNET_ASPIRE_CONTAINER_RUNTIME"];

    private static readonly string[] s_defaultRuntimes = ["docker", "podman"];

    // Note: a daemon that is down answers within milliseconds; the bound is for one that hangs (an unreachable DOCKER_HOST).
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    /// <summary>The configured runtime, or the first usable of docker and podman; when none is usable, the first one's status.</summary>
    public static ContainerRuntimeStatus Probe(IConfiguration configuration)
    {
        var configured = RuntimeKeys.Select(key => configuration[key]).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
        if (configured is not null)
        {
            return Probe(configured.Trim());
        }

        // The next runtime is asked only when the one before cannot run containers: each ask may take the full bound.
        ContainerRuntimeStatus? first = null;
        foreach (var runtime in s_defaultRuntimes)
        {
            var status = Probe(runtime);
            if (status.IsUsable)
            {
                return status;
            }

            first ??= status;
        }

        return first!;
    }

    /// <summary>Runs <c><paramref name="runtime"/> container ls -n 1</c> with a bounded wait.</summary>
    public static ContainerRuntimeStatus Probe(string runtime)
    {
        var start = new ProcessStartInfo(runtime, ["container", "ls", "-n", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new(runtime, false, $"'{runtime}' was not found on PATH");
        }

        if (process is null)
        {
            return new(runtime, false, $"'{runtime}' could not be started");
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It ended between the wait and the kill.
                }

                return new(runtime, false, $"'{runtime} container ls' did not answer within {s_timeout.TotalSeconds:0} s");
            }

            if (process.ExitCode == 0)
            {
                return new(runtime, true, $"'{runtime}' is running");
            }

            var firstLine = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault() ?? "";
            return new(runtime, false, $"'{runtime} container ls' failed (exit code {process.ExitCode}): {firstLine}".TrimEnd(' ', ':'));
        }
    }
}
