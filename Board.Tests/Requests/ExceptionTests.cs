using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

public sealed class ExceptionTests
{
    [Fact]
    public async Task An_unhandled_exception_is_logged_once_on_the_end_entry_with_its_full_type_name()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/throws", string () => throw new InvalidOperationException("Database said no")),
            kestrel: true);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throws");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        var records = app.Records();

        // Board logs it once, on the END entry. The server logs the exception it answered 500 for (Kestrel's
        // ApplicationError), as it does without Board.
        var withExceptions = records.Where(r => r.Attributes.ContainsKey("exception.type")).ToArray();
        Assert.All(withExceptions, r => Assert.Contains(r.Category, new[] { "Board.Requests", "Microsoft.AspNetCore.Server.Kestrel" }));
        var withException = Assert.Single(withExceptions, r => r.Category == "Board.Requests");
        Assert.Equal("RequestCompleted", withException.EventName);
        Assert.Equal(LogLevel.Error, withException.Level);
        Assert.Equal("System.InvalidOperationException", withException["exception.type"]);
        Assert.Equal("Database said no", withException["exception.message"]);
        Assert.Contains("Database said no", (string)withException["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Contains(nameof(An_unhandled_exception_is_logged_once_on_the_end_entry_with_its_full_type_name), (string)withException["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Equal(500, withException["http.response.status_code"]);

        // The exception travels as attributes only, so no exporter writes a second, short-named copy.
        Assert.All(records, r => Assert.False(r.HasException));
        Assert.Single(app.JsonLines(), l => l.Text("exception.type") is not null && l.Text("event_name") == "RequestCompleted");
    }

    [Fact]
    public async Task In_Development_the_exception_the_developer_page_renders_is_on_the_end_entry()
    {
        // WebApplication adds the developer exception page in Development; it catches the exception inside the
        // request logging and logs its own record, so the END entry learns of it only through Board's page filter.
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/throws", string () => throw new InvalidOperationException("Database said no")),
            environment: "Development");
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throws");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal(LogLevel.Error, end.Level);
        Assert.Equal("System.InvalidOperationException", end["exception.type"]);
        Assert.Equal("Database said no", end["exception.message"]);
    }

    [Fact]
    public async Task A_client_that_goes_away_is_logged_as_499_without_an_exception()
    {
        var started = new TaskCompletionSource();
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapGet("/slow", async (HttpContext context) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return "never";
            }));
        using var client = app.CreateClient();
        using var cancel = new CancellationTokenSource();

        var request = client.GetAsync("/slow", cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal(499, end["http.response.status_code"]);
        Assert.Equal(true, end["http.request.aborted"]);
        Assert.Equal(LogLevel.Warning, end.Level);
        Assert.False(end.Attributes.ContainsKey("exception.type"));
    }

    [Fact]
    public async Task A_request_that_throws_is_not_marked_as_aborted_by_the_client()
    {
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapGet("/throws-late", async (HttpContext context) =>
            {
                // The response has started, so the server can only abort the connection.
                await context.Response.WriteAsync("partial");
                await context.Response.Body.FlushAsync();
                throw new InvalidOperationException("failed halfway");
            }),
            kestrel: true);
        using var client = app.CreateClient();

        try
        {
            using var response = await client.GetAsync("/throws-late");
            await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException)
        {
            // The aborted connection may surface to the client either way.
        }

        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.Equal("System.InvalidOperationException", end["exception.type"]);
        Assert.Null(end["http.request.aborted"]);
        Assert.Equal(LogLevel.Error, end.Level);
    }

    [Fact]
    public async Task With_an_exception_handler_page_the_exception_is_still_logged_once()
    {
        await using var app = await TestWebApp.StartAsync(
            a =>
            {
                a.MapGet("/throws", string () => throw new ArgumentException("bad thing"));
                a.MapGet("/error", () => Results.Text("sorry", statusCode: 500));
            },
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" },
            beforeMap: a => a.UseExceptionHandler("/error"));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throws");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("sorry", await response.Content.ReadAsStringAsync());
        var records = app.Records();
        var withException = Assert.Single(records, r => r.Attributes.ContainsKey("exception.type"));
        Assert.Equal("RequestCompleted", withException.EventName);
        Assert.Equal("System.ArgumentException", withException["exception.type"]);
        Assert.Equal("/throws", withException["url.path"]);
        Assert.Equal("/throws", withException["http.route"]);
    }

    [Fact]
    public async Task An_error_handler_that_throws_is_logged_while_the_repeated_unhandled_exception_entry_is_not()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/throws", string () => throw new ArgumentException("bad thing")),
            beforeMap: a => a.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = _ => throw new InvalidOperationException("the error page broke"),
            }),
            kestrel: true);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throws");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        var records = app.Records();
        var handler = records.Where(r => r.Category == "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware").ToArray();
        var handlerFailure = Assert.Single(handler);
        Assert.NotEqual("UnhandledException", handlerFailure.EventName);
        Assert.Equal("System.InvalidOperationException", handlerFailure["exception.type"]);
        Assert.Equal("the error page broke", handlerFailure["exception.message"]);

        var end = Assert.Single(records, r => r.EventName == "RequestCompleted");
        Assert.Equal("System.ArgumentException", end["exception.type"]);
    }

    [Theory]
    [InlineData("StructuredLogging:Requests:Enabled", "false")]
    [InlineData("Logging:LogLevel:Board.Requests", "None")]
    public async Task Without_an_end_entry_the_exception_handlers_own_entry_is_the_one_that_logs_the_exception(string key, string value)
    {
        // No END entry repeats it, so the handler middleware's "unhandled exception" entry must stay.
        await using var app = await TestWebApp.StartAsync(
            a =>
            {
                a.MapGet("/throws", string () => throw new ArgumentException("bad thing"));
                a.MapGet("/error", () => Results.Text("sorry", statusCode: 500));
            },
            settings: new Dictionary<string, string?> { [key] = value },
            beforeMap: a => a.UseExceptionHandler("/error"));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throws");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        var records = app.Records();
        Assert.DoesNotContain(records, r => r.Category == "Board.Requests");
        var logged = Assert.Single(records, r => r.Attributes.ContainsKey("exception.type"));
        Assert.Equal("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", logged.Category);
        Assert.Equal("UnhandledException", logged.EventName);
        Assert.Equal("System.ArgumentException", logged["exception.type"]);
    }

    [Fact]
    public async Task A_status_code_page_that_re_executes_the_request_does_not_replace_its_route()
    {
        await using var app = await TestWebApp.StartAsync(
            a =>
            {
                a.MapGet("/things/{id}", (string id) => Results.NotFound());
                a.MapGet("/status/{code:int}", (int code) => Results.Text($"status {code}"));
            },
            beforeMap: a => a.UseStatusCodePagesWithReExecute("/status/{0}"));
        using var client = app.CreateClient();

        using var found = await client.GetAsync("/things/9");
        using var unmatched = await client.GetAsync("/no/such/route");

        Assert.Equal("status 404", await found.Content.ReadAsStringAsync());
        var ends = app.Records().Where(r => r.EventName == "RequestCompleted").ToDictionary(r => (string)r["url.path"]!);
        Assert.Equal("/things/{id}", ends["/things/9"]["http.route"]);
        Assert.Equal(404, ends["/things/9"]["http.response.status_code"]);
        Assert.False(ends["/no/such/route"].Attributes.ContainsKey("http.route"));
    }

    [Fact]
    public async Task An_exception_logged_by_application_code_keeps_its_own_record()
    {
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapGet("/caught", (ILogger<ExceptionTests> logger) =>
            {
                try
                {
                    throw new TimeoutException("upstream slow");
                }
                catch (TimeoutException ex)
                {
                    logger.LogWarning(ex, "Upstream call failed after {attempt.count} attempts", 3);
                }

                return "fallback";
            }));
        using var client = app.CreateClient();

        (await client.GetAsync("/caught")).EnsureSuccessStatusCode();

        var record = Assert.Single(app.Records(), r => r.Message == "Upstream call failed after 3 attempts");
        Assert.Equal("System.TimeoutException", record["exception.type"]);
        Assert.Equal(3, record["attempt.count"]);
        var end = Assert.Single(app.Records(), r => r.EventName == "RequestCompleted");
        Assert.False(end.Attributes.ContainsKey("exception.type"));
        Assert.Equal(LogLevel.Information, end.Level);
    }
}
