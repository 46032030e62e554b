using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Drops;

/// <summary>Writes one warning per interval in which records were dropped, with how many and where.</summary>
internal sealed class DroppedRecordReporter(DroppedRecordCounter counter, LoggingOptions options, ILogger<DroppedRecordReporter> logger)
    : BackgroundService
{
    private long _reportedFallback;
    private (long Stdout, long Otlp, long Held) _reportedDrops;

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

        (long Stdout, long Otlp, long Held) drops = (counter.StdoutDropped, counter.OtlpDropped, counter.HeldDropped);
        var last = _reportedDrops;
        if (drops == last)
        {
            return;
        }

        _reportedDrops = drops;
        logger.LogWarning(
            "Log records were dropped since the last report: {log.dropped.stdout} on stdout, {log.dropped.otlp} for OTLP, {log.dropped.held} held records let go ({log.dropped.stdout_total}, {log.dropped.otlp_total} and {log.dropped.held_total} since start)",
            drops.Stdout - last.Stdout,
            drops.Otlp - last.Otlp,
            drops.Held - last.Held,
            drops.Stdout,
            drops.Otlp,
            drops.Held);
    }
}
