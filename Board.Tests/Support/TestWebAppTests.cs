using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Board.Tests.Support;

/// <summary>The test host itself: a response that reaches the test before END is written does not hide END.</summary>
public sealed class TestWebAppTests
{
    [Fact]
    public async Task Records_include_the_END_of_a_request_whose_response_came_back_before_it_finished()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/slow-tail", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("body first");
            await context.Response.Body.FlushAsync();

            // The test has its response by now; the pipeline, and so the END entry, is still to come.
            await Task.Delay(300);
        }));

        var response = await app.CreateClient().GetAsync("/slow-tail", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        Assert.Single(app.Records(), r => r.EventName == "RequestCompleted" && (string?)r["url.path"] == "/slow-tail");
        Assert.Single(app.JsonLines(), l => l.GetProperty("event_name").GetString() == "RequestCompleted");
    }
}
