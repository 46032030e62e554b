using System.Globalization;
using System.Text;
using Board.ServiceDefaults.Sinks;

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
        Span<byte> utf8 = stackalloc byte[27];

        JsonLineFormatter.WriteTimestamp(timestamp, utf8);

        Assert.Equal(expected, Encoding.ASCII.GetString(utf8));
    }

    [Fact]
    public void A_local_time_is_written_in_utc()
    {
        var utc = new DateTime(2026, 11, 24, 3, 22, 39, DateTimeKind.Utc);
        Span<byte> utf8 = stackalloc byte[27];

        JsonLineFormatter.WriteTimestamp(utc.ToLocalTime(), utf8);

        Assert.Equal("2026-11-24T03:22:39.000000Z", Encoding.ASCII.GetString(utf8));
    }

    [Fact]
    public void Consecutive_timestamps_within_a_second_and_across_seconds_days_and_back_are_each_right()
    {
        string[] sequence =
        [
            "2026-11-24T03:22:39.5585779Z", "2026-11-24T03:22:39.0000010Z", "2026-11-24T03:22:40.1000000Z",
            "2026-11-24T03:22:39.9999999Z", "2026-11-25T03:22:39.1234567Z", "0001-01-01T00:00:00.0000000Z",
            "0001-01-01T00:00:00.5000000Z", "2026-11-24T03:22:39.2000000Z",
        ];
        Span<byte> utf8 = stackalloc byte[27];
        foreach (var roundTrip in sequence)
        {
            var timestamp = DateTime.Parse(roundTrip, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

            JsonLineFormatter.WriteTimestamp(timestamp, utf8);

            Assert.Equal(roundTrip[..26] + "Z", Encoding.ASCII.GetString(utf8));
        }
    }
}
