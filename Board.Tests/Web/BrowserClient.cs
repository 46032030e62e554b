using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Board.Tests.Web;

/// <summary>
/// Drives the app the way a browser does: keeps cookies, reads the anti-forgery token out of the page
/// that holds a form and submits the form with it. Redirects are not followed, so tests can assert them.
/// </summary>
public sealed partial class BrowserClient : IDisposable
{
    public BrowserClient(WebApplicationFactory<Program> factory)
    {
        Http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    }

    public HttpClient Http { get; }

    public async Task<string> GetPageAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>GETs <paramref name="pageUrl"/> for its token and POSTs the fields to <paramref name="postUrl"/> (default: the same page).</summary>
    /// <param name="multipart">
    /// Send multipart/form-data rather than a url-encoded form. The url-encoded form reader refuses a NUL outright (the
    /// anti-forgery check then answers 400); multipart carries it as far as the page, as a script's request could.
    /// </param>
    public async Task<HttpResponseMessage> SubmitFormAsync(
        string pageUrl, IReadOnlyDictionary<string, string> fields, string? postUrl = null, bool multipart = false)
    {
        var token = ExtractAntiforgeryToken(await GetPageAsync(pageUrl));
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token };
        using HttpContent content = multipart ? Multipart(form) : new FormUrlEncodedContent(form);
        return await Http.PostAsync(postUrl ?? pageUrl, content);
    }

    private static MultipartFormDataContent Multipart(Dictionary<string, string> form)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in form)
        {
            content.Add(new StringContent(value), name);
        }

        return content;
    }

    /// <summary>Registers and signs in; the display name is a fresh one unless given.</summary>
    public async Task RegisterAsync(string email, string password, string? displayName = null)
    {
        using var response = await SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = displayName ?? NewDisplayName(),
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>A display name no other test user holds.</summary>
    public static string NewDisplayName() => $"user-{Guid.NewGuid():N}"[..17];

    public Task<HttpResponseMessage> LogInAsync(string email, string password, string? returnUrl = null)
    {
        var page = returnUrl is null ? "/Account/Login" : $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        return SubmitFormAsync(page, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["ReturnUrl"] = returnUrl ?? "",
        });
    }

    public async Task LogOutAsync()
    {
        using var response = await SubmitFormAsync("/", new Dictionary<string, string>(), "/Account/Logout");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public Task<HttpResponseMessage> WritePostAsync(string slug, string text, string? title = null) =>
        SubmitFormAsync($"/b/{slug}", new Dictionary<string, string> { ["Input.Title"] = title ?? "", ["Input.Text"] = text });

    public static string ExtractAntiforgeryToken(string html)
    {
        var match = AntiforgeryInput().Match(html);
        Assert.True(match.Success, "The page has no anti-forgery token");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    /// <summary>The redirect target as path and query, whether the app sent it relative or absolute.</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location ?? throw new InvalidOperationException("Redirect without Location");
        // An absolute address to another host is returned whole, so an off-site redirect cannot pass for a local one.
        return !location.IsAbsoluteUri ? location.OriginalString
            : location.Host == "localhost" ? location.PathAndQuery
            : location.AbsoluteUri;
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*value="(?<token>[^"]+)"[^>]*>""")]
    private static partial Regex AntiforgeryInput();
}
