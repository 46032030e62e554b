using Board.ServiceDefaults.Drops;
using System.Diagnostics.Metrics;
using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Board.Tests.Drops;

/// <summary>
/// The drop count as a metric (docs/reliability.md): <c>board.logging.records.dropped</c>, series by <c>log.sink</c>
/// (and by <c>error.type</c> for held records), fed on the OTLP side by the OpenTelemetry SDK's own processed-records measurements.
/// Alone: every counter in the process hears the SDK's instrument, so the drops staged here would reach the counters
/// of tests running beside it.
/// </summary>
[Collection(Name)]
public sealed class DroppedRecordMetricTests
{
    public const string Name = "SDK drop measurements";

    [Fact]
    public void Records_the_sdk_reports_as_not_queued_are_the_otlp_series_and_stdout_drops_the_stdout_series()
    {
        var stdout = new FailingStream();
        using var harness = new LoggingHarness(services: s => s.AddSingleton(new LogOutput(stdout)));
        harness.Logger.LogInformation("Lost {i}", 1);
        harness.Logger.LogInformation("Lost {i}", 2);
        harness.Flush();
        var counter = harness.Services.GetRequiredService<DroppedRecordCounter>();

        // The SDK's instrument, as OpenTelemetry names it and tags it.
        using var sdk = new Meter("otel.sdk.experimental");
        var processed = sdk.CreateCounter<long>("otel.sdk.processor.log.processed");
        processed.Add(5, new KeyValuePair<string, object?>("error.type", "queue_full"));
        processed.Add(2, new KeyValuePair<string, object?>("error.type", "already_shutdown"));
        processed.Add(40);
        processed.Add(9, new KeyValuePair<string, object?>("error.type", "something_else"));

        var series = Observe(counter);

        Assert.Equal("{log_record}", series.Unit);
        Assert.Equal(2, series.Values["stdout"]);
        Assert.Equal(7, series.Values["otlp"]);
        Assert.Equal(0, series.Values["held/request_limit"]);
        Assert.Equal(5, series.Values.Count);
    }

    [Fact]
    public void Held_records_let_go_are_series_of_their_own_by_reason()
    {
        using var harness = new LoggingHarness();
        var budget = harness.Services.GetRequiredService<Board.ServiceDefaults.Requests.Held.HeldRecordBudget>();
        budget.CountRequestLimitDrop();
        budget.CountRequestLimitDrop();
        budget.CountCaptureFailure();
        Assert.False(budget.TryTake(64 * 1024 * 1024), "a record past the in-flight bound is not held");

        var series = Observe(harness.Services.GetRequiredService<DroppedRecordCounter>());

        Assert.Equal(2, series.Values["held/request_limit"]);
        Assert.Equal(1, series.Values["held/in_flight_limit"]);
        Assert.Equal(1, series.Values["held/capture_failed"]);
        Assert.Equal(0, series.Values["stdout"]);
    }

    [Fact]
    public void A_record_written_to_stdout_after_otlp_shut_down_is_counted_as_such_not_as_a_full_queue()
    {
        using var harness = WithOtlpFallback();
        var counter = harness.Services.GetRequiredService<DroppedRecordCounter>();
        Assert.True(harness.Services.GetRequiredService<LoggerProvider>().Shutdown(10_000));

        harness.Logger.LogInformation("After {step}", "shutdown");

        Assert.Contains("\"After shutdown\"", harness.Stdout.Text, StringComparison.Ordinal);
        var series = Observe(counter, "board.logging.records.fallback");
        Assert.Equal(1, series.Values["stdout/already_shutdown"]);
        Assert.Equal(0, series.Values["stdout/queue_full"]);
    }

    [Fact]
    public void A_fallback_mark_another_pipeline_left_on_the_thread_does_not_take_this_pipelines_drops()
    {
        // A second host in the process (a test server, say) with the fallback on: the OTLP processor queues the record,
        // so its mark stays on this thread.
        using var other = WithOtlpFallback();
        other.Logger.LogInformation("Queued for OTLP");
        using var harness = new LoggingHarness();
        var counter = harness.Services.GetRequiredService<DroppedRecordCounter>();

        // This host's stdout processor could not queue a record, on the same thread.
        using var sdk = new Meter("otel.sdk.experimental");
        var processed = sdk.CreateCounter<long>("otel.sdk.processor.log.processed");
        using (DroppedRecordCounter.Queueing(DroppedRecordCounter.StdoutSink))
        {
            processed.Add(1, new KeyValuePair<string, object?>("error.type", "queue_full"));
        }

        Assert.Equal(1, Observe(counter).Values["stdout"]);
    }

    // OTLP logs to a port nobody listens on, failing fast, with stdout as its fallback.
    private static LoggingHarness WithOtlpFallback() => new(new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://127.0.0.1:9/v1/logs",
        ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000",
        ["StructuredLogging:Otlp:Retry"] = "None",
        ["StructuredLogging:Console:Fallback"] = "true",
    });

    // The values a metric reader would collect now from one of the counter's instruments, by the log.sink tag.
    private static (string? Unit, Dictionary<string, long> Values) Observe(DroppedRecordCounter counter, string instrumentName = "board.logging.records.dropped")
    {
        string? unit = null;
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This counter's instrument only: a host another test left running would have one of its own.
            if (ReferenceEquals(instrument.Meter, counter.Meter) && instrument.Name == instrumentName)
            {
                unit = instrument.Unit;
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // A series is named by its sink, and by its reason where it has one: "held/request_limit".
            string? sink = null, reason = null;
            foreach (var tag in tags)
            {
                sink = tag.Key == "log.sink" ? (string)tag.Value! : sink;
                reason = tag.Key == "error.type" ? (string)tag.Value! : reason;
            }

            values[reason is null ? sink! : $"{sink}/{reason}"] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.NotNull(unit);
        Assert.Equal(DroppedRecordCounter.MeterName, counter.Meter.Name);
        return (unit, values);
    }
}

[CollectionDefinition(DroppedRecordMetricTests.Name, DisableParallelization = true)]
public sealed class SdkDropMeasurementsCollection;
