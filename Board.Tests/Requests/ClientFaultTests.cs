using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

/// <summary>
/// A body the server cannot read (cut short, too large, too slow: BadHttpRequestException) is the client's fault: a
/// 4xx at Warning with no exception fields, with or without an exception handler, which is not run for it.
/// </summary>
public sealed class ClientFaultTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    [InlineData(413)]
    public async Task A_body_the_server_cannot_read_is_a_client_error_without_an_exception(int status)
    {
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapPost("/read", string () => throw new BadHttpRequestException("Unexpected end of request content.", status)));
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/read", new StringContent("x"));

        Assert.Equal(status, (int)response.StatusCode);
        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal(status, end["http.response.status_code"]);
        Assert.Equal(LogLevel.Warning, end.Level);
        Assert.False(end.Attributes.ContainsKey("exception.type"));
        Assert.DoesNotContain(app.Records(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task The_exception_handler_does_not_run_its_error_page_for_a_client_fault()
    {
        var errorPageRuns = 0;
        await using var app = await TestWebApp.StartAsync(
            a =>
            {
                a.MapPost("/read", string () => throw new BadHttpRequestException("Unexpected end of request content.", 400));
                a.Map("/error", (HttpContext context) =>
                {
                    Interlocked.Increment(ref errorPageRuns);
                    return Results.Text("sorry", statusCode: 500);
                });
            },
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" },
            beforeMap: a => a.UseExceptionHandler("/error"));
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/read", new StringContent("x"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(0, errorPageRuns);
        var records = app.Records();
        var end = Assert.Single(records, r => r.EventName == "RequestCompleted");
        Assert.Equal(400, end["http.response.status_code"]);
        Assert.Equal(LogLevel.Warning, end.Level);
        Assert.False(end.Attributes.ContainsKey("exception.type"));
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
        Assert.DoesNotContain(records, r => r.Category == "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware");
    }

    [Fact]
    public async Task A_server_error_still_reaches_the_error_page_with_its_exception()
    {
        await using var app = await TestWebApp.StartAsync(
            a =>
            {
                a.MapPost("/fails", string () => throw new InvalidOperationException("broken"));
                a.Map("/error", () => Results.Text("sorry", statusCode: 500));
            },
            beforeMap: a => a.UseExceptionHandler("/error"));
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/fails", new StringContent("x"));

        Assert.Equal("sorry", await response.Content.ReadAsStringAsync());
        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal(500, end["http.response.status_code"]);
        Assert.Equal("System.InvalidOperationException", end["exception.type"]);
    }
}
