using Board.Tests.Collector;
using Board.Tests.Support;

namespace Board.Tests.Bench;

/// <summary>
/// The benchmark and reliability scripts refuse an argument that is not a count before they build or start
/// anything: a typo must not cost two builds and then die in a parser (or wait on a run of 10^11 seconds).
/// </summary>
public sealed class ScriptArgumentTests : IDisposable
{
    private static readonly string[] BadCounts = ["--help", "0", "-3", "1.5", "12abc", "1000000", "99999999999"];

    // Stand-ins for every program the scripts start once past their checks: should a check let a bad count
    // through, the script fails at once here instead of building and loading the machine.
    private readonly string _stubs = Directory.CreateTempSubdirectory("board-script-stubs").FullName;

    public ScriptArgumentTests()
    {
        foreach (var program in new[] { "dotnet", "wrk", "perf", "curl", "timeout", "mktemp" })
        {
            var path = Path.Combine(_stubs, program);
            File.WriteAllText(path, "#!/bin/sh\necho \"$0 was started\" >&2\nexit 97\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    /// <summary>Each script, the arguments before its counts (a mode), and how many counts it takes.</summary>
    public static TheoryData<string[], string[], int> Scripts => new()
    {
        { ["bench", "load.sh"], [], 2 },
        { ["bench", "paired.sh"], [], 2 },
        { ["bench", "soak.sh"], [], 1 },
        { ["bench", "steadiness.sh"], ["a"], 2 },
        { ["bench", "profile.sh"], ["c"], 1 },
        { ["bench", "peers", "run.sh"], [], 3 },
        { ["bench", "peers", "alloc.sh"], [], 1 },
        { ["scripts", "load-no-loss.sh"], [], 2 },
        { ["scripts", "collector-outage.sh"], [], 2 },
        { ["scripts", "disk-retry.sh"], [], 1 },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void A_value_that_is_not_a_count_stops_the_script_with_its_usage(string[] path, string[] leading, int counts)
    {
        var script = RepoFiles.PathOf(path);
        for (var position = 0; position < counts; position++)
        {
            foreach (var bad in BadCounts)
            {
                var args = leading.Concat(Enumerable.Range(0, counts).Select(i => i == position ? bad : "1"));
                var (exitCode, output, error) = BashScript.Run(script, args, _stubs);

                Assert.Equal(2, exitCode);
                Assert.Empty(output);
                Assert.StartsWith("usage: " + string.Join('/', path), error);
                Assert.Contains($"'{bad}' is not a whole number from 1 to 999999", error);
            }
        }
    }

    public void Dispose() => Directory.Delete(_stubs, recursive: true);
}
