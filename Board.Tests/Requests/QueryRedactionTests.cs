using System.Collections.Concurrent;
using System.Diagnostics;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Board.Tests.Requests;

/// <summary>
/// The allow-list rule holds in every place a request's URL is logged: the START entry, the framework's own request
/// entries when they are kept, and the server span's <c>url.query</c>, even with the instrumentation's redaction off.
/// </summary>
public sealed class QueryRedactionTests
{
    private const string Canary = "QRYCANARY7f3a";

    [Fact]
    public async Task The_start_entry_shows_allowed_values_and_no_other()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/q", () => "ok"));
        using var client = app.CreateClient();

        (await client.GetAsync($"/q?page=2&pwd={Canary}&ReturnUrl=%2Fx%3Ftoken%3D{Canary}&{Canary}")).EnsureSuccessStatusCode();

        var start = Assert.Single(app.Records(), r => r.EventName == "RequestStarted");
        Assert.Equal("page=2&pwd=REDACTED&ReturnUrl=REDACTED&REDACTED", start["url.query"]);
        Assert.DoesNotContain(Canary, app.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kept_framework_request_entries_follow_the_same_rule()
    {
        var settings = new Dictionary<string, string?>
        {
            ["StructuredLogging:Requests:KeepFrameworkRequestEntries"] = "true",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        };
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/q", () => "ok"), settings);
        using var client = app.CreateClient();

        (await client.GetAsync($"/q?p=3&accessToken={Canary}")).EnsureSuccessStatusCode();

        var framework = app.Records().Where(r => r.Category == "Microsoft.AspNetCore.Hosting.Diagnostics").ToList();
        Assert.NotEmpty(framework);
        Assert.All(framework, r => Assert.DoesNotContain(Canary, r.Message ?? "", StringComparison.Ordinal));
        Assert.Contains(framework, r => (r.Message ?? "").Contains("?p=3&accessToken=REDACTED", StringComparison.Ordinal));
        Assert.DoesNotContain(Canary, app.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_span_follows_the_same_rule_even_with_the_instrumentations_redaction_off()
    {
        var queries = new ConcurrentBag<string?>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("url.path") as string == "/span-query")
                {
                    queries.Add(activity.GetTagItem("url.query") as string);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var settings = new Dictionary<string, string?> { ["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true" };
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/span-query", () => "ok"), settings);
        using var client = app.CreateClient();

        (await client.GetAsync($"/span-query?page=1&jwt={Canary}&{Canary}")).EnsureSuccessStatusCode();
        app.Flush();

        Assert.Equal("page=1&jwt=REDACTED&REDACTED", Assert.Single(queries));
    }
}

/// <summary>An outgoing call's span: <c>url.full</c> follows the same rule as every other URL Board writes.</summary>
public sealed class OutgoingUrlTests
{
    [Fact]
    public async Task An_HttpClient_spans_url_full_keeps_only_allowed_values_and_no_user_info()
    {
        var urls = new System.Collections.Concurrent.ConcurrentBag<string?>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => urls.Add(activity.GetTagItem("url.full") as string),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var app = await Board.Tests.Support.TestWebApp.StartAsync(a => a.MapGet("/unused", () => "ok"));
        using var client = new HttpClient();

        // Nothing listens on port 1: the call fails, and its span still ends with the URL it asked for.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("http://user:secret-password@127.0.0.1:1/outgoing?page=2&token=outgoing-canary"));

        var url = Assert.Single(urls, u => u?.Contains("/outgoing", StringComparison.Ordinal) == true);
        Assert.Equal("http://127.0.0.1:1/outgoing?page=2&token=REDACTED", url);
    }
}
