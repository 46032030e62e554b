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
}
