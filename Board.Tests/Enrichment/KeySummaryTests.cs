using Board.ServiceDefaults.Enrichment;
using Board.ServiceDefaults.Requests;
using Board.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Enrichment;

public sealed class KeySummaryTests
{
    // The END entry's own keys, as the enrichment receives them.
    private static readonly string[] s_endEntryKeys =
        [.. SampleEnd().Select(pair => pair.Key).Where(key => key != "{OriginalFormat}")];

    [Fact]
    public void A_key_that_was_included_is_never_reported_absent()
    {
        // The entries' keys, the request context's, Kestrel's scope, the exception fields and a thousand made-up ones.
        string[] keys =
        [
            .. s_endEntryKeys, "client.address", "request.id", "ConnectionId", "scope", "user.email",
            "exception.type", "exception.message", "exception.stacktrace", "x",
            .. Enumerable.Range(0, 1000).Select(i => $"field.{i}"),
        ];

        var summary = new KeySummary();
        for (var i = 0; i < keys.Length; i++)
        {
            summary.Include(keys[i]);
            for (var j = 0; j <= i; j++)
            {
                Assert.True(summary.MayContain(keys[j]), $"'{keys[j]}' reported absent after {i + 1} keys");
            }
        }
    }

    [Fact]
    public void The_request_context_keys_an_END_entry_lacks_and_the_personal_key_are_told_absent_without_a_search()
    {
        // What the summary is for: on an END entry these would otherwise each be searched for in the whole list.
        var end = KeySummary.Of(s_endEntryKeys);

        Assert.False(end.MayContain("client.address"));
        Assert.False(end.MayContain("request.id"));
        Assert.False(end.MayContain("ConnectionId"));
        Assert.False(end.MayContainAny(KeySummary.Of(["user.email"])));
        Assert.True(end.MayContainAny(KeySummary.Of(["user.email", "url.path"])));
    }

    [Fact]
    public void Keys_that_share_a_bit_are_still_told_apart_and_written_once()
    {
        var letters = Enumerable.Range('a', 26).Select(c => (char)c).ToArray();
        var collider = letters.SelectMany(first => letters.Select(last => $"{first}{last}"))
            .First(k => KeySummary.Of([k]).MayContain("tenant"));
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["tenant"] = "outer" }))
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { [collider] = "c", ["tenant"] = "inner" }))
        {
            harness.Logger.LogInformation("shared bit");
        }

        var line = harness.JsonLines().Single("message", "shared bit");
        Assert.Equal("inner", line.Text("tenant"));
        Assert.Equal("c", line.Text(collider));
        ScopeTests.AssertNoDuplicateNames(line);
    }

    private static RequestCompletedState SampleEnd() => new()
    {
        Method = "GET",
        Path = "/alive",
        Route = "/alive",
        StatusCode = 200,
        DurationMs = 1.5,
        ResponseSize = 7,
    };
}
