using System.Diagnostics.Metrics;
using Board.ServiceDefaults.Requests.Held;
using Board.ServiceDefaults.Sinks;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Drops;

/// <summary>
/// Counts every record a sink had to drop, as <c>board.logging.records.dropped</c> by <c>log.sink</c>
/// (docs/reliability.md, "What is dropped, when, and how it is counted").
/// </summary>
/// <remarks>
/// Note: the SDK reports a record a batch processor cannot queue only in <c>otel.sdk.processor.log.processed</c>, on
/// the logging thread, naming the processor by a number; so <see cref="StdoutProcessor"/> marks the thread while it
/// queues (<see cref="Queueing(string)"/>), and an unmarked drop is OTLP's: Board adds no other batch processor.
/// <see cref="OtlpFallback"/> marks the thread with the record instead, which then goes to stdout.
/// </remarks>
internal sealed class DroppedRecordCounter : IDisposable
{
    public const string MeterName = "Board.ServiceDefaults.Logging";
    public const string StdoutSink = "stdout";

    [ThreadStatic] private static string? t_queueingSink;
    [ThreadStatic] private static (OtlpFallback Fallback, LogRecord Record)? t_fallback;

    private readonly MeterListener _listener = new();
    private readonly StdoutExporter? _stdout;
    private readonly HeldRecordBudget? _held;
    private readonly OtlpFallback? _fallback;
    private long _stdoutQueueDrops;
    private long _otlpQueueDrops;

    public DroppedRecordCounter(StdoutExporter? stdout, HeldRecordBudget? held, OtlpFallback? fallback)
    {
        _stdout = stdout;
        _held = held;
        _fallback = fallback;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "otel.sdk.experimental" && instrument.Name == "otel.sdk.processor.log.processed")
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((DroppedRecordCounter)state!).OnProcessed(value, tags));
        _listener.Start();

        Meter.CreateObservableCounter(
            "board.logging.records.dropped",
            () => new[]
            {
                new Measurement<long>(StdoutDropped, new KeyValuePair<string, object?>("log.sink", StdoutSink)),
                new Measurement<long>(OtlpDropped, new KeyValuePair<string, object?>("log.sink", "otlp")),
                // Records below the level that a request could not hold (Requests:HeldRecords bounds), by reason.
                ByReason(_held?.DroppedForRequestLimit ?? 0, "held", "request_limit"),
                ByReason(_held?.DroppedForInFlightLimit ?? 0, "held", "in_flight_limit"),
                ByReason(_held?.DroppedForCaptureFailure ?? 0, "held", "capture_failed"),
            },
            unit: "{log_record}",
            description: "Log records a sink dropped instead of delaying the application.");
        Meter.CreateObservableCounter(
            "board.logging.records.fallback",
            () => new[]
            {
                // By sink, as every board.* counter is: the collector declares them by it.
                ByReason(_fallback?.QueueFullRecords ?? 0, StdoutSink, "queue_full"),
                ByReason(_fallback?.ShutdownRecords ?? 0, StdoutSink, "already_shutdown"),
            },
            unit: "{log_record}",
            description: "Log records written to stdout because OTLP could not take them (StructuredLogging:Console:Fallback).");
    }

    public long StdoutDropped => Interlocked.Read(ref _stdoutQueueDrops) + (_stdout?.FailedRecords ?? 0);

    public long OtlpDropped => Interlocked.Read(ref _otlpQueueDrops) + (_fallback?.LostRecords ?? 0);

    /// <summary>Records written to stdout because OTLP could not take them, all reasons together.</summary>
    public long FallbackRecords => (_fallback?.QueueFullRecords ?? 0) + (_fallback?.ShutdownRecords ?? 0);

    /// <summary>Held records let go for the bounds or because they could not be taken, all reasons together.</summary>
    public long HeldDropped => _held?.Dropped ?? 0;

    /// <summary>The meter of this counter's instrument (each counter has its own), for a reader to tell them apart.</summary>
    internal Meter Meter { get; } = new(MeterName);

    /// <summary>Marks this thread as queueing a record for <paramref name="sink"/> until the scope is disposed.</summary>
    public static QueueingScope Queueing(string sink)
    {
        t_queueingSink = sink;
        return default;
    }

    /// <summary>Marks this thread as queueing <paramref name="record"/> for OTLP, with stdout as its fallback.</summary>
    public static void Queueing(OtlpFallback fallback, LogRecord record) => t_fallback = (fallback, record);

    private static Measurement<long> ByReason(long value, string sink, string reason) =>
        new(value, new KeyValuePair<string, object?>("log.sink", sink), new KeyValuePair<string, object?>("error.type", reason));

    private void OnProcessed(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key != "error.type" || tag.Value is not ("queue_full" or "already_shutdown"))
            {
                continue;
            }

            // A mark is this pipeline's only if its fallback is: another host in the process may have left one here.
            if (t_fallback is { } fallback && ReferenceEquals(fallback.Fallback, _fallback))
            {
                // Once per record, whatever the measurement's value.
                t_fallback = null;
                fallback.Fallback.WriteUnqueued(fallback.Record, shutdown: tag.Value is "already_shutdown");
            }
            else if (t_queueingSink == StdoutSink)
            {
                Interlocked.Add(ref _stdoutQueueDrops, value);
            }
            else
            {
                Interlocked.Add(ref _otlpQueueDrops, value);
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        Meter.Dispose();
    }

    public readonly struct QueueingScope : IDisposable
    {
        public void Dispose() => t_queueingSink = null;
    }
}
