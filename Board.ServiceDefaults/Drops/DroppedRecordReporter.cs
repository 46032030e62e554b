using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Drops;

/// <summary>Writes one warning per interval in which records were dropped, with how many and where.</summary>
internal sealed class DroppedRecordReporter(DroppedRecordCounter counter, LoggingOptions options, ILogger<DroppedRecordReporter> logger)
    : BackgroundService
{
    private long _reportedStdout;
    private long _reportedOtlp;
    private long _reportedHeld;
    private long _reportedFallback;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DropReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Report();
            }
        }
        catch (OperationCanceledException)
        {
        }

        Report();
    }

    internal void Report()
    {
        var fallback = counter.FallbackRecords;
        if (fallback != _reportedFallback)
        {
            logger.LogWarning(
                "OTLP could not take {log.fallback.count} log records since the last report; they were written to stdout ({log.fallback.total} since start)",
                fallback - _reportedFallback,
                fallback);
            _reportedFallback = fallback;
        }

        var stdout = counter.StdoutDropped;
        var otlp = counter.OtlpDropped;
        var held = counter.HeldDropped;
        var newStdout = stdout - _reportedStdout;
        var newOtlp = otlp - _reportedOtlp;
        var newHeld = held - _reportedHeld;
        if (newStdout == 0 && newOtlp == 0 && newHeld == 0)
        {
            return;
        }

        _reportedStdout = stdout;
        _reportedOtlp = otlp;
        _reportedHeld = held;
        logger.LogWarning(
            "Log records were dropped since the last report: {log.dropped.stdout} on stdout, {log.dropped.otlp} for OTLP, {log.dropped.held} held back by requests past their bounds ({log.dropped.stdout_total}, {log.dropped.otlp_total} and {log.dropped.held_total} since start)",
            newStdout,
            newOtlp,
            newHeld,
            stdout,
            otlp,
            held);
    }
}
