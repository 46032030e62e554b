using Board.ServiceDefaults;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Logs;

namespace Board.Tests.Sinks;

/// <summary>How Board's OTLP batch defaults and the standard OTEL_BLRP_* variables meet on the SDK's processor.</summary>
public sealed class OtlpBatchSettingsTests
{
    [Fact]
    public void Board_defaults_reach_the_batch_processor()
    {
        var processor = new LogRecordExportProcessorOptions();

        OtlpExport.ConfigureBatch(processor, new OtlpSinkOptions(), Configuration());

        var batch = processor.BatchExportProcessorOptions;
        Assert.Equal(65_536, batch.MaxQueueSize);
        Assert.Equal(1_000, batch.ScheduledDelayMilliseconds);

        // Well below the SDK's pool of 2,048 records (docs/performance.md, "Batch sizes").
        Assert.Equal(512, batch.MaxExportBatchSize);
    }

    [Fact]
    public void A_variable_that_is_set_wins_and_the_others_keep_Board_defaults()
    {
        var processor = new LogRecordExportProcessorOptions();

        // The SDK reads the variable into its options; Board must leave that value alone.
        processor.BatchExportProcessorOptions.MaxExportBatchSize = 300;
        OtlpExport.ConfigureBatch(processor, new OtlpSinkOptions(), Configuration(("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "300")));

        var batch = processor.BatchExportProcessorOptions;
        Assert.Equal(300, batch.MaxExportBatchSize);
        Assert.Equal(65_536, batch.MaxQueueSize);
        Assert.Equal(1_000, batch.ScheduledDelayMilliseconds);
    }

    [Fact]
    public void A_batch_never_exceeds_the_queue()
    {
        var processor = new LogRecordExportProcessorOptions();
        processor.BatchExportProcessorOptions.MaxQueueSize = 300;

        OtlpExport.ConfigureBatch(processor, new OtlpSinkOptions(), Configuration(("OTEL_BLRP_MAX_QUEUE_SIZE", "300")));
        Assert.Equal(300, processor.BatchExportProcessorOptions.MaxExportBatchSize);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
