using System.Net;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>
/// The status page asked for by its own address describes a client error with that error's code; a server error
/// is not echoed, so no client can make the app log 5xx END entries at will.
/// </summary>
public sealed class StatusPageTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    [Theory]
    [InlineData("/Status/404", HttpStatusCode.NotFound, "Not found")]
    [InlineData("/Status/403", HttpStatusCode.Forbidden, "Not allowed")]
    [InlineData("/Status/400", HttpStatusCode.BadRequest, "Bad request")]
    public async Task A_client_error_asked_for_directly_is_answered_with_its_code(string path, HttpStatusCode status, string heading)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains($"<h1>{heading}</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/Status/500")]
    [InlineData("GET", "/Status/503")]
    [InlineData("POST", "/Status/500")]
    [InlineData("GET", "/Status/302")]
    public async Task Any_other_code_asked_for_directly_is_404_and_logs_no_error(string method, string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Not found</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var end = Assert.Single(factory.Logs.Records, r => r.Category == "Board.Requests"
            && r.Message.StartsWith($"{method} {path} completed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, end.Level);
        Assert.Contains("status 404", end.Message, StringComparison.Ordinal);
    }
}
