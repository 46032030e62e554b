using System.Net;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>
/// A request whose method a page has no handler for is refused with 405 and the methods the page takes, rather
/// than rendered without the model its handler would have built.
/// </summary>
public sealed class HttpMethodTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Correct-horse-1";

    [Theory]
    [InlineData("OPTIONS", "/b/welcome")]
    [InlineData("PUT", "/b/welcome")]
    [InlineData("OPTIONS", "/posts/{id}/delete")]
    [InlineData("PUT", "/posts/{id}/delete")]
    public async Task A_method_without_a_handler_is_405_with_the_allowed_methods(string method, string path)
    {
        using var browser = await SignedInBrowserAsync();
        var target = path.Replace("{id}", (await WritePostAsync(browser)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        using var response = await browser.Http.SendAsync(request);

        await AssertMethodNotAllowedAsync(response);
    }

    [Theory]
    [InlineData("/b/welcome")]
    [InlineData("/posts/{id}/delete")]
    public async Task A_PUT_with_a_valid_form_token_is_405_and_not_a_page_rendered_without_its_model(string path)
    {
        using var browser = await SignedInBrowserAsync();
        var target = path.Replace("{id}", (await WritePostAsync(browser)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        // The token gets a PUT past the anti-forgery check, as far as the page itself.
        var token = BrowserClient.ExtractAntiforgeryToken(await browser.GetPageAsync("/b/welcome"));

        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var response = await browser.Http.PutAsync(target, content);

        await AssertMethodNotAllowedAsync(response);
    }

    [Fact]
    public async Task HEAD_is_answered_where_GET_is()
    {
        using var browser = new BrowserClient(factory);

        using var request = new HttpRequestMessage(HttpMethod.Head, "/b/welcome");
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("OPTIONS")]
    [InlineData("DELETE")]
    public async Task A_failed_request_of_any_method_shows_the_error_page_with_its_request_id(string method)
    {
        await using var production = new BoardAppFactory
        {
            EnvironmentName = "Production",
            Settings = new Dictionary<string, string?> { ["Testing:FailureEndpoint"] = "true" },
        };
        using var client = production.CreateClient();

        using var request = new HttpRequestMessage(new HttpMethod(method), "/test/fail");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Something went wrong</h1>", html, StringComparison.Ordinal);
        Assert.Matches("Request id: <code>[0-9a-f]{32}</code>", html);
    }

    private async Task AssertMethodNotAllowedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD", "POST"], response.Content.Headers.Allow);
        // The status code page explains it, re-executed with the same method.
        Assert.Contains("<h1>Method not allowed</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Records, r => r.Level >= LogLevel.Error);
    }

    private async Task<BrowserClient> SignedInBrowserAsync()
    {
        var browser = new BrowserClient(factory);
        await browser.RegisterAsync($"user-{Guid.NewGuid():N}@example.com", Password);
        return browser;
    }

    private async Task<int> WritePostAsync(BrowserClient browser)
    {
        var text = $"Post {Guid.NewGuid():N}";
        using (var written = await browser.WritePostAsync(Board.Web.Data.DatabaseInitializer.WelcomeSlug, text))
        {
            Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        }

        return factory.WithDatabase(db => db.Posts.Single(p => p.Text == text).Id);
    }
}
