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
        if (!process.WaitForExit(30_000))
        {
            // A script that runs on (a check that let something through) must not go on loading the machine.
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} did not finish within 30 s and was stopped");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
