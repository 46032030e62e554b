using System.Text;
using System.Text.Json;
using Board.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Sinks;

/// <summary>
/// The JSON of the stdout sink: every string comes back from a JSON parser as it went in (lone surrogates as U+FFFD),
/// nothing that can break a line is left raw, and numbers and dates keep their JSON forms.
/// </summary>
public sealed class JsonEscapingTests
{
    [Fact]
    public void Every_utf16_code_unit_round_trips_through_a_json_parser()
    {
        var values = new List<string>();
        var expected = new List<string>();
        for (var start = 0; start <= 0xFFFF; start += 1000)
        {
            var text = new StringBuilder();
            var wanted = new StringBuilder();
            for (var c = start; c < Math.Min(start + 1000, 0x10000); c++)
            {
                // Alone between two letters, a surrogate has no partner: it is written as U+FFFD.
                text.Append((char)c).Append('x');
                wanted.Append(char.IsSurrogate((char)c) ? '\uFFFD' : (char)c).Append('x');
            }

            values.Add(text.ToString());
            expected.Add(wanted.ToString());
        }

        Assert.Equal(expected, RoundTrip(values));
    }

    [Fact]
    public void Random_text_with_pairs_escapes_and_non_ascii_round_trips()
    {
        var random = new Random(20261124);
        string[] pieces = ["a", "\"", "\\", "\n", "\r\n", "\t", "\0", "\u001f", "\u007f", "\u0085", "\u00a0", "\u00e9",
            "\u2028", "\u2029", "\u2014", "\u20ac", "\u65e5", "\U0001F389", "\uD800", "\uDC00", "</script>", " "];
        var values = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(1, 40); n > 0; n--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            values.Add(text.ToString());
        }

        // Only surrogates that end up unpaired are replaced; "\uD800" followed by "\uDC00" forms a pair.
        Assert.Equal(values.Select(v => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(v))), RoundTrip(values));
    }

    [Theory]
    [InlineData("\n", "\\n")]
    [InlineData("\r", "\\r")]
    [InlineData("\"", "\\\"")]
    [InlineData("\\", "\\\\")]
    [InlineData("\0", "\\u0000")]
    [InlineData("\u007f", "\\u007F")]
    [InlineData("\u0085", "\\u0085")]
    [InlineData("\u2028", "\\u2028")]
    [InlineData("\u2029", "\\u2029")]
    [InlineData("\u00a0", "\\u00A0")]
    [InlineData("\u2014\u65e5\u00e9", "\u2014\u65e5\u00e9")]
    public void Line_breaking_and_control_characters_are_escaped_and_printable_text_is_not(string value, string written)
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Value {v}", value);
        harness.Flush();

        Assert.Contains("\"v\":\"" + written + "\"", harness.Stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_raw_byte_of_a_written_string_can_end_or_break_a_line()
    {
        using var harness = new LoggingHarness();
        for (var start = 0; start < 0x3000; start += 500)
        {
            var text = new StringBuilder();
            for (var c = start; c < start + 500; c++)
            {
                text.Append((char)c);
            }

            harness.Logger.LogInformation("Value {v}", text.ToString());
        }

        harness.Flush();
        var lines = harness.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((0x3000 + 499) / 500, lines.Length);
        foreach (var bytes in lines.Select(Encoding.UTF8.GetBytes))
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOfAnyInRange((byte)0, (byte)0x1F));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("\u0085"u8));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("\u2028"u8));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("\u2029"u8));
        }
    }

    [Fact]
    public void Numbers_and_dates_keep_their_json_forms()
    {
        using var harness = new LoggingHarness();
        var when = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(1230000);
        harness.Logger.LogInformation(
            "{min} {sum} {m} {small} {when} {east} {day}",
            long.MinValue, 0.1 + 0.2, -79228162514264337593543950335m, 1e-7, when, new DateTimeOffset(when.AddHours(2).Ticks, TimeSpan.FromHours(2)), new DateOnly(2024, 2, 29));

        harness.Flush();
        var text = harness.Stdout.Text;
        Assert.Contains("\"min\":-9223372036854775808,\"sum\":0.30000000000000004,\"m\":-79228162514264337593543950335,", text, StringComparison.Ordinal);
        Assert.Contains("\"when\":\"2024-02-29T13:14:15.123Z\",\"east\":\"2024-02-29T15:14:15.123+02:00\",\"day\":\"2024-02-29\"", text, StringComparison.Ordinal);
        var line = Assert.Single(harness.JsonLines());
        Assert.Equal(1e-7, line.GetProperty("small").GetDouble());
    }

    private static List<string> RoundTrip(List<string> values)
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:MaxValueLength"] = "16384" });
        foreach (var value in values)
        {
            harness.Logger.LogInformation("Value {v}", value);
        }

        return [.. harness.JsonLines().Select(l => l.GetProperty("v").GetString()!)];
    }
}
