using Board.Tests.Collector;
using Board.Tests.Support;

namespace Board.Tests.Bench;

/// <summary>
/// bench/paired.sh compares each mode's window with the (a) windows either side of it; its summary, fed hand-made
/// rows here, is the median and quartiles of those ratios and the targets read on the medians.
/// </summary>
public sealed class PairedSummaryTests : IDisposable
{
    // cycle mode rps cpu_us baseline_rps baseline_cpu_us
    private const string FourCycles = """
        1 b 60000 24.0 90000 14.0
        1 c 72000 18.0 90000 14.0
        1 d 63000 20.0 90000 14.0
        2 b 54000 25.0 90000 14.0
        2 c 81000 17.0 90000 14.0
        2 d 61200 21.0 90000 14.0
        3 b 63000 23.0 90000 14.0
        3 c 75600 17.6 90000 14.0
        3 d 72000 19.0 90000 14.0
        4 b 66600 22.0 90000 14.0
        4 c 63000 20.5 90000 14.0
        4 d 66600 20.6 90000 14.0
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("board-paired-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Each_mode_gets_the_median_and_quartiles_of_its_ratios_and_of_its_extra_cpu()
    {
        var (exitCode, output, error) = Summarize(FourCycles);

        Assert.True(exitCode == 0, error);

        // (c): 0.80, 0.90, 0.84, 0.70 of (a), so a median of 0.82 between 0.80 and 0.84; CPU +4.0, +3.0, +3.6, +6.5.
        Assert.Equal(["c", "4", "0.82", "0.80-0.84", "+3.8"], Fields(output, "c"));
        // (d): 0.70, 0.68, 0.80, 0.74; (b): 0.67, 0.60, 0.70, 0.74.
        Assert.Equal(["d", "4", "0.72", "0.70-0.74", "+6.3"], Fields(output, "d"));
        Assert.Equal(["b", "4", "0.68", "0.67-0.70", "+9.5"], Fields(output, "b"));
    }

    [Fact]
    public void The_targets_are_read_on_the_medians_and_ahead_means_strictly_ahead_in_the_same_cycle()
    {
        var (exitCode, output, _) = Summarize(FourCycles);

        Assert.Equal(0, exitCode);
        Assert.Contains("(c) >= 0.85 of (a): not met (median 0.82)", output);
        Assert.Contains("(d) >= 0.70 of (a): met (median 0.72)", output);

        // Cycle 4: (c) 0.70 behind (b)'s 0.74, and (d) level with it at 0.74, which is not ahead.
        Assert.Contains("(c) ahead of (b): in 3 of 4 cycles", output);
        Assert.Contains("(d) ahead of (b): in 3 of 4 cycles", output);
    }

    [Fact]
    public void An_unreadable_or_empty_file_is_refused_with_a_reason()
    {
        var missing = BashScript.Run(Script, ["--summarize", Path.Combine(_temp, "absent.txt")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read", missing.Error);

        var empty = Summarize("");
        Assert.NotEqual(0, empty.ExitCode);
        Assert.Contains("no rows", empty.Error);
    }

    private static string Script => RepoFiles.PathOf("bench", "paired.sh");

    private (int ExitCode, string Output, string Error) Summarize(string rows)
    {
        var path = Path.Combine(_temp, "rows.txt");
        File.WriteAllText(path, rows + "\n");
        return BashScript.Run(Script, ["--summarize", path]);
    }

    private static string[] Fields(string output, string mode)
    {
        var rows = output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 5 && fields[0] == mode)
            .ToList();
        Assert.True(rows.Count == 1, $"expected one summary row for mode {mode}:\n{output}");
        return rows[0];
    }
}
