using Board.ServiceDefaults.Drops;
using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Drops;

/// <summary>No drop is silent: one warning that states how many, and none when nothing was dropped.</summary>
public sealed class DroppedRecordReporterTests
{
    private const string ReporterCategory = "Board.ServiceDefaults.Drops.DroppedRecordReporter";

    [Fact]
    public void Records_dropped_on_stdout_are_reported_by_one_warning_with_the_count()
    {
        var stdout = new FailingStream();
        using var harness = new LoggingHarness(services: s => s.AddSingleton(new LogOutput(stdout)));
        for (var i = 0; i < 3; i++)
        {
            harness.Logger.LogInformation("Lost {i}", i);
        }

        harness.Flush();
        var counter = harness.Services.GetRequiredService<DroppedRecordCounter>();
        Assert.Equal(3, counter.StdoutDropped);

        Reporter(harness).Report();

        var warning = Assert.Single(harness.Exported, r => r.CategoryName == ReporterCategory);
        Assert.Equal(LogLevel.Warning, warning.LogLevel);
        Assert.Contains(warning.Attributes!, a => a.Key == "log.dropped.stdout" && Convert.ToInt64(a.Value, System.Globalization.CultureInfo.InvariantCulture) == 3);
        Assert.Contains(warning.Attributes!, a => a.Key == "log.dropped.otlp" && Convert.ToInt64(a.Value, System.Globalization.CultureInfo.InvariantCulture) == 0);
        Assert.StartsWith("Log records were dropped since the last report: 3 on stdout, 0 for OTLP", warning.FormattedMessage);
    }

    [Fact]
    public void Held_records_let_go_are_reported_with_the_other_drops()
    {
        using var harness = new LoggingHarness();
        var budget = harness.Services.GetRequiredService<Board.ServiceDefaults.Requests.Held.HeldRecordBudget>();
        budget.CountRequestLimitDrop();
        budget.CountCaptureFailure();

        Reporter(harness).Report();
        harness.Flush();

        var warning = Assert.Single(harness.Exported, r => r.CategoryName == ReporterCategory);
        Assert.Contains(warning.Attributes!, a => a.Key == "log.dropped.held" && Convert.ToInt64(a.Value, System.Globalization.CultureInfo.InvariantCulture) == 2);
        Assert.StartsWith("Log records were dropped since the last report: 0 on stdout, 0 for OTLP, 2 held records let go", warning.FormattedMessage);
    }

    [Fact]
    public void Nothing_dropped_means_no_warning()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Kept");
        harness.Flush();

        Reporter(harness).Report();
        Reporter(harness).Report();

        Assert.Equal(0, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
        Assert.DoesNotContain(harness.Exported, r => r.CategoryName == ReporterCategory);
        Assert.Single(harness.JsonLines());
    }

    private static DroppedRecordReporter Reporter(LoggingHarness harness) =>
        harness.Services.GetServices<IHostedService>().OfType<DroppedRecordReporter>().Single();
}
