using System.Net;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Board.Tests.Requests;

public sealed class ForwardedHeadersTests
{
    private static async Task<ExportedRecord> StartEntryFrom(TestWebApp app, string peer, string? forwardedFor)
    {
        await app.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            context.Request.Method = "GET";
            context.Request.Path = "/who";
            if (forwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = forwardedFor;
                context.Request.Headers["X-Forwarded-Proto"] = "https";
            }
        });
        return Assert.Single(app.Records(), r => r.EventName == "RequestStarted");
    }

    [Fact]
    public async Task Forwarded_for_is_ignored_when_no_proxy_is_configured()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/who", () => "me"));

        var start = await StartEntryFrom(app, "198.51.100.20", "203.0.113.7");

        Assert.Equal("198.51.100.20", start["client.address"]);
        Assert.Equal("198.51.100.20", start["network.peer.address"]);
        Assert.Equal("http", start["url.scheme"]);
    }

    [Fact]
    public async Task Forwarded_for_from_an_untrusted_peer_is_ignored_even_when_a_proxy_is_configured()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", () => "me"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:ForwardedHeaders:KnownProxies:0"] = "10.0.0.5" });

        var start = await StartEntryFrom(app, "198.51.100.20", "203.0.113.7");

        Assert.Equal("198.51.100.20", start["client.address"]);
    }

    [Fact]
    public async Task Forwarded_for_from_a_known_proxy_sets_the_client_and_keeps_the_proxy_as_peer()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", () => "me"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:ForwardedHeaders:KnownProxies:0"] = "10.0.0.5" });

        var start = await StartEntryFrom(app, "10.0.0.5", "203.0.113.7");

        Assert.Equal("203.0.113.7", start["client.address"]);
        Assert.Equal("10.0.0.5", start["network.peer.address"]);
        Assert.Equal("https", start["url.scheme"]);
        // The END entry names no client: the START entry does, and request.id joins the two.
        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Null(end["client.address"]);
        Assert.Equal(start["request.id"], end["request.id"]);
    }

    [Fact]
    public async Task A_known_network_such_as_a_load_balancer_subnet_is_trusted()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", () => "me"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/16" });

        var start = await StartEntryFrom(app, "10.0.3.9", "203.0.113.7");

        Assert.Equal("203.0.113.7", start["client.address"]);
        Assert.Equal("10.0.3.9", start["network.peer.address"]);
    }

    [Fact]
    public async Task Only_one_hop_is_unwound_by_default_so_a_client_cannot_forge_an_earlier_hop()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", () => "me"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/16" });

        // The client sent "X-Forwarded-For: 1.2.3.4" itself; the load balancer appended the real client.
        var start = await StartEntryFrom(app, "10.0.3.9", "1.2.3.4, 203.0.113.7");

        Assert.Equal("203.0.113.7", start["client.address"]);
    }

    // The client and the scheme the app sees (cookies, redirects, lockouts) must not change with a logging switch.
    [Theory]
    [InlineData("StructuredLogging:Requests:Enabled")]
    [InlineData("StructuredLogging:Enabled")]
    public async Task Forwarded_headers_from_a_known_proxy_reach_the_app_with_logging_switched_off(string loggingSwitch)
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", (HttpContext context) => $"{context.Connection.RemoteIpAddress} {context.Request.Scheme}"),
            settings: new Dictionary<string, string?>
            {
                ["StructuredLogging:ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
                [loggingSwitch] = "false",
            });

        Assert.Equal("203.0.113.7 https", await WhoAsync(app, peer: "10.0.0.5"));
        Assert.Equal("198.51.100.20 http", await WhoAsync(app, peer: "198.51.100.20"));
        Assert.DoesNotContain("RequestStarted", app.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_configured_proxy_the_app_sees_the_connection_whatever_the_headers_say()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", (HttpContext context) => $"{context.Connection.RemoteIpAddress} {context.Request.Scheme}"));

        Assert.Equal("10.0.0.5 http", await WhoAsync(app, peer: "10.0.0.5"));
    }

    private static async Task<string> WhoAsync(TestWebApp app, string peer)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            c.Request.Method = "GET";
            c.Request.Path = "/who";
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
            c.Request.Headers["X-Forwarded-Proto"] = "https";
        });
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }

    [Fact]
    public async Task The_frameworks_trust_everyone_switch_changes_what_the_app_sees_but_not_the_entries()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true: the host's own forwarded headers, believed from any sender, run
        // inside Board's request logging, which believes only the proxies configured for it.
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", (HttpContext c) => c.Connection.RemoteIpAddress!.ToString()),
            settings: new Dictionary<string, string?> { ["FORWARDEDHEADERS_ENABLED"] = "true" });

        var context = await app.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.20");
            c.Request.Method = "GET";
            c.Request.Path = "/who";
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
        });

        using var body = new StreamReader(context.Response.Body);
        Assert.Equal("203.0.113.7", await body.ReadToEndAsync());
        var start = Assert.Single(app.Records(), r => r.EventName == "RequestStarted");
        Assert.Equal("198.51.100.20", start["client.address"]);
        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Null(end["client.address"]);
    }

    [Fact]
    public async Task Board_proxies_and_the_frameworks_trust_everyone_switch_together_stop_start_up()
    {
        // Board's middleware would take the trusted hop and the framework's, after it, the one a client wrote.
        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestWebApp.StartAsync(
            a => a.MapGet("/who", () => "me"),
            settings: new Dictionary<string, string?>
            {
                ["StructuredLogging:ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
                ["FORWARDEDHEADERS_ENABLED"] = "true",
            }));

        var failure = Assert.Single(exception.Failures);
        Assert.Contains("StructuredLogging:ForwardedHeaders", failure);
        Assert.Contains("ASPNETCORE_FORWARDEDHEADERS_ENABLED", failure);
    }
}
