using Board.Tests.Collector;
using Board.Tests.Support;

namespace Board.Tests.Bench;

/// <summary>
/// bench/paired.sh compares each mode's window with the (a) windows either side of it; its summary, fed hand-made
/// rows here, is the median and quartiles of those ratios, a 95% interval for the median, and the targets read on
/// that interval.
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
        // Four windows are too few for a 95% interval of the median.
        Assert.Equal(["c", "4", "0.82", "0.80-0.84", "-", "+3.8"], Fields(output, "c"));
        // (d): 0.70, 0.68, 0.80, 0.74; (b): 0.67, 0.60, 0.70, 0.74.
        Assert.Equal(["d", "4", "0.72", "0.70-0.74", "-", "+6.3"], Fields(output, "d"));
        Assert.Equal(["b", "4", "0.68", "0.67-0.70", "-", "+9.5"], Fields(output, "b"));
    }

    [Fact]
    public void With_too_few_windows_for_an_interval_the_targets_are_read_on_the_medians_and_ahead_means_strictly_ahead_in_the_same_cycle()
    {
        var (exitCode, output, _) = Summarize(FourCycles);

        Assert.Equal(0, exitCode);
        Assert.Contains("(c) >= 0.85 of (a): not met (median 0.820; too few windows for an interval)", output);
        Assert.Contains("(d) >= 0.70 of (a): met (median 0.720; too few windows for an interval)", output);

        // Cycle 4: (c) 0.70 behind (b)'s 0.74, and (d) level with it at 0.74, which is not ahead.
        Assert.Contains("(c) ahead of (b): in 3 of 4 cycles", output);
        Assert.Contains("(d) ahead of (b): in 3 of 4 cycles", output);
    }

    [Fact]
    public void The_interval_of_the_median_is_the_third_value_from_either_end_of_fourteen()
    {
        // (c) at 0.80, 0.81, ... 0.93 of (a), shuffled: P(at most 2 of 14 below the median) = 0.65% <= 2.5%, and
        // P(at most 3) = 2.9% is not, so the interval runs from the 3rd smallest (0.82) to the 3rd largest (0.91).
        var (exitCode, output, error) = Summarize(Windows("c", 0.86, 0.80, 0.93, 0.81, 0.92, 0.82, 0.91, 0.83, 0.90, 0.84, 0.89, 0.85, 0.88, 0.87));

        Assert.True(exitCode == 0, error);
        Assert.Equal(["c", "14", "0.86", "0.83-0.90", "0.82-0.91", "+2.0"], Fields(output, "c"));
        Assert.Contains("(c) >= 0.85 of (a): at the edge (median 0.865, 95% interval 0.820-0.910)", output);
    }

    [Theory]
    [InlineData(0.85, "met")]
    [InlineData(0.76, "not met")]
    [InlineData(0.80, "at the edge")]
    public void A_target_is_met_only_when_the_whole_interval_reaches_it_and_missed_only_when_the_whole_interval_falls_short(double lowest, string verdict)
    {
        // Six windows (the fewest with an interval) spread 0.01 apart from the lowest: the interval is all six.
        var ratios = Enumerable.Range(0, 6).Select(i => lowest + i * 0.01).ToArray();

        var (exitCode, output, error) = Summarize(Windows("c", ratios));

        Assert.True(exitCode == 0, error);
        Assert.Contains($"(c) >= 0.85 of (a): {verdict} (median", output);
    }

    [Fact]
    public void Runs_are_pooled_window_by_window_and_a_cycle_is_compared_with_b_only_within_its_own_run()
    {
        // Both runs number their cycles from 1. Run 1: (c) ahead of (b) in cycle 1; run 2: behind it in cycle 1.
        var first = Path.Combine(_temp, "first.txt");
        var second = Path.Combine(_temp, "second.txt");
        File.WriteAllText(first, "1 b 60000 24.0 100000 14.0\n1 c 90000 17.0 100000 14.0\n");
        File.WriteAllText(second, "1 b 70000 24.0 100000 14.0\n1 c 65000 17.0 100000 14.0\n");

        var (exitCode, output, error) = BashScript.Run(Script, ["--summarize", first, second]);

        Assert.True(exitCode == 0, error);
        Assert.Equal("2", Fields(output, "c")[1]);
        Assert.Contains("(c) ahead of (b): in 1 of 2 cycles", output);
    }

    [Fact]
    public void An_unreadable_or_empty_file_is_refused_with_a_reason()
    {
        var missing = BashScript.Run(Script, ["--summarize", Path.Combine(_temp, "absent.txt")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read", missing.Error);

        // One unreadable file among readable ones refuses the whole summary rather than pooling what is left.
        var readable = Path.Combine(_temp, "readable.txt");
        File.WriteAllText(readable, FourCycles + "\n");
        var partly = BashScript.Run(Script, ["--summarize", readable, Path.Combine(_temp, "absent.txt")]);
        Assert.Equal(2, partly.ExitCode);
        Assert.Contains("absent.txt", partly.Error);

        var none = BashScript.Run(Script, ["--summarize"]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("usage", none.Error);

        var empty = Summarize("");
        Assert.NotEqual(0, empty.ExitCode);
        Assert.Contains("no rows", empty.Error);
    }

    private static string Script => RepoFiles.PathOf("bench", "paired.sh");

    [Fact]
    public void A_row_that_is_not_a_measurement_is_refused_rather_than_read_as_a_ratio()
    {
        var (exitCode, _, error) = Summarize(FourCycles + "\n5 c -nan 20.0 90000 14.0\n5 d 60000 20.0 0.00 14.0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("line 13 is not a measurement: 5 c -nan", error);
        Assert.Contains("line 14 is not a measurement: 5 d 60000 20.0 0.00", error);
    }

    [Fact]
    public void The_interval_holds_for_more_windows_than_a_double_can_take_one_half_to_the_power_of()
    {
        // 1,200 windows of (c), ratios 0.001 to 1.200: the binomial ranks for n = 1200 are 566 and 635.
        var rows = string.Join("\n", Enumerable.Range(1, 1200).Select(i => $"{i} c {i} 20.0 1000 14.0"));

        var (exitCode, output, error) = Summarize(rows);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["c", "1200", "0.60", "0.30-0.90", "0.57-0.64", "+6.0"], Fields(output, "c"));
    }

    private (int ExitCode, string Output, string Error) Summarize(string rows)
    {
        var path = Path.Combine(_temp, "rows.txt");
        File.WriteAllText(path, rows + "\n");
        return BashScript.Run(Script, ["--summarize", path]);
    }

    // One window per ratio, each at 100k req/s of (a) and 2 µs of CPU per request over it.
    private static string Windows(string mode, params double[] ratios) => string.Join('\n', ratios.Select((ratio, i) =>
        FormattableString.Invariant($"{i + 1} {mode} {ratio * 100000:F0} 16.0 100000 14.0")));

    private static string[] Fields(string output, string mode)
    {
        var rows = output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[0] == mode)
            .ToList();
        Assert.True(rows.Count == 1, $"expected one summary row for mode {mode}:\n{output}");
        return rows[0];
    }
}
