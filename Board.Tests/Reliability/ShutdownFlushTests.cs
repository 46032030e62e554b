using System.Net;

namespace Board.Tests.Reliability;

/// <summary>On SIGTERM Board.Web writes every pending record to stdout and exports it over OTLP before it exits.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ShutdownFlushTests
{
    [Fact]
    public async Task The_END_entry_of_the_last_request_reaches_stdout_and_the_receiver_on_SIGTERM()
    {
        // A minute between scheduled exports: only the shutdown flush can deliver the last record in time.
        await using var run = await ReliabilityRun.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "60000",
        });
        var path = "/reliability/last/" + Guid.NewGuid().ToString("N");

        using (var client = run.CreateLoadClient(1))
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await run.StopGracefullyAsync();

        Assert.Equal([path], run.StdoutEndPaths(path));
        Assert.Equal([path], run.ReceivedEndPaths(path));
        // The records written before the request (start-up) were flushed too: stdout and the receiver agree.
        Assert.Equal(run.StdoutRecords().Count, run.Receiver.LogRecords.Count);
        run.AssertStderrHasNoNoise();
    }
}
