using System.Diagnostics;

namespace Board.Tests.Support;

/// <summary>Runs one of the repository's shell scripts with bash, as a user would, and collects what it printed.</summary>
internal static class BashScript
{
    public static (int ExitCode, string Output, string Error) Run(string script, IEnumerable<string> args, string? pathPrefix = null)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (pathPrefix is not null)
        {
            start.Environment["PATH"] = pathPrefix + ":" + Environment.GetEnvironmentVariable("PATH");
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), $"{Path.GetFileName(script)} did not finish");
        return (process.ExitCode, output.Result, error.Result);
    }
}
