using System.Runtime.InteropServices;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Resources;

/// <summary>
/// Who is writing: the host and the process, the fields the seed's ContextFilter put on every line
/// (hostname, process_id), under their OpenTelemetry names.
/// </summary>
internal sealed class HostResourceDetector : IResourceDetector
{
    public Resource Detect() => new(
    [
        new("host.name", Environment.MachineName),
        new("process.pid", (long)Environment.ProcessId),
        new("process.executable.name", Path.GetFileNameWithoutExtension(Environment.ProcessPath) ?? "unknown"),
        new("process.runtime.name", ".NET"),
        new("process.runtime.version", Environment.Version.ToString()),
        new("process.runtime.description", RuntimeInformation.FrameworkDescription),
        new("os.type", OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "unknown"),
    ]);
}
