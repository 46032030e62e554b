using Board.ServiceDefaults.Drops;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The SDK's batch processor for the stdout exporter. It only marks its own calls, so that a record the SDK drops
/// while this processor queues it is counted for stdout (see <see cref="DroppedRecordCounter"/>).
/// </summary>
internal sealed class StdoutProcessor(StdoutExporter exporter, ConsoleSinkOptions options)
    : BatchLogRecordExportProcessor(
        exporter,
        maxQueueSize: options.MaxQueueSize,
        scheduledDelayMilliseconds: options.ScheduledDelayMilliseconds,
        maxExportBatchSize: options.MaxExportBatchSize)
{
    public override void OnEnd(LogRecord data)
    {
        using var stdout = DroppedRecordCounter.Queueing(DroppedRecordCounter.StdoutSink);
        base.OnEnd(data);
    }
}
