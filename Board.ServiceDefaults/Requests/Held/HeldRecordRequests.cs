using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// What the request logging does with held records: opens a buffer for each request when the feature is on, and when
/// the END entry is written at <see cref="HeldRecordsOptions.WriteFromLevel"/> or above, writes the held records just
/// before it, straight to the OpenTelemetry provider's logger (past the level filter that kept them back), so every
/// sink gets them, with every field, in their original order.
/// </summary>
internal sealed class HeldRecordRequests(LoggingOptions options, HeldRecordBudget budget, OpenTelemetryLoggerProvider openTelemetry)
{
    private readonly HeldRecordsOptions _options = options.Requests.HeldRecords;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public HeldRecordBuffer Open() => new(_options, budget);

    /// <summary>Called just before the END entry is written at <paramref name="endLevel"/>.</summary>
    public void WriteIfFailed(HeldRecordBuffer? buffer, LogLevel endLevel)
    {
        if (buffer is null || endLevel < _options.WriteFromLevel)
        {
            return;
        }

        foreach (var record in buffer.Close())
        {
            var logger = _loggers.GetOrAdd(record.Category, static (category, provider) => provider.CreateLogger(category), openTelemetry);
            logger.Log(record.Level, record.EventId, record, record.Exception, HeldRecord.Format);
        }
    }
}
