using Board.Tests.Collector;
using Board.Tests.Support;

namespace Board.Tests.Deploy;

/// <summary>Runs deploy/deploy-collector-config.sh with bash and a fake `aws` on PATH that records its arguments.</summary>
public sealed class DeployScriptTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("board-deploy-").FullName;

    private string Recorded => Path.Combine(_temp, "aws-calls.txt");

    public DeployScriptTests()
    {
        var fakeAws = Path.Combine(_temp, "aws");
        File.WriteAllText(fakeAws, $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '{Recorded}'\necho '{{\"Version\": 1}}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fakeAws, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private (int ExitCode, string Output, string Error) Run(params string[] args) =>
        BashScript.Run(RepoFiles.PathOf("deploy", "deploy-collector-config.sh"), args, pathPrefix: _temp);

    private string[] Calls => File.Exists(Recorded) ? File.ReadAllLines(Recorded) : [];

    [Fact]
    public void Uploads_the_config_as_a_standard_string_parameter()
    {
        var (exitCode, output, error) = Run("--region", "eu-west-1");

        Assert.True(exitCode == 0, error);
        Assert.Equal(
            [
                "ssm", "put-parameter", "--name", "/board/otel-collector-config", "--type", "String", "--tier", "Standard",
                "--overwrite", "--value", "file://" + Path.GetFullPath(RepoFiles.PathOf("deploy", "..", CollectorConfig.FileName)),
                "--region", "eu-west-1",
            ],
            Calls.Select(c => c.StartsWith("file://", StringComparison.Ordinal) ? "file://" + Path.GetFullPath(c["file://".Length..]) : c));
        Assert.Contains("uploaded", output);
    }

    [Fact]
    public void Dry_run_prints_the_call_and_makes_none()
    {
        var (exitCode, output, error) = Run("--dry-run", "--name", "/board/test");

        Assert.True(exitCode == 0, error);
        Assert.Contains("aws ssm put-parameter --name /board/test --type String --tier Standard --overwrite --value file://", output);
        Assert.Contains($"{CollectorConfig.SizeInBytes} of 4096 bytes", output);
        Assert.Empty(Calls);
    }

    [Fact]
    public void An_oversized_config_fails_with_a_clear_message_and_makes_no_call()
    {
        var big = Path.Combine(_temp, "big.yaml");
        File.WriteAllText(big, "# " + new string('x', 4100) + "\n");

        var (exitCode, _, error) = Run("--file", big);

        Assert.Equal(1, exitCode);
        Assert.Contains("is 4103 bytes; the SSM Standard tier allows at most 4096 bytes", error);
        Assert.Empty(Calls);

        var (advancedExit, _, advancedError) = Run("--file", big, "--tier", "Advanced");
        Assert.True(advancedExit == 0, advancedError);
        Assert.Contains("Advanced", Calls);
    }

    [Fact]
    public void Help_and_bad_arguments()
    {
        var (helpExit, helpOutput, _) = Run("--help");
        Assert.Equal(0, helpExit);
        Assert.Contains("--dry-run", helpOutput);

        var (badExit, _, badError) = Run("--bogus");
        Assert.Equal(2, badExit);
        Assert.Contains("unknown argument: --bogus", badError);
        Assert.Empty(Calls);
    }
}
