using System.Globalization;
using Board.ServiceDefaults;
using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.Tests.Sinks;

public sealed class TimestampTests
{
    [Theory]
    [InlineData("2026-11-24T03:22:39.5585779Z", "2026-11-24T03:22:39.558577Z")]
    [InlineData("0001-01-01T00:00:00.0000000Z", "0001-01-01T00:00:00.000000Z")]
    [InlineData("2024-02-29T23:59:59.9999999Z", "2024-02-29T23:59:59.999999Z")]
    [InlineData("2030-07-04T09:05:03.0000010Z", "2030-07-04T09:05:03.000001Z")]
    public void Timestamps_are_utc_with_six_fraction_digits(string roundTrip, string expected)
    {
        var timestamp = DateTime.Parse(roundTrip, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        Assert.Equal(expected, Written(timestamp));
    }

    [Fact]
    public void A_local_time_is_written_in_utc()
    {
        var utc = new DateTime(2026, 11, 24, 3, 22, 39, DateTimeKind.Utc);

        Assert.Equal("2026-11-24T03:22:39.000000Z", Written(utc.ToLocalTime()));
    }

    [Fact]
    public void A_time_of_unspecified_kind_is_taken_as_utc()
    {
        Assert.Equal("2026-11-24T03:22:39.000000Z", Written(new DateTime(2026, 11, 24, 3, 22, 39, DateTimeKind.Unspecified)));
    }

    // A record's time as the line writes it: the formatter is given a record whose time is set as a processor would.
    private static string Written(DateTime timestamp)
    {
        var records = new List<LogRecord>();
        using (var harness = new LoggingHarness(services: s => { }))
        {
            harness.Logger.LogInformation("Timed");
            harness.Flush();
            records.Add(Assert.Single(harness.Exported));
        }

        var record = records[0];
        record.Timestamp = timestamp;
        var formatter = new JsonLineFormatter(new JsonLineOptions(), 4096, ResourceBuilder.CreateEmpty().Build());
        using var line = System.Text.Json.JsonDocument.Parse(formatter.Format(record).ToArray());
        return line.RootElement.GetProperty("timestamp").GetString()!;
    }
}
