using Aspire.Hosting.Testing;
using Board.Tests.EndToEnd;
using Microsoft.Playwright;

namespace Board.Tests.AspireHost;

/// <summary>
/// (d) The dashboard as a person sees it on a machine without a container runtime: Debian's Chromium, driven by
/// Playwright, signs in with the login URL the AppHost prints; the Resources page says why the collector is not
/// running, in its state and in the details of its row; web's Structured logs page shows the
/// START and END entries of a request the test has just made. Both pages are saved as screenshots in the test's
/// output folder, and with BOARD_DASHBOARD_SCREENSHOTS set to a folder, there too: the pictures in docs/ are made
/// that way.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_structured_logs_page_shows_the_START_and_END_entries_of_a_request()
    {
        Assert.True(File.Exists(BrowserTests.ChromiumPath),
            $"{BrowserTests.ChromiumPath} is missing: install Debian's chromium package (apt-get install chromium), as .ci/run does.");
        using var timeout = new CancellationTokenSource(BoardAppHost.TestTimeout);
        var cancellationToken = timeout.Token;
        // Auto, as a newcomer runs it: this machine's own answer where it has no runtime, a stopped one's elsewhere.
        using var runtime = new FakeContainerRuntime(1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
        string[] args = ContainerRuntimeFactAttribute.MachineHasUsableRuntime ? [runtime.Argument] : [];
        await using var host = await BoardAppHost.CreateAsync(args, enableDashboard: true, cancellationToken);
        var app = await host.StartAsync(cancellationToken);

        // A path no page has: its START and END entries are easy to find, and its END is a Warning (404).
        var path = "/dashboard-probe-" + Guid.NewGuid().ToString("N")[..12];
        using (var http = app.CreateHttpClient(BoardAppHost.WebName, "http"))
        using (var response = await http.GetAsync(path, cancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        var login = await app.GetDashboardUrlAsync(cancellationToken);
        using (var dashboard = await DashboardTelemetry.SignInAsync(login, cancellationToken))
        {
            // The page is opened once the records are there, so it does not depend on how it refreshes.
            await dashboard.WaitForLogsAsync(BoardAppHost.WebName, all => all.Any(r => r.Body.StartsWith($"GET {path} completed", StringComparison.Ordinal)), cancellationToken);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserTests.ChromiumPath,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Headless = true,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        page.SetDefaultTimeout((float)s_timeout.TotalMilliseconds);

        // The login URL sets the dashboard's auth cookie and redirects to the Resources page. The collector's row
        // names the reason; a click on it opens its details, which show the whole reason without "Show all".
        await page.GotoAsync(login.ToString());
        var collectorRow = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = AppHostModelTests.CollectorName });
        await collectorRow.GetByText("No container runtime", new LocatorGetByTextOptions { Exact = true }).WaitForAsync();
        await collectorRow.GetByText(AppHostModelTests.CollectorName, new LocatorGetByTextOptions { Exact = true }).First.ClickAsync();
        await SeeAsync(page, "aspire-resources.png", page.GetByText("so the OpenTelemetry Collector is not started"));

        // web's Structured logs page, filtered to the request as a person would search for it.
        await page.GotoAsync(new Uri(login, $"/structuredlogs/resource/{BoardAppHost.WebName}").ToString());
        await page.Locator("input[name=structured-logs-search]").FillAsync(path);
        await SeeAsync(page, "aspire-structured-logs.png",
            page.GetByText($"Incoming GET request to {path}"), page.GetByText($"GET {path} completed with status 404"));
    }

    /// <summary>Waits until every locator is visible, and saves what the page shows either way.</summary>
    private static async Task SeeAsync(IPage page, string screenshotName, params ILocator[] expected)
    {
        try
        {
            foreach (var locator in expected)
            {
                await locator.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            }
        }
        finally
        {
            var screenshot = Path.Combine(AppContext.BaseDirectory, screenshotName);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
            if (Environment.GetEnvironmentVariable("BOARD_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
            {
                File.Copy(screenshot, Path.Combine(folder, screenshotName), overwrite: true);
            }
        }
    }
}
