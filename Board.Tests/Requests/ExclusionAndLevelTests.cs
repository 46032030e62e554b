using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

public sealed class ExclusionAndLevelTests
{
    [Fact]
    public async Task Health_and_alive_requests_are_not_logged_by_default()
    {
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/ping", () => "pong"));
        using var client = app.CreateClient();

        (await client.GetAsync("/health")).EnsureSuccessStatusCode();
        (await client.GetAsync("/alive")).EnsureSuccessStatusCode();
        (await client.GetAsync("/health/")).EnsureSuccessStatusCode();
        (await client.GetAsync("/ping")).EnsureSuccessStatusCode();

        var paths = app.Records().Where(r => r.EventName is "RequestStarted" or "RequestCompleted").Select(r => r["url.path"]).ToList();
        Assert.Equal(["/ping", "/ping"], paths);
    }

    [Fact]
    public async Task A_failing_excluded_request_is_still_logged_with_its_end_entry()
    {
        await using var failing = await TestWebApp.StartAsync(
            a => a.MapGet("/skip/me", () => Results.StatusCode(500)),
            settings: new Dictionary<string, string?> { ["StructuredLogging:Requests:ExcludedPaths:0"] = "/skip" });
        using var client = failing.CreateClient();

        await client.GetAsync("/skip/me");

        var records = failing.Records();
        Assert.DoesNotContain(records, r => r.EventName == "RequestStarted");
        var end = Assert.Single(records, r => r.EventName == "RequestCompleted");
        Assert.Equal(500, end["http.response.status_code"]);
        Assert.Equal(LogLevel.Error, end.Level);
    }

    [Fact]
    public async Task Configured_paths_replace_the_default_exclusions()
    {
        await using var app = await TestWebApp.StartAsync(
            a => { },
            settings: new Dictionary<string, string?> { ["StructuredLogging:Requests:ExcludedPaths:0"] = "/nothing" });
        using var client = app.CreateClient();

        (await client.GetAsync("/alive")).EnsureSuccessStatusCode();

        Assert.Equal(2, app.Records().Count(r => r.EventName is "RequestStarted" or "RequestCompleted"));
    }

    [Fact]
    public async Task The_request_category_at_Warning_keeps_only_the_end_entries_of_failed_requests()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/ok", () => "fine"),
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Board.Requests"] = "Warning" });
        using var client = app.CreateClient();

        (await client.GetAsync("/ok")).EnsureSuccessStatusCode();
        await client.GetAsync("/missing");

        var entries = app.Records().Where(r => r.EventName is "RequestStarted" or "RequestCompleted").ToList();
        var end = Assert.Single(entries);
        Assert.Equal("RequestCompleted", end.EventName);
        Assert.Equal("/missing", end["url.path"]);
        Assert.Equal(LogLevel.Warning, end.Level);
    }

    [Fact]
    public async Task Level_mapping_comes_from_configuration_with_exact_statuses_winning_over_classes()
    {
        await using var app = await TestWebApp.StartAsync(
            a =>
            {
                a.MapGet("/gone", () => Results.StatusCode(410));
                a.MapGet("/missing", () => Results.NotFound());
                a.MapGet("/unavailable", () => Results.StatusCode(503));
                a.MapGet("/ok", () => "ok");
                a.MapGet("/throws", string () => throw new InvalidOperationException("boom"));
            },
            settings: new Dictionary<string, string?>
            {
                ["StructuredLogging:Requests:StatusLevels:404"] = "Information",
                ["StructuredLogging:Requests:StatusLevels:5xx"] = "Critical",
                ["StructuredLogging:Requests:StatusLevels:2xx"] = "Debug",
                ["StructuredLogging:Requests:ExceptionLevel"] = "Critical",
                ["Logging:LogLevel:Board.Requests"] = "Debug",
            },
            kestrel: true);
        using var client = app.CreateClient();

        foreach (var path in new[] { "/gone", "/missing", "/unavailable", "/ok", "/throws" })
        {
            await client.GetAsync(path);
        }

        var levels = app.Records()
            .Where(r => r.EventName == "RequestCompleted")
            .ToDictionary(r => (string)r["url.path"]!, r => r.Level);
        Assert.Equal(LogLevel.Warning, levels["/gone"]);
        Assert.Equal(LogLevel.Information, levels["/missing"]);
        Assert.Equal(LogLevel.Critical, levels["/unavailable"]);
        Assert.Equal(LogLevel.Debug, levels["/ok"]);
        Assert.Equal(LogLevel.Critical, levels["/throws"]);
    }

    [Fact]
    public async Task A_level_below_the_minimum_writes_no_end_entry()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/ok", () => "ok"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:Requests:StatusLevels:2xx"] = "Debug" });
        using var client = app.CreateClient();

        (await client.GetAsync("/ok")).EnsureSuccessStatusCode();

        // The request was logged (its START entry), only its END entry is below the level.
        Assert.Contains(app.Records(), r => r.EventName == "RequestStarted");
        Assert.DoesNotContain(app.Records(), r => r.EventName == "RequestCompleted");
    }

    [Fact]
    public async Task The_framework_request_entries_are_off_by_default_and_can_be_kept()
    {
        const string hosting = "Microsoft.AspNetCore.Hosting.Diagnostics";
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" };
        await using (var app = await TestWebApp.StartAsync(a => a.MapGet("/ok", () => "ok"), settings))
        {
            using var client = app.CreateClient();
            (await client.GetAsync("/ok")).EnsureSuccessStatusCode();
            Assert.DoesNotContain(app.Records(), r => r.Category == hosting);
        }

        settings["StructuredLogging:Requests:KeepFrameworkRequestEntries"] = "true";
        await using (var app = await TestWebApp.StartAsync(a => a.MapGet("/ok", () => "ok"), settings))
        {
            using var client = app.CreateClient();
            (await client.GetAsync("/ok")).EnsureSuccessStatusCode();
            Assert.Contains(app.Records(), r => r.Category == hosting);
        }
    }

    [Fact]
    public async Task Board_logging_can_be_left_out_for_the_hosts_own_providers()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/ok", () => "ok"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:Enabled"] = "false" });
        using var client = app.CreateClient();

        (await client.GetAsync("/ok")).EnsureSuccessStatusCode();

        var providers = app.Services.GetServices<ILoggerProvider>().Select(p => p.GetType().Name).ToList();
        Assert.Contains("ConsoleLoggerProvider", providers);
        Assert.DoesNotContain(providers, p => p.Contains("OpenTelemetry", StringComparison.Ordinal) || p.Contains("SafeFormatting", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Services.GetServices<IStartupFilter>(), f => f.GetType().Namespace!.StartsWith("Board.ServiceDefaults", StringComparison.Ordinal));
        Assert.Empty(app.Stdout.Bytes);
    }

    [Fact]
    public async Task Request_logging_can_be_switched_off()
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/ok", () => "ok"),
            settings: new Dictionary<string, string?> { ["StructuredLogging:Requests:Enabled"] = "false" });
        using var client = app.CreateClient();

        (await client.GetAsync("/ok")).EnsureSuccessStatusCode();

        Assert.DoesNotContain(app.Records(), r => r.EventName is "RequestStarted" or "RequestCompleted");
    }
}
