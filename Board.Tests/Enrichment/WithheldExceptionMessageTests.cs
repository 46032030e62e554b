using System.Text.Json;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Enrichment;

/// <summary>
/// The messages of exceptions raised while a request is read quote the request: a record keeps their type, and a fixed
/// reason stands for the message in exception.message, exception.stacktrace and the record's own message.
/// </summary>
public sealed class WithheldExceptionMessageTests
{
    private const string Canary = "EXCANARY51c0";

    public static TheoryData<Exception> Quoting() =>
    [
        new JsonException($"'{Canary}' is an invalid start of a value."),
        new InvalidDataException($"Invalid header line: {Canary}"),
        new FormatException($"The input string '{Canary}' was not in a correct format."),
        new BadHttpRequestException($"Failed to read parameter from the request body as JSON: {Canary}", 400),
        new Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException($"token {Canary}"),
        new InvalidOperationException("wrapped", new JsonException($"'{Canary}' is invalid")),
        new AggregateException(new InvalidDataException(Canary)),
    ];

    [Theory]
    [MemberData(nameof(Quoting))]
    public async Task A_message_that_may_quote_the_request_is_withheld_in_every_field(Exception exception)
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/log", (ILogger<WithheldExceptionMessageTests> logger) =>
        {
            logger.LogWarning(exception, "Reading failed: {Reason}", exception.Message);
            return "ok";
        }));
        using var client = app.CreateClient();

        (await client.GetAsync("/log")).EnsureSuccessStatusCode();

        var record = Assert.Single(app.Records(), r => r.Category == typeof(WithheldExceptionMessageTests).FullName);
        Assert.Equal(exception.GetType().FullName, record["exception.type"]);
        Assert.StartsWith("The request could not be read", (string)record["exception.message"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, (string)record["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, app.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_messages_are_kept()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/log", (ILogger<WithheldExceptionMessageTests> logger) =>
        {
            logger.LogWarning(new TimeoutException("upstream slow"), "Call failed");
            return "ok";
        }));
        using var client = app.CreateClient();

        (await client.GetAsync("/log")).EnsureSuccessStatusCode();

        var record = Assert.Single(app.Records(), r => r.Category == typeof(WithheldExceptionMessageTests).FullName);
        Assert.Equal("upstream slow", record["exception.message"]);
        Assert.Contains("upstream slow", (string)record["exception.stacktrace"]!, StringComparison.Ordinal);
    }
}
