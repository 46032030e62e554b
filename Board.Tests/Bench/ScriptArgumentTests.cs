using Board.Tests.Collector;
using Board.Tests.Support;

namespace Board.Tests.Bench;

/// <summary>
/// The benchmark and reliability scripts refuse an argument that is not a count before they build or start
/// anything: a typo must not cost two builds and then die in a parser (or wait on a run of 10^11 seconds).
/// </summary>
public sealed class ScriptArgumentTests
{
    public static TheoryData<string[], string> Scripts => new()
    {
        { ["bench", "load.sh"], "" },
        { ["bench", "paired.sh"], "" },
        { ["bench", "soak.sh"], "" },
        { ["bench", "steadiness.sh"], "a" },
        { ["bench", "profile.sh"], "c" },
        { ["scripts", "load-no-loss.sh"], "" },
        { ["scripts", "collector-outage.sh"], "" },
        { ["scripts", "disk-retry.sh"], "" },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void A_value_that_is_not_a_count_stops_the_script_with_its_usage(string[] path, string mode)
    {
        var script = RepoFiles.PathOf(path);
        foreach (var bad in new[] { "--help", "0", "-3", "1.5", "12abc", "1000000", "99999999999" })
        {
            string[] args = mode.Length == 0 ? [bad] : [mode, bad];
            var (exitCode, output, error) = BashScript.Run(script, args);

            Assert.Equal(2, exitCode);
            Assert.Empty(output);
            Assert.StartsWith("usage: " + string.Join('/', path), error);
            Assert.Contains($"'{bad}' is not a whole number from 1 to 999999", error);
        }
    }
}
