using System.Runtime.InteropServices;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Resources;

/// <summary>
/// The host and the process under their OpenTelemetry names; Board's own, as the contrib packages are not on the
/// package feed (docs/logging.md, "Resource: who is writing").
/// </summary>
internal sealed class HostResourceDetector : IResourceDetector
{
    public Resource Detect() => new(
    [
        new("host.name", Environment.MachineName),
        new("process.pid", (long)Environment.ProcessId),
        new("process.executable.name", ExecutableName(Environment.ProcessPath, OperatingSystem.IsWindows())),
        new("process.runtime.name", ".NET"),
        new("process.runtime.version", Environment.Version.ToString()),
        new("process.runtime.description", RuntimeInformation.FrameworkDescription),
        new("os.type", OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "unknown"),
    ]);

    /// <summary>
    /// The file name as the system shows it; only Windows' ".exe" is dropped, since on Linux and macOS a dot is part
    /// of the name (an app host "Board.Web" is not "Board").
    /// </summary>
    public static string ExecutableName(string? processPath, bool windows)
    {
        if (string.IsNullOrEmpty(processPath))
        {
            return "unknown";
        }

        var name = windows ? processPath[(processPath.LastIndexOfAny(['\\', '/']) + 1)..] : Path.GetFileName(processPath);
        return windows && name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }
}
