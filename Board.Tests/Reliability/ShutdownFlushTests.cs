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

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Every_END_entry_of_a_load_reaches_the_receiver_when_SIGTERM_follows_it(string protocol)
    {
        // Exports run every second during the load, so one is under way when SIGTERM comes; the final ones run while
        // the host is being disposed. None may depend on anything disposed before them, such as the application's
        // HttpClient factory, which the exporter must not take its client from.
        await using var run = await ReliabilityRun.StartAsync(protocol: protocol);
        using var client = run.CreateLoadClient(16);
        var prefix = "/reliability/burst/" + Guid.NewGuid().ToString("N") + "/";

        var responses = await ReliabilityRun.SendAsync(client, total: 6000, workers: 16, i => prefix + i);
        await run.StopGracefullyAsync();

        Assert.Equal(6000, responses.Count);
        var written = run.StdoutEndPaths(prefix);
        Assert.Equal(6000, written.Count);
        var received = run.ReceivedEndPaths(prefix);
        Assert.True(written.Count == received.Count, $"{written.Count - received.Count} END records written to stdout did not reach the receiver");
        Assert.Equal(written.Order(), received.Order());
    }
}
