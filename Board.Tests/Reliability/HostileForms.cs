using System.Net;
using System.Text;
using Board.Tests.Web;

namespace Board.Tests.Reliability;

/// <summary>
/// The forms a hostile client fills in with a session of its own: every validated field (display names, board names
/// and descriptions, post titles and texts) at and past its limit in letters outside the BMP, decomposed letters,
/// names NFC lengthens and bytes that are not UTF-8; every redirect Board writes (sign-out's ReturnUrl in the query,
/// sign-in's in the form) with targets a header cannot carry as they are. Values that must not be logged carry canaries.
/// </summary>
internal sealed class HostileForms(Uri baseAddress, Func<string> canary)
{
    private const string Password = "Correct-horse-1";
    private const string Wide = "\U00020000"; // one code point, two UTF-16 units

    /// <summary>Redirect targets, percent-encoded as a client sends them.</summary>
    private static readonly string[] s_returnUrls =
    [
        "%2F%C3%A9", "%2F%F0%9D%90%80%F0%9D%90%81", "%2F%ED%A0%80", "%2F%C0%AF", "%2F%FF%FE", "%2Fa%0D%0ASet-Cookie:%20x=1",
        "%2F%00", "%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F", "%2Fe%CC%81%E2%80%AE",
        "%2F" + string.Concat(Enumerable.Repeat("%F0%9D%90%80", 500)),
    ];

    public async Task<List<int>> RunAsync()
    {
        var statuses = new List<int>();
        using var client = NewClient();
        var email = $"hostile-{Guid.NewGuid():N}@example.com";

        // Display names: refused with a message or accepted, never a failed insert.
        string[] displayNames =
        [
            "\U0001D400\U0001D401", "\U0001D49Cb", "a\U0001D7D8", "\U00020000\U00020001", string.Concat(Enumerable.Repeat("\uFB2C", 11)),
            string.Concat(Enumerable.Repeat("e\u0301", 33)), string.Concat(Enumerable.Repeat(Wide, 33)), "\u0301ab", "ab\U0001F600",
        ];
        foreach (var name in displayNames)
        {
            statuses.Add(await RegisterAsync(client, $"x{Guid.NewGuid():N}@example.com", Uri.EscapeDataString(name)));
        }

        // Bytes that are not UTF-8, and a CESU-8 surrogate, in the name: the form reader replaces them.
        foreach (var raw in new[] { "ab%ED%A0%80c", "ab%C0%AFc", "ab%FF%FEc", "%F0%9D%90" })
        {
            statuses.Add(await RegisterAsync(client, $"x{Guid.NewGuid():N}@example.com", raw));
        }

        statuses.Add(await RegisterAsync(client, email, Uri.EscapeDataString(string.Concat(Enumerable.Repeat(Wide, 32)))));

        foreach (var (name, description) in new[]
        {
            (Repeat(Wide, 80), Repeat(Wide, 500)), (Repeat(Wide, 81), ""), (Repeat("e\u0301", 40), Repeat("e\u0301", 250) + canary()),
            (Repeat("e\u0301", 40) + "\u0301", ""), (Repeat("\uFB2C", 26), Repeat(Wide, 501)), ("\U0001D402\U0001D41A\U0001D41F\u00e9", ""),
            ("\uFB01sh \u00BD", canary()),
        })
        {
            statuses.Add(await SubmitAsync(client, "/Boards/Create", $"Input.Name={Uri.EscapeDataString(name)}&Input.Description={Uri.EscapeDataString(description)}"));
        }

        statuses.Add(await SubmitAsync(client, "/Boards/Create", "Input.Name=ab%ED%A0%80c&Input.Description=%C0%AF"));
        foreach (var (title, text) in new[]
        {
            (Repeat(Wide, 120), Repeat(Wide, 4000)), (Repeat(Wide, 121), canary()), ("", Repeat(Wide, 4001)),
            (Repeat("e\u0301", 60) + "e", Repeat("e\u0301", 2000) + "e"), (canary(), "\u0301" + canary()),
        })
        {
            statuses.Add(await SubmitAsync(client, "/b/welcome", $"Input.Title={Uri.EscapeDataString(title)}&Input.Text={Uri.EscapeDataString(text)}"));
        }

        // Every redirect: sign-out's target in the query (the cookie handler's), sign-in's in the form (LocalRedirect),
        // each with a token that must not be logged.
        var signIn = $"Input.Email={Uri.EscapeDataString(email)}&Input.Password={Uri.EscapeDataString(Password)}";
        foreach (var target in s_returnUrls)
        {
            var returnUrl = $"{target}%3Ftoken%3D{canary()}";
            // Signed in again first: a sign-in refused (a NUL in its form is a 400) leaves no sign-out form to fill in.
            if (!(await client.GetStringAsync("/")).Contains("/Account/Logout", StringComparison.Ordinal))
            {
                statuses.Add(await SubmitAsync(client, "/Account/Login", signIn));
            }

            statuses.Add(await SubmitAsync(client, "/Account/Logout", "", page: "/", query: $"?ReturnUrl={returnUrl}")); // the sign-out form is on every page
            statuses.Add(await SubmitAsync(client, "/Account/Login",
                $"{signIn}&ReturnUrl={returnUrl}",
                query: $"?ReturnUrl={returnUrl}"));
        }

        return statuses;
    }

    private HttpClient NewClient() =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private Task<int> RegisterAsync(HttpClient client, string email, string encodedDisplayName) =>
        SubmitAsync(client, "/Account/Register",
            $"Input.Email={Uri.EscapeDataString(email)}&Input.DisplayName={encodedDisplayName}" +
            $"&Input.Password={Uri.EscapeDataString(Password)}&Input.ConfirmPassword={Uri.EscapeDataString(Password)}");

    /// <summary>GETs the page for its token, then POSTs the already encoded fields to it; returns the status.</summary>
    private static async Task<int> SubmitAsync(HttpClient client, string path, string encodedFields, string? page = null, string query = "")
    {
        using var form = await client.GetAsync(page ?? path);
        if (form.StatusCode != HttpStatusCode.OK)
        {
            return (int)form.StatusCode;
        }

        var html = await form.Content.ReadAsStringAsync();
        if (!html.Contains("__RequestVerificationToken", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"GET {page ?? path} has no form: {html[..Math.Min(html.Length, 3000)]}");
        }

        var token = BrowserClient.ExtractAntiforgeryToken(html);
        var body = $"__RequestVerificationToken={Uri.EscapeDataString(token)}&{encodedFields}";
        // charset=utf-8: the form reader decodes the percent-encoded bytes in the charset the request names.
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(path + query, content);
        return (int)response.StatusCode;
    }

    private static string Repeat(string unit, int count) => string.Concat(Enumerable.Repeat(unit, count));
}
