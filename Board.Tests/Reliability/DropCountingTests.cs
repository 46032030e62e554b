using System.Text.Json;
using Board.Tests.Otlp;
using Xunit.Abstractions;

namespace Board.Tests.Reliability;

/// <summary>
/// When the OTLP queue is full the OpenTelemetry batch processor drops records without a word; Board counts
/// each of them (board.logging.records.dropped, from the SDK's queue_full measurements) and reports them in a
/// periodic warning. The count must be exact: received + reported dropped = every record written.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DropCountingTests(ITestOutputHelper output)
{
    private const string Prefix = "/reliability/drop/";
    private const string DropWarning = "Log records were dropped since the last report";

    [Fact]
    public async Task Records_dropped_by_a_full_OTLP_queue_are_counted_exactly_and_reported()
    {
        await using var run = await ReliabilityRun.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "64",
            ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "64",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            // A hung export must not time out: a failed export is a loss the SDK does not count (see docs/reliability.md).
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "120000",
            ["StructuredLogging__DropReportInterval"] = "00:00:01",
        });

        run.Receiver.Mode = OtlpReceiverMode.Hang;
        using var client = run.CreateLoadClient(4);
        await ReliabilityRun.SendAsync(client, 20, 1, i => Prefix + "warmup/" + i);
        await run.Receiver.WaitForHungRequestsAsync(1, TimeSpan.FromSeconds(10));

        const int requests = 1_000;
        await ReliabilityRun.SendAsync(client, requests, 4, i => Prefix + i);

        // The collector comes back; the held export goes through, the queue drains, the warning is written.
        run.Receiver.Mode = OtlpReceiverMode.Accept;
        await run.App.WaitForOutputAsync(l => l.Contains(DropWarning, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        await run.StopGracefullyAsync();

        var records = run.StdoutRecords();
        var reports = records.Where(r => ReliabilityRun.Text(r, "message")?.StartsWith(DropWarning, StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal("Warning", ReliabilityRun.Text(r, "level")));

        var droppedPerReport = reports.Select(r => Field(r, "log.dropped.otlp")).ToList();
        var droppedTotal = reports.Max(r => Field(r, "log.dropped.otlp_total"));
        Assert.Equal(droppedTotal, droppedPerReport.Sum());
        Assert.Equal(0, reports.Max(r => Field(r, "log.dropped.stdout_total")));

        // A full queue really dropped records (1 000 requests write 2 000 entries against a queue of 64) ...
        Assert.True(droppedTotal > requests, $"Only {droppedTotal} records were reported dropped.");
        // ... and every record written to stdout either reached the receiver or was counted as dropped.
        var received = run.Receiver.LogRecords.Count;
        output.WriteLine($"stdout records {records.Count}, received {received}, dropped {droppedTotal} in {reports.Count} report(s): {string.Join(", ", droppedPerReport)}");
        Assert.True(
            received + droppedTotal == records.Count,
            $"stdout has {records.Count} records; the receiver got {received} and {droppedTotal} were reported dropped.");
        run.AssertStderrHasNoNoise();
    }

    private static long Field(JsonElement record, string name) =>
        ReliabilityRun.Number(record, name) ?? throw new Xunit.Sdk.XunitException($"The drop warning has no numeric {name}: {record}");
}
