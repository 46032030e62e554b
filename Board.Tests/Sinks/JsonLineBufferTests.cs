using System.Text;
using System.Text.Json;
using Board.ServiceDefaults.Sinks;

namespace Board.Tests.Sinks;

/// <summary>
/// The hand-written JSON of the stdout sink: every string comes back from a JSON parser as it went in (lone
/// surrogates as U+FFFD), nothing that can break a line is left raw, and numbers and dates keep their JSON forms.
/// </summary>
public sealed class JsonLineBufferTests
{
    [Fact]
    public void Every_utf16_code_unit_round_trips_through_a_json_parser()
    {
        var expected = new StringBuilder();
        var text = new StringBuilder();
        for (var c = 0; c <= 0xFFFF; c++)
        {
            text.Append((char)c);

            // Alone between two letters, a surrogate has no partner: it is written as U+FFFD.
            expected.Append(char.IsSurrogate((char)c) ? '\uFFFD' : (char)c);
            text.Append('x');
            expected.Append('x');
        }

        Assert.Equal(expected.ToString(), RoundTrip(text.ToString()));
    }

    [Fact]
    public void Random_text_with_pairs_escapes_and_non_ascii_round_trips()
    {
        var random = new Random(20261124);
        ReadOnlySpan<string> pieces = ["a", "\"", "\\", "\n", "\r\n", "\t", "\0", "\u001f", "\u007f", "\u0085", "\u00a0", "\u00e9",
            "\u2028", "\u2029", "\u2014", "\u20ac", "\u65e5", "\U0001F389", "\uD800", "\uDC00", "</script>", " "];
        for (var i = 0; i < 2000; i++)
        {
            var text = new StringBuilder();
            var expected = new StringBuilder();
            for (var n = random.Next(0, 40); n > 0; n--)
            {
                var piece = pieces[random.Next(pieces.Length)];
                text.Append(piece);
                expected.Append(piece);
            }

            // Only surrogates that end up unpaired are replaced; "\uD800" followed by "\uDC00" forms a pair.
            Assert.Equal(ReplaceLoneSurrogates(expected.ToString()), RoundTrip(text.ToString()));
        }
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
    [InlineData("\u00a0\u2014\u65e5", "\u00a0\u2014\u65e5")]
    public void Line_breaking_and_control_characters_are_escaped_and_printable_text_is_not(string value, string written)
    {
        var buffer = new JsonLineBuffer(8);
        buffer.WriteString(value);

        Assert.Equal("\"" + written + "\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void No_raw_byte_of_a_written_string_can_end_or_break_a_line()
    {
        var text = new StringBuilder();
        for (var c = 0; c < 0x3000; c++)
        {
            text.Append((char)c);
        }

        var buffer = new JsonLineBuffer(16);
        buffer.WriteString(text.ToString());
        var bytes = buffer.WrittenSpan;

        Assert.Equal(-1, bytes.IndexOfAnyInRange((byte)0, (byte)0x1F));
        Assert.Equal(-1, bytes.IndexOf("\u0085"u8));
        Assert.Equal(-1, bytes.IndexOf("\u2028"u8));
        Assert.Equal(-1, bytes.IndexOf("\u2029"u8));
    }

    [Theory]
    [InlineData(1234567L, "2024-02-29T13:14:15.1234567Z")]
    [InlineData(1230000L, "2024-02-29T13:14:15.123Z")]
    [InlineData(0L, "2024-02-29T13:14:15Z")]
    public void Dates_are_iso_8601_without_trailing_zeros_in_the_fraction(long ticks, string expected)
    {
        var when = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(ticks);
        var buffer = new JsonLineBuffer(8);
        buffer.WriteDateTime(when);
        buffer.WriteByte((byte)',');
        buffer.WriteDateTime(new DateTimeOffset(when.AddHours(2).Ticks, TimeSpan.FromHours(2)));

        // The same instant, two hours east.
        var local = expected[..^1].Replace("T13:", "T15:", StringComparison.Ordinal) + "+02:00";
        Assert.Equal($"\"{expected}\",\"{local}\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Numbers_are_json_numbers_in_their_shortest_invariant_form()
    {
        var buffer = new JsonLineBuffer(4);
        buffer.WriteByte((byte)'[');
        buffer.WriteNumber(long.MinValue);
        buffer.WriteByte((byte)',');
        buffer.WriteNumber(0.1 + 0.2);
        buffer.WriteByte((byte)',');
        buffer.WriteNumber(-79228162514264337593543950335m);
        buffer.WriteByte((byte)',');
        buffer.WriteNumber(1e-7);
        buffer.WriteByte((byte)']');

        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.Equal("[-9223372036854775808,0.30000000000000004,-79228162514264337593543950335,1E-07]", text);
        using var parsed = JsonDocument.Parse(text);
        Assert.Equal(0.1 + 0.2, parsed.RootElement[1].GetDouble());
        Assert.Equal(1e-7, parsed.RootElement[3].GetDouble());
    }

    // What a UTF-8 encoder makes of it: a surrogate without its partner becomes U+FFFD.
    private static string ReplaceLoneSurrogates(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));

    private static string RoundTrip(string value)
    {
        // A small first buffer, so that growing is part of every test.
        var buffer = new JsonLineBuffer(16);
        buffer.WriteString(value);
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.String, reader.TokenType);
        var text = reader.GetString()!;
        Assert.False(reader.Read());
        return text;
    }
}
