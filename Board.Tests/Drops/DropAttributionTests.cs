using Board.ServiceDefaults.Drops;
using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Drops;

/// <summary>A record the stdout batch processor cannot queue is counted for stdout, and for no other sink.</summary>
public sealed class DropAttributionTests
{
    [Fact]
    public void A_full_stdout_queue_books_its_drops_to_stdout()
    {
        var stdout = new BlockingStream();
        using var harness = new LoggingHarness(
            new Dictionary<string, string?>
            {
                ["StructuredLogging:Console:MaxQueueSize"] = "4",
                ["StructuredLogging:Console:MaxExportBatchSize"] = "1",
                ["StructuredLogging:Console:ScheduledDelayMilliseconds"] = "1",
            },
            services: s => s.AddSingleton(new LogOutput(stdout)));
        harness.Start();
        var counter = harness.Services.GetRequiredService<DroppedRecordCounter>();
        harness.Logger.LogInformation("First");
        Assert.True(stdout.Entered.Wait(TimeSpan.FromSeconds(10)), "the exporter never wrote");

        // The exporter is stuck in its write: the queue holds four, the rest are dropped.
        for (var i = 0; i < 20; i++)
        {
            harness.Logger.LogInformation("Waiting {i}", i);
        }

        Assert.True(counter.StdoutDropped >= 16, $"{counter.StdoutDropped} dropped");
        Assert.Equal(0, counter.OtlpDropped);
        stdout.Release.Set();
        harness.Flush();

        // Every record is either on stdout or counted, once (the in-memory exporter got them all).
        Assert.Equal(harness.Exported.Count, stdout.Lines + counter.StdoutDropped);
    }

    private sealed class BlockingStream : WriteOnlyStream
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public int Lines { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
            Lines += buffer.AsSpan(offset, count).Count((byte)'\n');
        }
    }
}
