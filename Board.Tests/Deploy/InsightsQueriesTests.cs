using System.Text.RegularExpressions;
using Board.Tests.Collector;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Deploy;

/// <summary>deploy/cloudwatch-insights-queries.md searches for what Board really writes.</summary>
public sealed class InsightsQueriesTests
{
    private static string Queries => RepoFiles.Read("deploy", "cloudwatch-insights-queries.md");

    [Fact]
    public void The_documented_user_hash_is_the_one_the_app_logs_for_that_key_and_email()
    {
        var example = Regex.Match(Queries, @"with the key `(?<key>[^`]+)`, `(?<email>[^`]+)` is logged as\s+`(?<hash>hmac:[0-9a-f]{24})`");
        Assert.True(example.Success, "the worked example of the hash is missing");

        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Redaction:HashKey"] = example.Groups["key"].Value,
        });
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["user.email"] = example.Groups["email"].Value }))
        {
            harness.Logger.LogInformation("signed in");
        }

        Assert.Equal(example.Groups["hash"].Value, harness.JsonLines().Single("message", "signed in").Text("user.email"));

        // The command lower-cases before hashing, keeps 24 hex digits, and both queries search for the hash.
        Assert.Contains("tr '[:upper:]' '[:lower:]' | openssl dgst -sha256 -hmac \"$key\"", Queries);
        Assert.Contains("substr($NF, 1, 24)", Queries);
        Assert.Contains($"filter user.email = \"{example.Groups["hash"].Value}\"", Queries);
        Assert.Contains($"filter attributes.user.email = \"{example.Groups["hash"].Value}\"", Queries);
    }

    [Fact]
    public void The_stdout_error_query_counts_every_level_above_warning()
    {
        // The JSON line's level names (JsonLineFormatter): Critical is above Error and must not be missed.
        Assert.Contains("filter level in [\"Error\", \"Critical\"]", Queries);
        Assert.DoesNotContain("level = \"Error\"", Queries);
    }

    [Fact]
    public async Task The_client_address_queries_count_one_record_per_request_and_each_names_the_client()
    {
        var section = Queries[Queries.IndexOf("## Top client addresses", StringComparison.Ordinal)..];
        var stdout = Regex.Match(section, @"stdout:\s*```\s*filter (?<field>[\w.]+) = ""(?<value>[^""]+)""\s*\| stats count\(\*\) as requests by (?<by>[\w.]+)");
        var collector = Regex.Match(section, @"collector:\s*```\s*filter ispresent\(attributes\.(?<field>[\w.]+)\)\s*\| stats count\(\*\) as requests by attributes\.(?<by>[\w.]+)");
        Assert.True(stdout.Success && collector.Success, "the client address queries are not in the shape this test reads");

        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/hello", () => "hi"));
        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using (await client.GetAsync("/hello")) { }
        }

        // The stdout line and the OTLP record the collector turns into an event (it deletes only the template and ConnectionId).
        var lines = app.JsonLines().Where(l => l.Text(stdout.Groups["field"].Value) == stdout.Groups["value"].Value).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, line => Assert.True(line.Has(stdout.Groups["by"].Value)));
        var records = app.Records().Where(r => r.Attributes.ContainsKey(collector.Groups["field"].Value)).ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, record => Assert.NotNull(record[collector.Groups["by"].Value]));
    }
}
