using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Sinks;

/// <summary>Turns one enriched record into the bytes of one line (or, for text with a stack trace, a few).</summary>
internal interface ILineFormatter
{
    /// <summary>The span is valid until the next call on the same instance.</summary>
    ReadOnlySpan<byte> Format(LogRecord record);
}
