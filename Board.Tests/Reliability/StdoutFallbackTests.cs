using System.Net;
using System.Text.Json;
using Board.Tests.Otlp;

namespace Board.Tests.Reliability;

/// <summary>
/// StructuredLogging:Console:Fallback, with a real Board.Web and the project's receiver: stdout carries only what
/// OTLP could not take, so that every request's END entry is shipped once, on stdout or over OTLP, never both, and
/// every fallback line is counted.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class StdoutFallbackTests
{
    private static readonly Dictionary<string, string?> s_fallback = new()
    {
        ["StructuredLogging__Console__Fallback"] = "true",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
    };

    // A queue that fills within a few hundred requests, and an export that keeps retrying while the receiver is down.
    private static readonly Dictionary<string, string?> s_smallQueue = new(s_fallback)
    {
        ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "40",
        ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "10",
        ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "20000",
    };

    [Fact]
    public async Task With_the_receiver_up_stdout_carries_nothing_and_every_entry_goes_over_otlp()
    {
        const string prefix = "/reliability/fallback/up/";
        await using var run = await ReliabilityRun.StartAsync(s_fallback);
        using var client = run.CreateLoadClient(4);

        var sent = await ReliabilityRun.SendAsync(client, 200, 4, i => prefix + i);
        await run.WaitForReceivedEndsAsync(prefix, sent.Count, TimeSpan.FromSeconds(20));
        await run.StopGracefullyAsync();

        Assert.Empty(run.App.StandardOutput);
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), run.ReceivedEndPaths(prefix).Order(StringComparer.Ordinal));
        Assert.Empty(run.App.StandardError);
    }

    [Fact]
    public async Task A_slow_receiver_fills_the_queue_and_the_overflow_goes_to_stdout_once_each_and_counted()
    {
        const string prefix = "/reliability/fallback/slow/";
        await using var run = await ReliabilityRun.StartAsync(s_smallQueue);
        using var client = run.CreateLoadClient(4);

        run.Receiver.Mode = OtlpReceiverMode.Hang;
        var sent = await ReliabilityRun.SendAsync(client, 300, 4, i => prefix + i);
        await run.Receiver.WaitForHungRequestsAsync(1, TimeSpan.FromSeconds(10));
        run.Receiver.Mode = OtlpReceiverMode.Accept;

        await AssertEachEndShippedOnceAsync(run, prefix, sent);
    }

    [Fact]
    public async Task A_receiver_down_from_the_start_and_back_within_the_retry_window_loses_nothing()
    {
        const string prefix = "/reliability/fallback/down/";
        await using var run = await ReliabilityRun.StartAsync(s_smallQueue);
        using var client = run.CreateLoadClient(4);
        await run.Receiver.StopAsync();

        var down = await ReliabilityRun.SendAsync(client, 200, 4, i => prefix + "down/" + i);
        await run.Receiver.StartAsync();
        var up = await ReliabilityRun.SendAsync(client, 50, 4, i => prefix + "up/" + i);

        await AssertEachEndShippedOnceAsync(run, prefix, down.Concat(up).ToDictionary());
    }

    [Fact]
    public async Task A_receiver_stopped_in_the_middle_of_a_run_loses_nothing()
    {
        const string prefix = "/reliability/fallback/mid/";
        await using var run = await ReliabilityRun.StartAsync(s_smallQueue);
        using var client = run.CreateLoadClient(4);

        var before = await ReliabilityRun.SendAsync(client, 100, 4, i => prefix + "before/" + i);
        // The small queue may overflow to stdout even while the receiver is up.
        await WaitUntilAsync(
            () => run.ReceivedEndPaths(prefix + "before/").Count + run.StdoutEndPaths(prefix + "before/").Count >= before.Count,
            TimeSpan.FromSeconds(20));
        await run.Receiver.StopAsync();
        var down = await ReliabilityRun.SendAsync(client, 200, 4, i => prefix + "down/" + i);
        await run.Receiver.StartAsync();
        var after = await ReliabilityRun.SendAsync(client, 50, 4, i => prefix + "after/" + i);

        await AssertEachEndShippedOnceAsync(run, prefix, before.Concat(down).Concat(after).ToDictionary());
    }

    private static async Task AssertEachEndShippedOnceAsync(ReliabilityRun run, string prefix, IReadOnlyDictionary<string, HttpStatusCode> sent)
    {
        Assert.All(sent.Values, status => Assert.Equal(HttpStatusCode.NotFound, status));

        // Whatever OTLP queued arrives once the receiver accepts again; then the process stops and reports.
        await WaitUntilAsync(
            () => run.ReceivedEndPaths(prefix).Count + run.StdoutEndPaths(prefix).Count >= sent.Count,
            TimeSpan.FromSeconds(45));
        await run.StopGracefullyAsync();

        var stdout = run.StdoutRecords();
        Assert.All(stdout, line => Assert.True(line.TryGetProperty("log.fallback", out var f) && f.GetBoolean(), $"a stdout line without log.fallback: {line}"));

        var onStdout = run.StdoutEndPaths(prefix);
        var received = run.ReceivedEndPaths(prefix);
        Assert.Equal(onStdout.Count, onStdout.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(received.Count, received.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(onStdout.Intersect(received, StringComparer.Ordinal));
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), onStdout.Concat(received).Order(StringComparer.Ordinal));
        Assert.NotEmpty(onStdout);

        // Every fallback line is counted: the shutdown report (over OTLP, or itself on stdout) names them all.
        var totals = FallbackTotals(run).ToList();
        Assert.True(totals.Count > 0 || stdout.Count == 0, "stdout has fallback lines but no report counted them");
        Assert.Equal(stdout.Count(line => !IsFallbackReport(line)), totals.DefaultIfEmpty(0).Max());
        run.AssertStderrHasNoNoise();
    }

    private static IEnumerable<long> FallbackTotals(ReliabilityRun run) =>
        run.StdoutRecords().Where(IsFallbackReport).Select(r => ReliabilityRun.Number(r, "log.fallback.total") ?? 0)
            .Concat(run.Receiver.LogRecords
                .Where(r => r.Attribute("log.fallback.total") is not null)
                .Select(r => Convert.ToInt64(r.Attribute("log.fallback.total"), System.Globalization.CultureInfo.InvariantCulture)));

    private static bool IsFallbackReport(JsonElement line) => line.TryGetProperty("log.fallback.total", out _);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
