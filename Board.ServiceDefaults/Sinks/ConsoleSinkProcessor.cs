using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The stdout sink: formats each enriched record on the calling thread (the record is only valid during the
/// call) and hands the bytes to the <see cref="LineWriter"/>, which writes them on its own thread.
/// </summary>
internal sealed class ConsoleSinkProcessor(Func<Resource, ILineFormatter> createFormatter, LineWriter writer) : BaseProcessor<LogRecord>
{
    private ILineFormatter? _formatter;
    private long _failedRecords;

    public LineWriter Writer => writer;

    /// <summary>Records that could not be formatted, or were logged in a loop (counted as dropped).</summary>
    public long FailedRecords => Interlocked.Read(ref _failedRecords);

    public override void OnEnd(LogRecord data)
    {
        if (RecordNesting.IsTooDeep)
        {
            // Logged by a value's ToString() while a record that was itself logged that way is written: a loop.
            Interlocked.Increment(ref _failedRecords);
            return;
        }

        try
        {
            // The formatter needs the provider's resource, known only once this processor is attached to it.
            var formatter = _formatter ??= createFormatter(ParentProvider.GetResource());
            writer.Write(formatter.Format(data));
        }
        catch (Exception)
        {
            // Logging never throws into the code that logged; the loss is counted and reported.
            Interlocked.Increment(ref _failedRecords);
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) =>
        writer.Flush(timeoutMilliseconds < 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(timeoutMilliseconds));

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var flushed = OnForceFlush(timeoutMilliseconds);
        writer.Dispose();
        return flushed;
    }
}
