using System.Collections.Concurrent;
using System.Diagnostics;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Board.Tests.Requests;

/// <summary>
/// A client's text of any length is cut at StructuredLogging:MaxValueLength in every sink alike (stdout, the exported
/// record, the server span), and redaction never makes a value longer than the bound.
/// </summary>
public sealed class ValueBoundTests
{
    private const int Bound = 4096;

    [Fact]
    public async Task A_long_path_and_user_agent_are_cut_alike_on_stdout_in_the_record_and_in_the_span()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = Spans(spans, "/long/");
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/long/{*rest}", () => "ok"));
        using var client = app.CreateClient();
        var path = "/long/" + new string('p', 5000) + "CANARY-PATH";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("User-Agent", new string('u', 5000) + "CANARY-AGENT");
        using (await client.SendAsync(request)) { }
        app.Flush();

        var start = app.JsonLines().Single("event_name", "RequestStarted");
        var record = Assert.Single(app.Records(), r => r.EventName == "RequestStarted");
        var span = Assert.Single(spans);
        foreach (var key in new[] { "url.path", "user_agent.original" })
        {
            var line = start.Text(key)!;
            Assert.Equal(Bound, line.Length);
            Assert.EndsWith(Board.ServiceDefaults.Sinks.TextSanitizer.TruncationMarker, line);
            Assert.Equal(line, record[key]);
            Assert.Equal(line, span.GetTagItem(key));
        }

        Assert.DoesNotContain("CANARY", app.Stdout.Text, StringComparison.Ordinal);
        Assert.True(start.Text("message")!.Length <= Bound);
    }

    [Fact]
    public async Task A_long_host_and_a_long_unknown_method_are_cut_in_the_span_as_in_the_record()
    {
        // Kestrel takes a Host of any length within its header limits, and any token as a method; the instrumentation
        // keeps an unknown method in http.request.method_original.
        await using var app = await TestWebApp.StartAsync(a => a.Map("/long-host", () => "ok"), kestrel: true);
        using var client = app.CreateClient();
        foreach (var request in new[]
        {
            $"GET /long-host HTTP/1.1\r\nHost: {new string('h', 5000)}CANARY-HOST\r\nConnection: close\r\n\r\n",
            $"{new string('M', 5000)}CANARYMETHOD /long-host HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        })
        {
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(client.BaseAddress!.Host, client.BaseAddress.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
            using var reader = new StreamReader(stream);
            Assert.Equal("HTTP/1.1 200 OK", await reader.ReadLineAsync());
            await reader.ReadToEndAsync();
        }

        var records = app.Records().Where(r => r.EventName == "RequestStarted").ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal(Bound, ((string)records[0]["server.address"]!).Length);
        Assert.Equal(Bound, ((string)records[1]["http.request.method"]!).Length);
        List<Activity> spans;
        lock (app.Spans)
        {
            spans = [.. app.Spans.Where(s => s.GetTagItem("url.path") as string == "/long-host")];
        }

        Assert.Equal(2, spans.Count);
        foreach (var span in spans)
        {
            Assert.All(span.TagObjects, tag => Assert.True(tag.Value is not string text || text.Length <= Bound, $"{tag.Key} is {(tag.Value as string)?.Length} characters"));
            Assert.DoesNotContain("CANARY", span.DisplayName, StringComparison.Ordinal);
        }

        Assert.Equal(records[0]["server.address"], spans.Single(s => s.GetTagItem("http.request.method") as string == "GET").GetTagItem("server.address"));
        Assert.Equal(records[1]["http.request.method"], spans.Single(s => s.GetTagItem("http.request.method") as string == "_OTHER").GetTagItem("http.request.method_original"));
    }

    [Fact]
    public async Task A_query_of_empty_pairs_is_not_made_longer_and_stays_within_the_bound()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = Spans(spans, "/bounded-query");
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/bounded-query", () => "ok"));
        using var client = app.CreateClient();
        var query = string.Concat(Enumerable.Repeat("=&", 4000));
        using (await client.GetAsync("/bounded-query?" + query)) { }
        app.Flush();

        var logged = app.JsonLines().Single("event_name", "RequestStarted").Text("url.query")!;
        Assert.True(logged.Length <= Bound, $"url.query is {logged.Length} characters");
        Assert.StartsWith("=&=&", logged);
        var spanQuery = (string)Assert.Single(spans).GetTagItem("url.query")!;
        Assert.Equal(logged, spanQuery);
    }

    [Fact]
    public void A_bare_question_mark_gives_the_span_no_query_and_the_enrich_hook_does_not_throw()
    {
        // "GET /x?" has a query string of "?" alone, which the redactor gives back as no query.
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Path = "/x";
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?");
        using var activity = new Activity("test");

        new Board.ServiceDefaults.Requests.TraceUrls(new Board.ServiceDefaults.Requests.QueryStringRedactor(["p"]), Bound).OnIncoming(activity, context.Request);

        Assert.Null(activity.GetTagItem("url.query"));
    }

    // Every test's server spans pass the listener: only those of this test's path are kept.
    private static ActivityListener Spans(ConcurrentBag<Activity> spans, string pathPrefix)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((activity.GetTagItem("url.path") as string)?.StartsWith(pathPrefix, StringComparison.Ordinal) == true)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
