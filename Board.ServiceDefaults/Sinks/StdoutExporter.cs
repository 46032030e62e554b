using System.Buffers;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The stdout sink, an exporter under the SDK's batch processor (<see cref="StdoutProcessor"/>) as OTLP's is; a record
/// that cannot be formatted or written is counted in <see cref="FailedRecords"/>, never thrown.
/// </summary>
/// <remarks>
/// Note: the batch processor calls <see cref="Export"/> from one thread at a time (its worker, or a flush or shutdown
/// while the worker waits), so the buffer and the formatter need no lock.
/// </remarks>
internal sealed class StdoutExporter(Stream output, Func<Resource, ILineFormatter> createFormatter) : BaseExporter<LogRecord>
{
    // Lines are gathered up to this size and written together: one system call for a batch, not one for a line.
    private const int WriteThreshold = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _lines = new(WriteThreshold + 16 * 1024);
    private ILineFormatter? _formatter;
    private long _failedRecords;

    /// <summary>Records that could not be formatted or written (counted as dropped on stdout).</summary>
    public long FailedRecords => Interlocked.Read(ref _failedRecords);

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        // The formatter needs the provider's resource, known only once the processor is attached to a provider.
        var formatter = _formatter ??= createFormatter(ParentProvider.GetResource());
        var gathered = 0;
        var result = ExportResult.Success;
        foreach (var record in batch)
        {
            try
            {
                var line = formatter.Format(record);
                line.CopyTo(_lines.GetSpan(line.Length));
                _lines.Advance(line.Length);
                gathered++;
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failedRecords);
                result = ExportResult.Failure;
            }

            if (_lines.WrittenCount >= WriteThreshold && !Write(ref gathered))
            {
                result = ExportResult.Failure;
            }
        }

        return Write(ref gathered) ? result : ExportResult.Failure;
    }

    private bool Write(ref int gathered)
    {
        if (gathered == 0)
        {
            return true;
        }

        try
        {
            output.Write(_lines.WrittenSpan);
            return true;
        }
        catch (Exception)
        {
            Interlocked.Add(ref _failedRecords, gathered);
            return false;
        }
        finally
        {
            _lines.ResetWrittenCount();
            gathered = 0;
        }
    }
}
