using System.Net;

namespace Board.Tests.Reliability;

/// <summary>
/// At saturation on 127.0.0.1 no record is lost: every response the client counted has exactly one END entry
/// on stdout and one END record at the OTLP receiver, and every stdout line is one JSON object.
/// </summary>
/// <remarks>
/// The load goes to unique 404 paths (/reliability/load/{n}): cheap (the status page is re-executed, no
/// database), logged by default (unlike /alive), and unique, so each END entry is matched to its request.
/// </remarks>
[Collection(ReliabilityCollection.Name)]
public sealed class NoLossUnderLoadTests
{
    private const string Prefix = "/reliability/load/";
    private const int Requests = 6_000;
    private const int Workers = 16;

    [Fact]
    public async Task Every_response_has_one_END_entry_on_stdout_and_at_the_receiver()
    {
        await using var run = await ReliabilityRun.StartAsync();
        using var client = run.CreateLoadClient(Workers);

        var responses = await ReliabilityRun.SendAsync(client, Requests, Workers, i => Prefix + i);

        Assert.Equal(Requests, responses.Count);
        Assert.All(responses.Values, status => Assert.Equal(HttpStatusCode.NotFound, status));

        await run.WaitForReceivedEndsAsync(Prefix, Requests, TimeSpan.FromSeconds(30));
        await run.StopGracefullyAsync();

        var expected = responses.Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, run.StdoutEndPaths(Prefix).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected, run.ReceivedEndPaths(Prefix).Order(StringComparer.Ordinal).ToList());

        // Nothing was dropped, so nothing was reported as dropped.
        Assert.DoesNotContain(run.StdoutRecords(), r => ReliabilityRun.Text(r, "message")?.StartsWith("Log records were dropped", StringComparison.Ordinal) == true);
        run.AssertStderrHasNoNoise();
        Assert.Empty(run.App.StandardError);
    }
}
