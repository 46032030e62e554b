using System.Diagnostics;
using System.Net;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;

namespace Board.Tests.Requests;

/// <summary>
/// A client's traceparent, tracestate and baggage are believed only from a proxy that ForwardedHeaders trusts: from
/// anyone else the request starts a trace of its own, in its START entry and in its server span alike.
/// </summary>
public sealed class TraceContextTests
{
    private const string ChosenTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ChosenSpanId = "b7ad6b7169203331";
    private const string Proxy = "10.0.0.5";
    private const string ForwardedClient = "203.0.113.9";

    private static readonly Dictionary<string, string?> s_trustsProxy = new() { ["StructuredLogging:ForwardedHeaders:KnownProxies:0"] = Proxy };

    [Theory]
    [InlineData(null, "198.51.100.20")]           // no proxy configured
    [InlineData(Proxy, "198.51.100.20")]          // a proxy configured, the peer another
    [InlineData(Proxy, "::ffff:198.51.100.20")]   // the same, as a dual-stack socket reports it
    public async Task An_untrusted_clients_trace_context_is_not_believed(string? proxy, string peer)
    {
        await using var app = await StartAsync(proxy is null ? null : s_trustsProxy);

        var (start, span, body) = await SendAsync(app, peer);

        Assert.NotEqual(ChosenTraceId, start.TraceId);
        Assert.NotEqual(ChosenTraceId, span.TraceId.ToHexString());
        Assert.Equal(start.TraceId, span.TraceId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
        Assert.Null(span.TraceStateString);
        Assert.Equal("|", body); // no baggage item reached the request
    }

    [Theory]
    [InlineData(Proxy)]
    [InlineData("::ffff:" + Proxy)]
    public async Task A_trusted_proxys_trace_context_is_kept(string peer)
    {
        await using var app = await StartAsync(s_trustsProxy);

        var (start, span, body) = await SendAsync(app, peer);

        Assert.Equal(ChosenTraceId, start.TraceId);
        Assert.Equal(ChosenTraceId, span.TraceId.ToHexString());
        Assert.Equal(ChosenSpanId, span.ParentSpanId.ToHexString());
        Assert.Equal("vendor=value", span.TraceStateString);
        Assert.Equal("chosen|chosen", body);
    }

    [Fact]
    public async Task A_trusted_proxy_that_passes_its_clients_headers_on_is_believed_for_the_client_address_only()
    {
        // An internet-facing load balancer: its X-Forwarded-For names the client, its traceparent is the client's.
        await using var app = await StartAsync(new(s_trustsProxy) { ["StructuredLogging:ForwardedHeaders:TrustTraceContext"] = "false" });

        var (start, span, body) = await SendAsync(app, Proxy);

        Assert.Equal(ForwardedClient, start["client.address"]);
        Assert.NotEqual(ChosenTraceId, start.TraceId);
        Assert.NotEqual(ChosenTraceId, span.TraceId.ToHexString());
        Assert.Equal(default, span.ParentSpanId);
        Assert.Equal("|", body);
    }

    private static Task<TestWebApp> StartAsync(Dictionary<string, string?>? settings) =>
        TestWebApp.StartAsync(
            a => a.MapGet("/traced", () => $"{Activity.Current?.GetBaggageItem("k")}|{Baggage.GetBaggage("k")}"),
            settings: settings);

    /// <summary>One GET /traced from <paramref name="peer"/> with a chosen trace context and baggage.</summary>
    private static async Task<(ExportedRecord Start, Activity Span, string Body)> SendAsync(TestWebApp app, string peer)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            c.Request.Method = "GET";
            c.Request.Path = "/traced";
            c.Request.Headers["traceparent"] = $"00-{ChosenTraceId}-{ChosenSpanId}-01";
            c.Request.Headers["tracestate"] = "vendor=value";
            c.Request.Headers["baggage"] = "k=chosen";
            c.Request.Headers["Request-Id"] = $"00-{ChosenTraceId}-{ChosenSpanId}-01";
            c.Request.Headers["X-Forwarded-For"] = ForwardedClient;
        });
        using var reader = new StreamReader(context.Response.Body);
        var body = await reader.ReadToEndAsync();

        var start = Assert.Single(app.Records(), r => r.EventName == "RequestStarted");
        return (start, await ServerSpanAsync(app), body);
    }

    private static async Task<Activity> ServerSpanAsync(TestWebApp app)
    {
        // The span ends after the response, once the host disposes the request. Every tracer provider in the process
        // hears every server activity, so the span is told from other tests' by its path.
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(10))
        {
            lock (app.Spans)
            {
                if (app.Spans.SingleOrDefault(s => s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == "/traced") is { } span)
                {
                    return span;
                }
            }
        }

        throw new Xunit.Sdk.XunitException("no server span was exported");
    }
}
