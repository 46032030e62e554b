using Board.Tests.Collector;
using Board.Tests.Support;

namespace Board.Tests.Bench;

/// <summary>
/// bench/summarize.sh turns load.sh's raw rows into the verdict docs/performance.md reports: ratios to (a) of the
/// same round, the disturbed rounds, the targets. Fed hand-made results here, so every figure it prints is known.
/// </summary>
public sealed class LoadSummaryTests : IDisposable
{
    // round mode rps cpu_us writer_us jit_ms hwm_kb total served lines otlp at_stop p50 p99 (load.sh's results.txt)
    private const string ThreeRounds = """
        1 a 90000.00 14.0 0.00 0 160000 1350001 1350001 0 0 0 300.00us 1.50ms
        1 b 60000.00 24.0 0.00 0 164000 900001 900001 1800002 0 0 450.00us 1.60ms
        1 c 77400.00 18.0 0.70 0 168000 1161001 1161001 2322002 0 0 360.00us 3.00ms
        1 d 64800.00 21.0 0.71 0 216000 972001 972001 1944002 1944002 0 380.00us 3.10ms
        2 a 80000.00 15.0 0.00 0 160000 1200001 1200001 0 0 0 310.00us 1.55ms
        2 b 56000.00 23.0 0.00 0 164000 840001 840001 1680002 0 0 440.00us 1.50ms
        2 c 56000.00 25.0 0.90 0 168000 840001 840001 1680002 0 0 370.00us 1.40ms
        2 d 57600.00 20.5 0.72 0 216000 864001 864001 1728002 1728002 0 390.00us 3.00ms
        3 a 88000.00 14.2 0.00 0 160000 1320001 1320001 0 0 0 290.00us 1.60ms
        3 b 61600.00 23.5 0.00 0 164000 924001 924001 1848002 0 0 430.00us 1.70ms
        3 c 72160.00 18.5 0.72 0 168000 1082401 1082401 2164802 0 0 350.00us 1.28ms
        3 d 60500.00 21.2 0.70 0 216000 910801 910801 1821602 1821601 0 385.00us 1.05s
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("board-summary-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Every_figure_is_a_ratio_to_the_baseline_of_its_own_round()
    {
        var (exitCode, output, error) = Summarize(ThreeRounds);

        Assert.True(exitCode == 0, error);

        // Round 1, (c): 77,400 / 90,000 req/s; p50 360 / 300 µs; p99 3.00 / 1.50 ms; RSS 168 / 160 MB; 18.0 - 14.0 µs.
        Assert.Equal(["1", "c", "0.86", "1.20", "2.00", "1.05", "+4.0", "2.0000", "0.0000"], Row(output, "1", "c"));

        // Round 3's baseline is its own: 60,500 / 88,000; and a p99 in seconds is read as such (1.05 s / 1.60 ms).
        Assert.Equal(["3", "d", "0.69", "1.33", "656.25", "1.35", "+7.0", "2.0000", "2.0000"], Row(output, "3", "d"));
    }

    [Fact]
    public void A_mode_more_than_a_fifth_above_its_median_cpu_marks_its_round_and_the_targets_are_read_without_it()
    {
        var (exitCode, output, _) = Summarize(ThreeRounds);

        Assert.Equal(0, exitCode);

        // (c)'s CPU per request: 18.0, 25.0, 18.5; the median is 18.5, and 25.0 is 35% above it. The others are not.
        Assert.Equal("c*", Row(output, "2", "c")[1]);
        Assert.Equal("c", Row(output, "1", "c")[1]);
        Assert.Equal("a", Row(output, "2", "a")[1]);
        Assert.Contains("Targets read on the 2 rounds without one (1, 3).", output);

        // Round 2's (c) at 0.70 would have lowered the median; it is left out, as is round 2's (d) at 0.72.
        Assert.Contains("(c) >= 0.85 of (a): met in 1 of 2 rounds; median 0.84 (0.86 0.82)", output);
        Assert.Contains("(d) >= 0.70 of (a): met in 1 of 2 rounds; median 0.70 (0.72 0.69)", output);
        Assert.Contains("(c) ahead of (b): in 2 of 2 rounds", output);
        Assert.Contains("(d) ahead of (b): in 1 of 2 rounds", output);
    }

    [Fact]
    public void One_lost_record_in_any_round_disturbed_or_not_shows_in_the_exact_counts()
    {
        // Round 3's receiver got one record fewer than twice the requests served: 1,821,601 of 1,821,602.
        var (exitCode, output, _) = Summarize(ThreeRounds);

        Assert.Equal(0, exitCode);
        Assert.Contains("(c) exactly 2 stdout lines per request served: in 3 of 3 rounds", output);
        Assert.Contains("(d) exactly 2 stdout lines per request served: in 3 of 3 rounds; exactly 2 OTLP records: in 2 of 3", output);
    }

    [Fact]
    public void Several_runs_are_read_together_with_their_rounds_numbered_by_run()
    {
        var first = Write("first.txt", ThreeRounds);
        var second = Write("second.txt", ThreeRounds);

        var (exitCode, output, error) = BashScript.Run(Script, [first, second]);

        Assert.True(exitCode == 0, error);
        Assert.Equal(["2.3", "c", "0.82", "1.21", "0.80", "1.05", "+4.3", "2.0000", "0.0000"], Row(output, "2.3", "c"));
        Assert.Contains("Targets read on the 4 rounds without one (1.1, 1.3, 2.1, 2.3).", output);
    }

    [Fact]
    public void Without_the_baseline_mode_or_a_readable_file_it_says_why_and_fails()
    {
        var noBaseline = Summarize(string.Join('\n', ThreeRounds.Split('\n').Where(line => !line.Contains(" a ", StringComparison.Ordinal))));
        Assert.NotEqual(0, noBaseline.ExitCode);
        Assert.Contains("no mode a", noBaseline.Error);

        var missing = BashScript.Run(Script, [Path.Combine(_temp, "absent.txt")]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("cannot read", missing.Error);

        var empty = Summarize("round mode req/s\n");
        Assert.NotEqual(0, empty.ExitCode);
        Assert.Contains("no result rows", empty.Error);
    }

    private static string Script => RepoFiles.PathOf("bench", "summarize.sh");

    private (int ExitCode, string Output, string Error) Summarize(string results) =>
        BashScript.Run(Script, [Write("results.txt", results)]);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, content + "\n");
        return path;
    }

    private static string[] Row(string output, string round, string mode)
    {
        var rows = output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 9 && fields[0] == round && fields[1].TrimEnd('*') == mode)
            .ToList();
        Assert.True(rows.Count == 1, $"expected one row for round {round}, mode {mode}:\n{output}");
        return rows[0];
    }
}
