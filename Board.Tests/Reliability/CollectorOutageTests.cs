using System.Net;
using System.Text;
using Board.Tests.Otlp;

namespace Board.Tests.Reliability;

/// <summary>
/// A collector that is down, then hangs, does not fail or slow requests into errors, and once it is back the
/// records flow again. What a refused export loses depends on the OTLP retry mode, shown here per mode.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CollectorOutageTests
{
    private const int Workers = 8;

    [Fact]
    public async Task Requests_keep_succeeding_while_the_collector_is_down_or_hangs_and_records_flow_again_after()
    {
        const string prefix = "/reliability/outage/";
        await using var run = await ReliabilityRun.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            // A hung export gives up after 2 s so that the outage phases stay short.
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2000",
        });
        using var client = run.CreateLoadClient(Workers);

        var before = await ReliabilityRun.SendAsync(client, 500, Workers, i => prefix + "before/" + i);

        await run.Receiver.StopAsync();
        var down = await ReliabilityRun.SendAsync(client, 1_500, Workers, i => prefix + "down/" + i);

        await run.Receiver.StartAsync();
        run.Receiver.Mode = OtlpReceiverMode.Hang;
        var hanging = await ReliabilityRun.SendAsync(client, 1_500, Workers, i => prefix + "hang/" + i);
        await run.Receiver.WaitForHungRequestsAsync(1, TimeSpan.FromSeconds(10));

        run.Receiver.Mode = OtlpReceiverMode.Accept;
        var after = await ReliabilityRun.SendAsync(client, 500, Workers, i => prefix + "after/" + i);

        Assert.All(new[] { before, down, hanging, after }, phase =>
            Assert.All(phase.Values, status => Assert.Equal(HttpStatusCode.NotFound, status)));
        Assert.Equal(4_000, before.Count + down.Count + hanging.Count + after.Count);

        // Records flow again: every END of the requests sent after the collector came back arrives.
        await run.WaitForReceivedEndsAsync(prefix + "after/", after.Count, TimeSpan.FromSeconds(30));

        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        await run.StopGracefullyAsync();

        // stdout never depended on the collector: every request has its END there.
        Assert.Equal(4_000, run.StdoutEndPaths(prefix).Count);
        run.AssertStderrHasNoNoise();
        Assert.Empty(run.App.StandardError);
    }

    public static TheoryData<string, string?, bool> RetryModes => new()
    {
        // Nothing set: Board's default (StructuredLogging:Otlp:Retry = InMemory) retries the refused batch.
        { "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", null, true },
        // Board's retry turned off: the SDK's own behaviour, no retry; a refused batch is lost.
        { "StructuredLogging__Otlp__Retry", "None", false },
        // The SDK variable, set explicitly: retried with backoff until the export timeout (10 s).
        { "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory", true },
    };

    [Theory]
    [MemberData(nameof(RetryModes))]
    public async Task A_burst_refused_by_the_collector_is_lost_or_recovered_depending_on_the_retry_mode(
        string variable, string? value, bool recovered)
    {
        var prefix = "/reliability/burst/" + (value ?? "unset") + "/";
        await using var run = await ReliabilityRun.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            [variable] = value,
        });
        using var client = run.CreateLoadClient(4);

        // Before the outage: records arrive.
        await ReliabilityRun.SendAsync(client, 10, 1, i => prefix + "before/" + i);
        await run.WaitForReceivedEndsAsync(prefix + "before/", 10, TimeSpan.FromSeconds(15));

        // The collector refuses (gRPC Unavailable, retryable) while a burst of K requests is served.
        const int burst = 50;
        run.Receiver.Mode = OtlpReceiverMode.Unavailable;
        var burstResponses = await ReliabilityRun.SendAsync(client, burst, 4, i => prefix + "burst/" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(burstResponses.Values, status => Assert.Equal(HttpStatusCode.NotFound, status));

        // Wait until every burst record was in a refused export, then let the collector accept again.
        await WaitUntilAsync(
            () => burstResponses.Keys.All(path => run.Receiver.Payloads.Any(p => !p.Accepted && Contains(p.Body, path))),
            TimeSpan.FromSeconds(15),
            "the burst's records were not all refused");
        await Task.Delay(TimeSpan.FromSeconds(1));
        run.Receiver.Mode = OtlpReceiverMode.Accept;

        await ReliabilityRun.SendAsync(client, 10, 1, i => prefix + "after/" + i);
        await run.WaitForReceivedEndsAsync(prefix + "after/", 10, TimeSpan.FromSeconds(20));
        if (recovered)
        {
            await run.WaitForReceivedEndsAsync(prefix + "burst/", burst, TimeSpan.FromSeconds(20));
        }

        await run.StopGracefullyAsync();

        var onStdout = run.StdoutEndPaths(prefix).ToHashSet(StringComparer.Ordinal);
        var received = run.ReceivedEndPaths(prefix).ToList();
        Assert.Equal(70, onStdout.Count);
        Assert.Equal(received.Count, received.Distinct(StringComparer.Ordinal).Count());

        // stdout has every END; the receiver lacks exactly the burst (no retry) or nothing (retry).
        var missing = onStdout.Except(received, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var expectedMissing = recovered ? [] : burstResponses.Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedMissing, missing);
        run.AssertStderrHasNoNoise();
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Within {timeout.TotalSeconds:0.#} s {failure}.");
            }

            await Task.Delay(50);
        }
    }
}
