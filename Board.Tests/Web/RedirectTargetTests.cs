using System.Net;
using Board.Tests.EndToEnd;
using Board.Web.Pages;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>
/// A redirect target the client chose (a ReturnUrl in the query or the form) that a header cannot carry as it is:
/// non-ASCII, control characters, a tab a browser would strip. On Kestrel, which refuses such a header value, every
/// redirect path answers a redirect to the same address percent-encoded, never a 500 or an Error record.
/// </summary>
public sealed class RedirectTargetTests : IAsyncLifetime
{
    private const string Password = "Correct-horse-1";

    // Kestrel, not the TestServer: the TestServer takes any header value, Kestrel throws on these.
    private readonly BoardAppFactory _factory = new() { EnvironmentName = "Production" };
    private Uri _address = null!;
    private string _email = "";

    public static TheoryData<string, string> Targets => new()
    {
        { "/\u00e9", "/%C3%A9" },
        { "/b/caf\u00e9?q=\u00fc#\u00df", "/b/caf%C3%A9?q=%C3%BC#%C3%9F" },
        { "/\U0001F600", "/%F0%9F%98%80" },
        { "/\t/evil.example", "/%09/evil.example" },
        { "/x\r\nSet-Cookie: planted=1", "/x%0D%0ASet-Cookie:%20planted=1" },
        { "/a\u0000b\u007f", "/a%00b%7F" },
        { "/\ud800x", "/%EF%BF%BDx" },
        { "/already%C3%A9 \"<>\\^`{|}", "/already%C3%A9%20%22%3C%3E%5C%5E%60%7B%7C%7D" },
    };

    public async Task InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        _address = new Uri(addresses.Addresses.First());
        _email = $"redirect-{Guid.NewGuid():N}@example.com";
        using var browser = new FormClient(_address);
        await RegisterAsync(browser, _email);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Login_with_the_target_in_the_query_is_redirected_there_encoded(string target, string encoded)
    {
        using var browser = new FormClient(_address);

        // No ReturnUrl in the form: the cookie handler, signing in, redirects to the query's first, then the page does.
        using var response = await browser.SubmitFormAsync(
            "/Account/Login",
            new Dictionary<string, string> { ["Input.Email"] = _email, ["Input.Password"] = Password },
            postUrl: "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(target));

        AssertSafeRedirect(response, IsLocalUrl(target) ? encoded : "/");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Login_with_the_target_in_the_form_is_redirected_there_encoded(string target, string encoded)
    {
        using var browser = new FormClient(_address);

        using var response = await browser.SubmitFormAsync(
            "/Account/Login",
            new Dictionary<string, string> { ["Input.Email"] = _email, ["Input.Password"] = Password, ["ReturnUrl"] = target },
            configure: AsMultipart);

        AssertSafeRedirect(response, IsLocalUrl(target) ? encoded : "/");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Logout_with_the_target_in_the_query_goes_home(string target, string encoded)
    {
        Assert.NotEqual(target, encoded);
        using var browser = new FormClient(_address);
        await RegisterAsync(browser, $"logout-{Guid.NewGuid():N}@example.com");

        // The cookie handler, signing out at the logout path, redirects to the query's ReturnUrl; the page then sends home.
        using var response = await browser.SubmitFormAsync("/", new Dictionary<string, string>(), "/Account/Logout?ReturnUrl=" + Uri.EscapeDataString(target));

        AssertSafeRedirect(response, "/");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Encoding_makes_the_target_a_uri_of_the_same_address(string target, string encoded)
    {
        Assert.Equal(encoded, LocationEncodingMiddleware.Encode(target));
    }

    [Fact]
    public void Encoding_keeps_a_target_that_needs_none_as_it_is()
    {
        const string target = "/b/welcome?p=2&q=%C3%A9#top";

        Assert.Same(target, LocationEncodingMiddleware.Encode(target));
    }

    private static async Task RegisterAsync(FormClient browser, string email)
    {
        using var response = await browser.SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = BrowserClient.NewDisplayName(),
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The form as multipart: the url-encoded form reader refuses a NUL before the page sees it.</summary>
    private static void AsMultipart(HttpRequestMessage request)
    {
        var fields = ((FormUrlEncodedContent)request.Content!).ReadAsStringAsync().GetAwaiter().GetResult()
            .Split('&')
            .Select(pair => pair.Split('=') is [var name, var value] ? (Name: WebUtility.UrlDecode(name), Value: WebUtility.UrlDecode(value)) : default);
        var multipart = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            multipart.Add(new StringContent(value), name);
        }

        request.Content = multipart;
    }

    private void AssertSafeRedirect(HttpResponseMessage response, string expected)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = Assert.Single(response.Headers.GetValues("Location"));
        Assert.Equal(expected, location);
        Assert.All(location, c => Assert.InRange(c, '!', '~'));
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("planted", StringComparison.Ordinal));
        _factory.FlushLogs();
        Assert.DoesNotContain(_factory.Logs.Records, r => r.Level >= LogLevel.Error);
    }

    // The page's test (Url.IsLocalUrl): a path on this site without control characters. The cookie handler's own test
    // lets control characters through, and the page's redirect, which comes after it, is the one the client gets.
    private static bool IsLocalUrl(string target) =>
        target.Length > 1 && target[0] == '/' && target[1] is not ('/' or '\\') && !target.Any(char.IsControl);
}
