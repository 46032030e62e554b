using System.Collections.Concurrent;
using System.Text.Json;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Enrichment;

public sealed class ScopeTests
{
    private static Dictionary<string, object?> Fields(params (string Key, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public void A_scope_adds_its_fields_to_every_record_inside_it_and_to_none_outside()
    {
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginScope(Fields(("user.email", "ada@example.com"), ("board.id", 7))))
        {
            harness.Logger.LogInformation("first");
            harness.Logger.LogInformation("second");
        }

        harness.Logger.LogInformation("outside");

        var lines = harness.JsonLines();
        var inside = lines.Where(l => l.Text("message") is "first" or "second").ToList();
        Assert.Equal(2, inside.Count);
        Assert.All(inside, l =>
        {
            Assert.Equal("REDACTED", l.Text("user.email"));
            Assert.Equal(7, l.GetProperty("board.id").GetInt32());
        });
        Assert.False(lines.Single("message", "outside").Has("board.id"));
    }

    [Fact]
    public void Nested_scopes_merge_and_the_inner_value_wins_without_writing_a_key_twice()
    {
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginScope(Fields(("tenant", "outer"), ("board.id", 1))))
        using (harness.Logger.BeginScope(Fields(("tenant", "inner"), ("post.id", 2))))
        {
            harness.Logger.LogInformation("nested {post.id}", 99);
        }

        var line = harness.JsonLines().Single("message", "nested 99");
        Assert.Equal("inner", line.Text("tenant"));
        Assert.Equal(1, line.GetProperty("board.id").GetInt32());

        // The record's own value beats the scope's.
        Assert.Equal(99, line.GetProperty("post.id").GetInt32());
        AssertNoDuplicateNames(line);

        var exported = Assert.Single(harness.Exported, r => r.FormattedMessage == "nested 99");
        var keys = exported.Attributes!.Select(a => a.Key).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Equal("inner", exported.Attributes!.Single(a => a.Key == "tenant").Value);
    }

    [Fact]
    public void A_plain_string_scope_is_kept_as_text_not_dropped()
    {
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginScope("Importing batch 12"))
        using (harness.Logger.BeginScope("row 3"))
        {
            harness.Logger.LogInformation("imported");
        }

        var line = harness.JsonLines().Single("message", "imported");
        Assert.Equal("Importing batch 12 => row 3", line.Text("scope"));
        Assert.Contains(harness.Exported, r => r.Attributes!.Any(a => a.Key == "scope" && (string?)a.Value == "Importing batch 12 => row 3"));
    }

    [Fact]
    public void A_message_template_scope_gives_its_named_values()
    {
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginScope("Board {board.slug} page {page}", "welcome", 2))
        {
            harness.Logger.LogInformation("rendered");
        }

        var line = harness.JsonLines().Single("message", "rendered");
        Assert.Equal("welcome", line.Text("board.slug"));
        Assert.Equal(2, line.GetProperty("page").GetInt32());
        Assert.False(line.Has("{OriginalFormat}"));
    }

    [Fact]
    public async Task Scopes_flow_across_await_and_Task_Run()
    {
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginScope(Fields(("job.id", "j-1"))))
        {
            await Task.Yield();
            await Task.Delay(1);
            harness.Logger.LogInformation("after await");
            await Task.Run(() => harness.Logger.LogInformation("in Task.Run"));
        }

        var lines = harness.JsonLines();
        Assert.Equal("j-1", lines.Single("message", "after await").Text("job.id"));
        Assert.Equal("j-1", lines.Single("message", "in Task.Run").Text("job.id"));
    }

    [Fact]
    public async Task Scopes_and_request_context_do_not_leak_between_concurrent_requests()
    {
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapGet("/jobs/{n:int}", async (int n, ILogger<ScopeTests> logger) =>
            {
                using (logger.BeginScope(new Dictionary<string, object?> { ["work.n"] = n }))
                {
                    await Task.Delay(Random.Shared.Next(1, 10));
                    logger.LogInformation("working on {work.item}", n);
                    await Task.Run(async () =>
                    {
                        await Task.Delay(Random.Shared.Next(1, 10));
                        logger.LogInformation("background part of {work.item}", n);
                    });
                }

                return Results.Ok(n);
            }));
        using var client = app.CreateClient();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(n => client.GetAsync($"/jobs/{n}")));

        var appRecords = app.JsonLines().Where(l => l.Text("message")?.Contains("working on", StringComparison.Ordinal) == true
            || l.Text("message")?.StartsWith("background part", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(80, appRecords.Count);
        Assert.All(appRecords, l =>
        {
            var item = l.GetProperty("work.item").GetInt32();
            Assert.Equal(item, l.GetProperty("work.n").GetInt32());
            Assert.Equal($"/jobs/{item}", l.Text("url.path"));
        });
    }

    [Fact]
    public void BeginFields_adds_typed_fields_like_a_dictionary_scope()
    {
        using var harness = new LoggingHarness();

        using (harness.Logger.BeginFields(("board.id", 12), ("board.slug", "welcome")))
        {
            harness.Logger.LogInformation("inside fields");
        }

        var line = harness.JsonLines().Single("message", "inside fields");
        Assert.Equal(12, line.GetProperty("board.id").GetInt32());
        Assert.Equal("welcome", line.Text("board.slug"));
    }

    internal static void AssertNoDuplicateNames(JsonElement line)
    {
        var names = line.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
    }
}
