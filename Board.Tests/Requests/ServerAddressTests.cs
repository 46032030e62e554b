using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Board.Tests.Requests;

/// <summary><c>server.address</c> is the host as the client sent it: an IDN stays in its ASCII form.</summary>
public sealed class ServerAddressTests
{
    [Theory]
    [InlineData("xn--80ak6aa92e.com", "xn--80ak6aa92e.com")]
    [InlineData("XN--80AK6AA92E.COM:8080", "XN--80AK6AA92E.COM")]
    [InlineData("[::1]:5000", "[::1]")]
    public async Task The_host_is_logged_as_sent(string host, string expected)
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/h", () => "ok"));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/h");
        request.Headers.Host = host;

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        var start = Assert.Single(app.Records(), r => r.EventName == "RequestStarted");
        Assert.Equal(expected, start["server.address"]);
        Assert.DoesNotContain("\u0430", app.Stdout.Text, StringComparison.Ordinal); // Cyrillic a
    }

    [Fact]
    public async Task The_frameworks_kept_request_entries_show_the_host_in_its_ASCII_form_too()
    {
        var settings = new Dictionary<string, string?>
        {
            ["StructuredLogging:Requests:KeepFrameworkRequestEntries"] = "true",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        };
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/h", () => "ok"), settings);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/h");
        request.Headers.Host = "xn--80ak6aa92e.com";

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        // "Request starting" and "Request finished" both name the host.
        var entries = app.Records().Where(r => r.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && r["Host"] is not null).ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal("xn--80ak6aa92e.com", e["Host"]));
        Assert.All(entries, e => Assert.Contains("http://xn--80ak6aa92e.com/h", e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("\u0430\u0440\u0440\u04CF\u0435", app.Stdout.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("аррӏе", app.Stdout.Text, StringComparison.Ordinal);
    }
}
