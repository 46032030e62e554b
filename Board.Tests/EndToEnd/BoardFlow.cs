using System.Net;

namespace Board.Tests.EndToEnd;

/// <summary>One request of a <see cref="BoardFlow"/> whose records the tests look up by its marker.</summary>
public sealed record FlowRequest(string Name, string Marker, string Method, string Path, int Status, string? Route);

/// <summary>
/// A user's session against a running Board.Web, over real HTTP: register, log out, log in, create a board,
/// post on it, open a board that does not exist and an address no page matches (404s), hit the failure endpoint
/// (500), open a page with a token in the query string and send a forged X-Forwarded-For. Every secret it uses
/// is a canary that no sink may carry. Run once per process and shared by the tests that assert on it.
/// </summary>
public sealed class BoardFlow
{
    public const string ForgedClientAddress = "203.0.113.7";
    public const string LoginTemplate = "User {user.email} logged in";

    private readonly List<FlowRequest> _requests = [];

    private BoardFlow()
    {
    }

    public string Email { get; } = $"e2e-{Guid.NewGuid():N}@example.com";
    public string DisplayName { get; } = $"e2e-{Guid.NewGuid():N}"[..16];
    public string Password { get; } = $"Canary-Password-{Guid.NewGuid():N}";
    public string Authorization { get; } = $"Bearer canary-bearer-{Guid.NewGuid():N}";
    public string QueryToken { get; } = $"canary-query-{Guid.NewGuid():N}";
    public string BoardSlug { get; private set; } = "";

    /// <summary>The value of .AspNetCore.Identity.Application after the login.</summary>
    public string SessionCookie { get; private set; } = "";

    public IReadOnlyList<string> FormTokens { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Cookies { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<FlowRequest> Requests => _requests;

    public FlowRequest this[string name] => _requests.Single(r => r.Name == name);

    /// <summary>Everything secret the flow sent or received: none of it may appear in stdout, stderr or any OTLP payload.</summary>
    public IReadOnlyList<(string What, string Value)> Canaries =>
    [
        ("password", Password),
        ("Authorization header", Authorization),
        ("Authorization token", Authorization["Bearer ".Length..]),
        ("query-string token", QueryToken),
        ("session cookie", SessionCookie),
        .. FormTokens.Select(t => ("anti-forgery form token", t)),
        .. Cookies.Select(c => ($"cookie {c.Key}", c.Value)),
    ];

    public static Task<BoardFlow> RunAsync(BoardWebProcess app) => RunAsync(app.BaseAddress);

    /// <summary>Runs the flow against the Board.Web at <paramref name="baseAddress"/>, however it was started.</summary>
    public static async Task<BoardFlow> RunAsync(Uri baseAddress)
    {
        var flow = new BoardFlow();
        using var client = new FormClient(baseAddress);
        await flow.RunAsync(client);
        flow.FormTokens = [.. client.FormTokens];
        flow.Cookies = client.CookieValues;
        return flow;
    }

    private async Task RunAsync(FormClient client)
    {
        await FormAsync(client, "register", "/Account/Register", "/Account/Register", HttpStatusCode.Redirect, new()
        {
            ["Input.Email"] = Email,
            ["Input.DisplayName"] = DisplayName,
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });

        using (var logout = await client.SubmitFormAsync("/", new Dictionary<string, string>(), "/Account/Logout"))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        await FormAsync(client, "login", "/Account/Login", "/Account/Login", HttpStatusCode.Redirect, new()
        {
            ["Input.Email"] = Email,
            ["Input.Password"] = Password,
            ["ReturnUrl"] = "",
        }, request => request.Headers.TryAddWithoutValidation("Authorization", Authorization));
        SessionCookie = client.CookieValues.GetValueOrDefault(".AspNetCore.Identity.Application")
            ?? throw new InvalidOperationException("The login set no .AspNetCore.Identity.Application cookie.");

        var boardName = $"E2E board {Guid.NewGuid():N}";
        var created = await FormAsync(client, "create board", "/Boards/Create", "/Boards/Create", HttpStatusCode.Redirect,
            new() { ["Input.Name"] = boardName });
        BoardSlug = created.TrimStart('/').Split('/', '?')[1];
        Assert.StartsWith("/b/", created, StringComparison.Ordinal);

        await FormAsync(client, "post", $"/b/{BoardSlug}", "/b/{slug}", HttpStatusCode.Redirect,
            new() { ["Input.Title"] = "", ["Input.Text"] = "Hello from the end-to-end test" });

        await GetAsync(client, "not found", $"/b/no-such-board-{Guid.NewGuid():N}", "/b/{slug}", HttpStatusCode.NotFound);
        await GetAsync(client, "unknown path", $"/no-such-page-{Guid.NewGuid():N}", null, HttpStatusCode.NotFound);
        await GetAsync(client, "failure", "/test/fail", "/test/fail", HttpStatusCode.InternalServerError);
        await GetAsync(client, "query token", $"/?token={QueryToken}", "/", HttpStatusCode.OK);
        await GetAsync(client, "forwarded for", "/", "/", HttpStatusCode.OK,
            request => request.Headers.Add("X-Forwarded-For", ForgedClientAddress));
    }

    /// <summary>Submits a form to a marked address; returns the redirect target.</summary>
    private async Task<string> FormAsync(
        FormClient client, string name, string path, string route, HttpStatusCode expected,
        Dictionary<string, string> fields, Action<HttpRequestMessage>? configure = null)
    {
        var marker = BoardWebFixture.NewMarker();
        using var response = await client.SubmitFormAsync(path, fields, BoardWebFixture.Marked(path, marker), configure);
        Assert.True(response.StatusCode == expected, $"{name}: POST {path} answered {(int)response.StatusCode}, expected {(int)expected}");
        _requests.Add(new FlowRequest(name, marker, "POST", PathOnly(path), (int)expected, route));
        return response.Headers.Location?.OriginalString ?? "";
    }

    private async Task GetAsync(
        FormClient client, string name, string path, string? route, HttpStatusCode expected, Action<HttpRequestMessage>? configure = null)
    {
        var marker = BoardWebFixture.NewMarker();
        using var request = new HttpRequestMessage(HttpMethod.Get, BoardWebFixture.Marked(path, marker));
        configure?.Invoke(request);
        using var response = await client.Http.SendAsync(request);
        Assert.True(response.StatusCode == expected, $"{name}: GET {path} answered {(int)response.StatusCode}, expected {(int)expected}");
        _requests.Add(new FlowRequest(name, marker, "GET", PathOnly(path), (int)expected, route));
    }

    private static string PathOnly(string path) => path.Split('?')[0];
}
