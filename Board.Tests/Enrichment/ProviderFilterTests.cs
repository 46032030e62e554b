using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Board.Tests.Enrichment;

/// <summary>A filter written for the OpenTelemetry provider applies, whether it names the provider's alias or its type.</summary>
public sealed class ProviderFilterTests
{
    [Fact]
    public void A_filter_for_the_provider_type_applies()
    {
        using var harness = new LoggingHarness(services: s => s.Configure<LoggerFilterOptions>(o => o.AddFilter<OpenTelemetryLoggerProvider>("Board.Tests.Quiet", LogLevel.Warning)));
        harness.LoggerFactory.CreateLogger("Board.Tests.Quiet").LogInformation("Left out");
        harness.LoggerFactory.CreateLogger("Board.Tests.Quiet").LogWarning("Written");

        Assert.Equal(["Written"], harness.JsonLines().Select(l => l.Text("message")));
    }

    [Fact]
    public void A_filter_for_the_provider_alias_applies()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["Logging:OpenTelemetry:LogLevel:Board.Tests.Quiet"] = "Warning" });
        harness.LoggerFactory.CreateLogger("Board.Tests.Quiet").LogInformation("Left out");
        harness.LoggerFactory.CreateLogger("Board.Tests.Quiet").LogWarning("Written");

        Assert.Equal(["Written"], harness.JsonLines().Select(l => l.Text("message")));
    }
}
