using System.Net;
using Board.Tests.Web;

namespace Board.Tests.EndToEnd;

/// <summary>
/// An HTTP client for a <see cref="BoardWebProcess"/> that behaves like a browser without JavaScript: keeps its
/// cookies (readable for the secret scans), takes the anti-forgery token out of each form page and remembers
/// every token it sent. Redirects are not followed.
/// </summary>
public sealed class FormClient : IDisposable
{
    private readonly List<string> _formTokens = [];

    public FormClient(Uri baseAddress)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies };
        Http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; } = new();

    /// <summary>Every __RequestVerificationToken form value this client submitted.</summary>
    public IReadOnlyList<string> FormTokens => _formTokens;

    /// <summary>Every cookie the app set on this client, by name.</summary>
    public IReadOnlyDictionary<string, string> CookieValues =>
        Cookies.GetAllCookies().ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);

    public async Task<string> GetPageAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return body;
    }

    /// <summary>GETs <paramref name="pageUrl"/> for its token and POSTs the fields to <paramref name="postUrl"/> (default: the same address).</summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(
        string pageUrl, IReadOnlyDictionary<string, string> fields, string? postUrl = null, Action<HttpRequestMessage>? configure = null)
    {
        var token = BrowserClient.ExtractAntiforgeryToken(await GetPageAsync(pageUrl));
        _formTokens.Add(token);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token };
        using var request = new HttpRequestMessage(HttpMethod.Post, postUrl ?? pageUrl) { Content = new FormUrlEncodedContent(form) };
        configure?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}
