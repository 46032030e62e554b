using Board.ServiceDefaults.Drops;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The stdout fallback of OTLP log export (<c>StructuredLogging:Console:Fallback</c>): a record the OTLP batch
/// processor cannot queue (its queue is full, or it has shut down) is written to stdout at once, on the thread that
/// logged it, marked <c>log.fallback: true</c>, and counted; a line that cannot be written is counted as lost.
/// </summary>
/// <remarks>
/// Note: this processor runs just before the OTLP batch processor and marks the thread with the record it passes on
/// (<see cref="DroppedRecordCounter.Queueing(OtlpFallback, LogRecord)"/>); the SDK reports a record it cannot queue in a
/// measurement on that thread, while the record is still the logger's. The mark is replaced by the next record's and
/// not cleared: with the fallback on, the OTLP processor is the only batch processor, so no other measurement reads it.
/// Note: a batch whose export fails is not visible here (the SDK hands an exporter's result no records); it is kept
/// by the exporter's retry (see docs/reliability.md).
/// </remarks>
internal sealed class OtlpFallback(Stream output, Func<Resource, ILineFormatter> createFormatter) : BaseProcessor<LogRecord>
{
    private readonly Lock _writing = new();
    private ILineFormatter? _formatter;
    private long _written;
    private long _lost;

    /// <summary>Records written to stdout because the OTLP batch processor could not queue them.</summary>
    public long WrittenRecords => Interlocked.Read(ref _written);

    /// <summary>Records that OTLP could not queue and that could not be written to stdout either.</summary>
    public long LostRecords => Interlocked.Read(ref _lost);

    public override void OnEnd(LogRecord data) => DroppedRecordCounter.Queueing(this, data);

    /// <summary>Writes a record the OTLP batch processor could not queue.</summary>
    public void WriteUnqueued(LogRecord record)
    {
        lock (_writing)
        {
            try
            {
                _formatter ??= createFormatter(ParentProvider.GetResource());
                output.Write(_formatter.Format(record));
                Interlocked.Increment(ref _written);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _lost);
            }
        }
    }
}
