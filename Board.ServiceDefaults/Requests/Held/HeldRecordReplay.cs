using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// Gives a held record, written after its request failed, the time and span it was logged with. Runs before the
/// enrichment, so every sink writes those.
/// </summary>
internal sealed class HeldRecordReplay : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.Attributes is HeldRecord held)
        {
            data.Timestamp = held.Timestamp;
            data.TraceId = held.Context.TraceId;
            data.SpanId = held.Context.SpanId;
            data.TraceFlags = held.Context.TraceFlags;
        }
    }
}
