using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Enrichment;

public sealed class RequestContextTests
{
    [Fact]
    public async Task The_applications_own_records_carry_the_request_context()
    {
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapGet("/orders/{id}", (string id, ILogger<RequestContextTests> logger) =>
            {
                logger.LogInformation("Loading order {order.id}", id);
                return id;
            }));
        using var client = app.CreateClient();

        (await client.GetAsync("/orders/o-17")).EnsureSuccessStatusCode();

        var records = app.Records();
        var own = Assert.Single(records, r => r.Message == "Loading order o-17");
        var end = Assert.Single(records, r => r.EventName == "RequestCompleted");
        Assert.Equal("GET", own["http.request.method"]);
        Assert.Equal("/orders/o-17", own["url.path"]);
        Assert.Equal("/orders/{id}", own["http.route"]);
        Assert.NotNull(own["client.address"]);
        Assert.NotNull(own["request.id"]);
        Assert.Equal(end["request.id"], own["request.id"]);
        Assert.Equal(end.TraceId, own.TraceId);
        ScopeTests.AssertNoDuplicateNames(app.JsonLines().Single("message", "Loading order o-17"));
    }

    [Fact]
    public async Task Records_outside_any_request_carry_no_request_context()
    {
        await using var app = await TestWebApp.StartAsync(a => { });
        var logger = app.Services.GetRequiredServiceLogger();

        logger.LogInformation("background tick");

        var record = Assert.Single(app.Records(), r => r.Message == "background tick");
        Assert.False(record.Attributes.ContainsKey("http.request.method"));
        Assert.False(record.Attributes.ContainsKey("request.id"));
    }

    [Fact]
    public async Task Work_that_outlives_its_request_keeps_the_request_values_it_started_with()
    {
        var finished = new TaskCompletionSource();
        await using var app = await TestWebApp.StartAsync(a =>
            a.MapGet("/fire", (ILogger<RequestContextTests> logger) =>
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(200);
                    logger.LogInformation("late work done");
                    finished.SetResult();
                });
                return "accepted";
            }));
        using var client = app.CreateClient();

        (await client.GetAsync("/fire")).EnsureSuccessStatusCode();
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var late = Assert.Single(app.Records(), r => r.Message == "late work done");
        Assert.Equal("/fire", late["url.path"]);
        Assert.Equal("/fire", late["http.route"]);
    }
}

internal static class ServiceProviderLoggerExtensions
{
    public static ILogger GetRequiredServiceLogger(this IServiceProvider services) =>
        ((ILoggerFactory)services.GetService(typeof(ILoggerFactory))!).CreateLogger("Board.Tests.Background");
}
