using Board.ServiceDefaults.Drops;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Writes a record the OTLP batch processor cannot queue to stdout, on the logging thread
/// (<c>StructuredLogging:Console:Fallback</c>; see docs/reliability.md, "The stdout fallback").
/// </summary>
/// <remarks>
/// Note: runs just before the OTLP batch processor and marks the thread with the record it passes on, since the SDK
/// reports a record it cannot queue only in a measurement on that thread; a queued record's mark stays, as no other
/// batch processor runs with the fallback on. A batch whose export fails never reaches here: the SDK hands an
/// exporter's result no records.
/// </remarks>
internal sealed class OtlpFallback(Stream output, Func<Resource, ILineFormatter> createFormatter) : BaseProcessor<LogRecord>
{
    private readonly Lock _writing = new();
    private ILineFormatter? _formatter;
    private long _writtenQueueFull;
    private long _writtenShutdown;
    private long _lost;

    /// <summary>Records written to stdout because the OTLP batch processor's queue was full.</summary>
    public long QueueFullRecords => Interlocked.Read(ref _writtenQueueFull);

    /// <summary>Records written to stdout because the OTLP batch processor had shut down.</summary>
    public long ShutdownRecords => Interlocked.Read(ref _writtenShutdown);

    /// <summary>Records that OTLP could not queue and that could not be written to stdout either.</summary>
    public long LostRecords => Interlocked.Read(ref _lost);

    public override void OnEnd(LogRecord data) => DroppedRecordCounter.Queueing(this, data);

    /// <summary>Writes a record the OTLP batch processor could not queue.</summary>
    public void WriteUnqueued(LogRecord record, bool shutdown)
    {
        lock (_writing)
        {
            try
            {
                _formatter ??= createFormatter(ParentProvider.GetResource());
                output.Write(_formatter.Format(record));
                Interlocked.Increment(ref shutdown ? ref _writtenShutdown : ref _writtenQueueFull);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _lost);
            }
        }
    }
}
