using System.Text.Json;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

public sealed class RequestEntryTests : IAsyncLifetime
{
    private const string Category = "Board.Requests";
    private TestWebApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestWebApp.StartAsync(app =>
        {
            app.MapGet("/items/{id:int}", (int id) => Results.Text($"item {id}"));
            app.MapGet("/sized", (HttpContext context) =>
            {
                context.Response.ContentLength = 5;
                return context.Response.WriteAsync("hello");
            });
            app.MapGet("/missing", () => Results.NotFound());
            app.MapGet("/broken", () => Results.StatusCode(503));
            app.MapGet("/redirect", () => Results.Redirect("/items/1"));
        });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Start_entry_carries_the_request_under_semantic_convention_names()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items/7?token=s3cr3t&page=2");
        request.Headers.UserAgent.ParseAdd("BoardTest/1.0");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var start = Assert.Single(_app.Records(), r => r.EventName == "RequestStarted");
        Assert.Equal(Category, start.Category);
        Assert.Equal(LogLevel.Information, start.Level);
        Assert.Equal("Incoming GET request to /items/7", start.Message);
        Assert.Equal("GET", start["http.request.method"]);
        Assert.Equal("/items/7", start["url.path"]);
        Assert.Equal("token=REDACTED&page=2", start["url.query"]);
        Assert.Equal("http", start["url.scheme"]);
        Assert.Equal("localhost", start["server.address"]);
        Assert.Equal("BoardTest/1.0", start["user_agent.original"]);
        Assert.Equal("1.1", start["network.protocol.version"]);
        Assert.True(start.Attributes.ContainsKey("client.address"));
        Assert.True(start.Attributes.ContainsKey("network.peer.address"));
        Assert.Equal("Incoming {http.request.method} request to {url.path}", start["{OriginalFormat}"]);
        Assert.DoesNotContain("s3cr3t", _app.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task End_entry_carries_status_route_and_duration_in_milliseconds()
    {
        using var client = _app.CreateClient();
        (await client.GetAsync("/items/42")).EnsureSuccessStatusCode();

        var end = Assert.Single(_app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal(LogLevel.Information, end.Level);
        Assert.Equal(200, end["http.response.status_code"]);
        Assert.Equal("/items/{id:int}", end["http.route"]);
        Assert.Equal("/items/42", end["url.path"]);
        Assert.Null(end["http.request.aborted"]);
        var duration = Assert.IsType<double>(end["duration_ms"]);
        Assert.InRange(duration, 0.0001, 60_000);
        Assert.Matches(@"^GET /items/42 completed with status 200$", end.Message);
    }

    [Fact]
    public async Task End_entry_has_the_response_length_when_it_is_known()
    {
        using var client = _app.CreateClient();
        (await client.GetAsync("/sized")).EnsureSuccessStatusCode();

        var end = Assert.Single(_app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal(5L, end["http.response.body.size"]);
    }

    [Fact]
    public async Task Every_request_gets_exactly_one_start_and_one_end_sharing_a_trace_id()
    {
        using var client = _app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            (await client.GetAsync($"/items/{i}")).EnsureSuccessStatusCode();
        }

        var records = _app.Records();
        var starts = records.Where(r => r.EventName == "RequestStarted").ToList();
        var ends = records.Where(r => r.EventName == "RequestCompleted").ToList();
        Assert.Equal(5, starts.Count);
        Assert.Equal(5, ends.Count);
        Assert.All(starts, s => Assert.NotNull(s.TraceId));
        Assert.Equal(starts.Select(s => s.TraceId).Order(), ends.Select(e => e.TraceId).Order());
        Assert.Equal(5, starts.Select(s => s.TraceId).Distinct().Count());
    }

    [Theory]
    [InlineData("/items/1", "Information")]
    [InlineData("/redirect", "Information")]
    [InlineData("/missing", "Warning")]
    [InlineData("/broken", "Error")]
    public async Task End_level_follows_the_status(string path, string level)
    {
        using var client = _app.CreateClient();
        await client.GetAsync(path);

        var end = Assert.Single(_app.JsonLines(), l => l.Text("event_name") == "RequestCompleted" && l.Text("url.path") == path);
        Assert.Equal(level, end.Text("level"));
    }

    [Fact]
    public async Task Stdout_and_exporter_carry_the_same_fields_with_the_same_values()
    {
        using var client = _app.CreateClient();
        (await client.GetAsync("/items/3?code=abc")).EnsureSuccessStatusCode();

        var lines = _app.JsonLines();
        var records = _app.Records();
        Assert.Contains(records, r => r.EventName == "RequestStarted");
        Assert.Contains(records, r => r.EventName == "RequestCompleted");
        foreach (var record in records)
        {
            var line = Assert.Single(lines, l => l.Text("message") == record.Message);
            // Every field but those the line leaves out by default (they travel over OTLP only).
            foreach (var (key, value) in record.Attributes.Where(a => a.Key != "{OriginalFormat}" && !new Board.ServiceDefaults.JsonLineOptions().OmitFields.Contains(a.Key)))
            {
                Assert.True(line.TryGetProperty(key, out var written), $"stdout line lacks '{key}': {line}");
                Assert.Equal(Normalise(value), Normalise(written));
            }
        }
    }

    private static string? Normalise(object? value) => value switch
    {
        null => null,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement e => e.GetRawText(),
        double d => JsonSerializer.Serialize(d),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
