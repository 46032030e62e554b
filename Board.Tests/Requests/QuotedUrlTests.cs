using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

/// <summary>
/// A URL quoted in any record (a framework's "redirecting to ...", a Location or Destination field), held or written at
/// once, has its query pass through the rule of url.query, on stdout and over OTLP alike.
/// </summary>
public sealed class QuotedUrlTests
{
    private const string Canary = "tok-7f3a91c2";

    [Theory]
    [InlineData("/\u00e9?token=" + Canary, "/\u00e9?token=REDACTED")]
    [InlineData("https://board.example/b/news?page=2&token=" + Canary, "https://board.example/b/news?page=2&token=REDACTED")]
    [InlineData("~/Account/Login?ReturnUrl=%2F" + Canary, "~/Account/Login?ReturnUrl=REDACTED")]
    // A path as Request.Path decodes it (the cookie handler's ReturnUrl for /a%20b, /it%27s, /a%23b), or as
    // Uri.ToString() writes it, may hold a space, a quote or a '#'.
    [InlineData("/a b?token=" + Canary, "/a b?token=REDACTED")]
    [InlineData("/it's?token=" + Canary, "/it's?token=REDACTED")]
    [InlineData("/a#b?token=" + Canary, "/a#b?token=REDACTED")]
    [InlineData("https://board.example/my board?token=" + Canary, "https://board.example/my board?token=REDACTED")]
    [InlineData("[/x?token=" + Canary + "]", "[/x?token=REDACTED]")]
    public void A_url_in_a_message_or_a_field_keeps_only_allowed_values(string url, string expected)
    {
        using var harness = new LoggingHarness();
        harness.LoggerFactory.CreateLogger("Microsoft.AspNetCore.Mvc.Infrastructure.LocalRedirectResultExecutor")
            .LogInformation("Executing LocalRedirectResult, redirecting to {Destination}.", url);

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal(expected, line.Text("Destination"));
        Assert.Equal($"Executing LocalRedirectResult, redirecting to {expected}.", line.Text("message"));
        var record = Assert.Single(harness.Exported);
        Assert.Contains(record.Attributes!, a => a.Key == "Destination" && (string?)a.Value == expected);
        Assert.DoesNotContain(Canary, record.FormattedMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, harness.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_question_in_prose_and_a_url_inside_an_object_are_told_apart()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Is it done? {answer} {target}", "yes?", new Uri("http://board.example/x?secret=" + Canary));

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("yes?", line.Text("answer"));
        Assert.Equal("http://board.example/x?secret=REDACTED", line.Text("target"));
        Assert.StartsWith("Is it done? yes? ", line.Text("message"));
        Assert.DoesNotContain(Canary, harness.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_uri_whose_query_holds_an_encoded_space_is_redacted_in_its_field_and_in_the_message()
    {
        // Uri.ToString() decodes %20, and a space ends a quoted query: the Uri is written escaped, in both.
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Proxying to {Target}", new Uri("http://board.example/x?token=a%20" + Canary + "&page=2"));

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("http://board.example/x?token=REDACTED&page=2", line.Text("Target"));
        Assert.Equal("Proxying to http://board.example/x?token=REDACTED&page=2", line.Text("message"));
        Assert.DoesNotContain(Canary, harness.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_record_with_such_a_uri_is_written_without_the_token()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/fails", (ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Board.Tests.Proxy").LogDebug("Proxying to {Target}", new Uri("http://board.example/x?token=a%20" + Canary));
            return Results.StatusCode(500);
        }));
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var held = app.JsonLines().Single("message", "Proxying to http://board.example/x?token=REDACTED");
        Assert.True(held.GetProperty("log.buffered").GetBoolean());
        Assert.DoesNotContain(Canary, app.Stdout.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Records(), r => (r.Message ?? "").Contains(Canary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_held_framework_record_that_quotes_the_redirect_is_written_without_the_token()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/fails", (ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Board.Tests.Redirects").LogDebug("Redirecting to {Location}", "/next?token=" + Canary);
            return Results.StatusCode(500);
        }));
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var held = app.JsonLines().Single("message", "Redirecting to /next?token=REDACTED");
        Assert.True(held.GetProperty("log.buffered").GetBoolean());
        Assert.Contains(app.Records(), r => r.Message == "Redirecting to /next?token=REDACTED" && (string?)r["Location"] == "/next?token=REDACTED");
        Assert.DoesNotContain(Canary, app.Stdout.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Records(), r => (r.Message ?? "").Contains(Canary, StringComparison.Ordinal));
    }
}
