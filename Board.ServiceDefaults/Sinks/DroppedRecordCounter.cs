using System.Diagnostics.Metrics;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Counts every record a sink had to drop, so that no loss is silent: stdout drops come from the
/// <see cref="ConsoleSinkProcessor"/>; OTLP queue overflows from the OpenTelemetry SDK's own
/// <c>otel.sdk.processor.log.processed</c> measurements (error.type queue_full / already_shutdown), which the
/// SDK records only while someone listens. Exposed as the metric <c>board.logging.records.dropped</c>.
/// </summary>
internal sealed class DroppedRecordCounter : IDisposable
{
    public const string MeterName = "Board.ServiceDefaults.Logging";

    private readonly MeterListener _listener = new();
    private readonly Meter _meter = new(MeterName);
    private ConsoleSinkProcessor? _console;
    private Requests.Held.HeldRecordBudget? _held;
    private long _otlpQueueFull;
    private long _otlpAfterShutdown;

    public DroppedRecordCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "otel.sdk.experimental" && instrument.Name == "otel.sdk.processor.log.processed")
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((DroppedRecordCounter)state!).OnProcessed(value, tags));
        _listener.Start();

        _meter.CreateObservableCounter(
            "board.logging.records.dropped",
            () => new[]
            {
                new Measurement<long>(StdoutDropped, new KeyValuePair<string, object?>("log.sink", "stdout")),
                new Measurement<long>(OtlpDropped, new KeyValuePair<string, object?>("log.sink", "otlp")),
                // Records below the level that a request could not hold (Requests:HeldRecords bounds), by reason.
                HeldMeasurement(_held?.DroppedForRequestLimit ?? 0, "request_limit"),
                HeldMeasurement(_held?.DroppedForInFlightLimit ?? 0, "in_flight_limit"),
                HeldMeasurement(_held?.DroppedForCaptureFailure ?? 0, "capture_failed"),
            },
            unit: "{log_record}",
            description: "Log records a sink dropped instead of delaying the application.");
    }

    public long StdoutDropped => _console is null ? 0 : _console.Writer.DroppedLines + _console.FailedRecords;

    public long OtlpDropped => Interlocked.Read(ref _otlpQueueFull) + Interlocked.Read(ref _otlpAfterShutdown);

    /// <summary>Held records let go for the bounds or because they could not be taken, all reasons together.</summary>
    public long HeldDropped => _held?.Dropped ?? 0;

    public void Attach(ConsoleSinkProcessor console) => _console = console;

    public void Attach(Requests.Held.HeldRecordBudget held) => _held = held;

    private static Measurement<long> HeldMeasurement(long value, string reason) =>
        new(value, new KeyValuePair<string, object?>("log.sink", "held"), new KeyValuePair<string, object?>("error.type", reason));

    /// <summary>The meter of this counter's instrument (each counter has its own), for a reader to tell them apart.</summary>
    internal Meter Meter => _meter;

    private void OnProcessed(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key != "error.type")
            {
                continue;
            }

            if (tag.Value is "queue_full")
            {
                Interlocked.Add(ref _otlpQueueFull, value);
            }
            else if (tag.Value is "already_shutdown")
            {
                Interlocked.Add(ref _otlpAfterShutdown, value);
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }
}
