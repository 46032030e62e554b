namespace Board.Tests.AspireHost;

/// <summary>
/// A stand-in for docker or podman, named through ASPIRE_CONTAINER_RUNTIME: an executable script that answers
/// <c>container ls</c> with the given exit code and error line, so the AppHost's choice can be tested on any machine.
/// </summary>
public sealed class FakeContainerRuntime : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("board-fake-runtime-").FullName;

    public FakeContainerRuntime(int exitCode, string error)
    {
        Path = System.IO.Path.Combine(_directory, "fake-docker");
        File.WriteAllText(Path, $"#!/bin/sh\necho '{error}' >&2\nexit {exitCode}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Path { get; }

    /// <summary>The AppHost argument that makes Aspire, and so the AppHost's probe, use this runtime.</summary>
    public string Argument => $"--ASPIRE_CONTAINER_RUNTIME={Path}";

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
