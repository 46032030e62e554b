using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Board.Tests.EndToEnd;

/// <summary>
/// A real browser (Debian's Chromium, driven by Playwright) registers, logs in, creates a board and posts on the
/// built Board.Web, and the app's stdout shows those requests with the browser's own user agent and the user's
/// email in the login record's scope field.
/// </summary>
/// <remarks>
/// The app runs in Production, so the lines are the JSON lines a deployment ships, with personal-data redaction
/// switched off explicitly (StructuredLogging:Redaction:Mode=None) so the test can compare the email the browser
/// typed with the one logged. Production's default (REDACTED, or a keyed hash) is covered by the other process
/// tests. Chromium is never downloaded: a missing /usr/bin/chromium fails the test (.ci/run installs it).
/// </remarks>
public sealed partial class BrowserTests : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private const string Password = "Browser-Password-42";
    // A bound for a failure, not a speed check: the first run after a build, with every test class starting
    // processes on two cores, has taken longer than 30 s for a step.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    // Where a redirect leads is checked by polling the page's URL. WaitForURLAsync, called once the redirect has
    // already landed, waits for a load state instead, and now and then that wait never ended (90 s, with the page
    // shown and the network idle); the locator waits that follow check the page itself.
    private static readonly PageAssertionsToHaveURLOptions UrlWait = new() { Timeout = (float)Timeout.TotalMilliseconds };

    private BoardWebProcess? _app;

    private BoardWebProcess App => _app ?? throw new InvalidOperationException("Board.Web has not started.");

    public async Task InitializeAsync()
    {
        var options = new BoardWebProcessOptions { StartupTimeout = TimeSpan.FromSeconds(90) };
        options.EnvironmentVariables["StructuredLogging__Redaction__Mode"] = "None";
        _app = await BoardWebProcess.StartHealthyAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Chromium_requests_are_logged_with_its_user_agent_and_the_login_with_the_users_email()
    {
        Assert.True(File.Exists(ChromiumPath),
            $"{ChromiumPath} is missing: install Debian's chromium package (apt-get install chromium), as .ci/run does.");

        var email = $"browser-{Guid.NewGuid():N}@example.com";
        var displayName = $"browser-{Guid.NewGuid():N}"[..20];
        var postText = $"Posted from Chromium {Guid.NewGuid():N}";
        var root = App.BaseAddress.ToString();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox"],
            Headless = true,
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = root });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();

        string userAgent, boardPath;
        try
        {
            await page.GotoAsync("/Account/Register");
            userAgent = await page.EvaluateAsync<string>("() => navigator.userAgent");
            await page.FillAsync("#Input_Email", email);
            await page.FillAsync("#Input_DisplayName", displayName);
            await page.FillAsync("#Input_Password", Password);
            await page.FillAsync("#Input_ConfirmPassword", Password);
            await page.ClickAsync("form.stacked button[type=submit]");
            await Assertions.Expect(page).ToHaveURLAsync(root, UrlWait);
            await page.Locator("span.signed-in").WaitForAsync();

            await page.ClickAsync("form.inline button[type=submit]"); // log out
            await page.Locator("span.signed-in").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });

            await page.GotoAsync("/Account/Login");
            await page.FillAsync("#Input_Email", email);
            await page.FillAsync("#Input_Password", Password);
            await page.ClickAsync("form.stacked button[type=submit]");
            await Assertions.Expect(page).ToHaveURLAsync(root, UrlWait);
            await page.Locator("span.signed-in").WaitForAsync();

            await page.GotoAsync("/Boards/Create");
            await page.FillAsync("#Input_Name", $"Browser board {Guid.NewGuid():N}");
            await page.FillAsync("#Input_Description", "First line\nSecond line");
            await page.ClickAsync("form.stacked button[type=submit]");
            await Assertions.Expect(page).ToHaveURLAsync(BoardUrl(), UrlWait);
            boardPath = new Uri(page.Url).AbsolutePath;

            // The text as the browser lays it out: the line break survives only where the page keeps it.
            var description = await page.Locator("p.description").InnerTextAsync();
            Assert.Equal("First line\nSecond line", description.ReplaceLineEndings("\n"));

            await page.FillAsync("#Input_Text", postText);
            await page.ClickAsync("form.post-form button[type=submit]");
            await page.Locator(".post-text", new PageLocatorOptions { HasText = postText }).WaitForAsync();
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            // Where the browser was and what the app wrote last say whether the app or the browser stalled.
            throw new InvalidOperationException($"Browser step failed at {page.Url}: {ex.Message}{Environment.NewLine}{App.OutputTail()}", ex);
        }

        var records = await WaitForRecordsAsync(
            ("POST", "/Account/Register"), ("POST", "/Account/Login"), ("POST", "/Boards/Create"), ("POST", boardPath));

        // Every request reached the app from the browser (the fixture's /health polls are not logged).
        var starts = records.Where(r => r.Is("RequestStarted")).ToArray();
        Assert.True(starts.Length >= 8, $"Expected the browser's page loads and posts, got {starts.Length} START records.");
        Assert.All(starts, start => Assert.Equal(userAgent, start.Text("user_agent.original")));
        Assert.Contains("Chrom", userAgent, StringComparison.Ordinal);

        var loginStart = Assert.Single(starts, s => s.Text("http.request.method") == "POST" && s.Text("url.path") == "/Account/Login");
        var login = Assert.Single(records, r => r.Logger == "Board.Web.Pages.Account.LoginModel" && r.Message == $"User {email} logged in");
        Assert.Equal(loginStart.TraceId, login.TraceId);
        Assert.Equal(email, login.Text("user.email"));
        Assert.Equal(loginStart.Text("request.id"), login.Text("request.id"));
        Assert.Equal("Information", login.Level);

        var post = Assert.Single(records, r => r.Message.StartsWith("Post ", StringComparison.Ordinal) && r.Message.Contains(" created on board ", StringComparison.Ordinal));
        var postStart = Assert.Single(starts, s => s.TraceId == post.TraceId);
        Assert.Equal(boardPath, postStart.Text("url.path"));
    }

    [GeneratedRegex("/b/[^/?#]+$")]
    private static partial Regex BoardUrl();

    /// <summary>Waits until stdout holds the END record of every listed request and returns every record.</summary>
    private async Task<IReadOnlyList<SinkRecord>> WaitForRecordsAsync(params (string Method, string Path)[] requests)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var records = App.StandardOutput.Select(SinkRecord.FromJsonLine).OfType<SinkRecord>().ToArray();
            var missing = requests.Where(q => !records.Any(r =>
                r.Is("RequestCompleted") && r.Text("http.request.method") == q.Method && r.Text("url.path") == q.Path)).ToArray();
            if (missing.Length == 0)
            {
                return records;
            }

            if (clock.Elapsed > Timeout)
            {
                throw new TimeoutException(
                    $"No END record on stdout for {string.Join(", ", missing.Select(m => $"{m.Method} {m.Path}"))}.{Environment.NewLine}{App.OutputTail()}");
            }

            await Task.Delay(50);
        }
    }
}
