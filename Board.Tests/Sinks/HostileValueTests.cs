using System.Text;
using System.Text.Json;
using Board.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Sinks;

/// <summary>Whatever a value or a key holds, a record is exactly one line of valid JSON under the size limit.</summary>
public sealed class HostileValueTests
{
    private const int DefaultMaxLineBytes = 16384;
    private const string Marker = "...[truncated]";

    public static TheoryData<string, string> ShortValues => new()
    {
        { "crlf", "first\r\nsecond\nthird\rfourth" },
        { "quotes", "she said \"hi\" and 'bye'" },
        { "backslashes", @"C:\temp\new\x \\server\share \u0041" },
        { "control", "nul\0bell\aesc\u001bunit\u001fdel\u007fend" },
        { "json", "{\"level\":\"Critical\",\"message\":\"forged\"}\n{\"second\":true}" },
        { "unicode", "zażółć 日本 🎉" },
    };

    [Theory]
    [MemberData(nameof(ShortValues))]
    public void A_short_hostile_value_survives_intact_on_one_line(string name, string value)
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Hostile {kind} value {value}", name, value);

        var lines = Lines(harness);
        var line = Assert.Single(lines);
        Assert.Equal(value, line.Text("value"));
        Assert.Equal($"Hostile {name} value {value}", line.Text("message"));
        Assert.Equal("Information", line.Text("level"));
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Broken {value}", "before \uD800 after \uDC00 end");

        var line = Assert.Single(Lines(harness));
        Assert.Equal("before \uFFFD after \uFFFD end", line.Text("value"));
    }

    [Fact]
    public void A_64_KB_value_is_truncated_with_the_marker_and_the_line_fits()
    {
        using var harness = new LoggingHarness();
        var huge = new string('x', 64 * 1024);
        harness.Logger.LogInformation("Huge {value} then {small}", huge, "kept");

        var line = Assert.Single(Lines(harness));
        var value = line.Text("value")!;
        Assert.EndsWith(Marker, value);
        Assert.True(value.Length < huge.Length);
        Assert.StartsWith("xxxxxxxx", value);
        Assert.EndsWith(Marker, line.Text("message"));
        Assert.Equal("kept", line.Text("small"));
    }

    [Fact]
    public void Many_2_KB_attributes_still_fit_one_line_and_each_cut_value_ends_with_the_marker()
    {
        using var harness = new LoggingHarness();
        var state = Enumerable.Range(0, 60)
            .Select(i => new KeyValuePair<string, object?>($"field.{i:D2}", new string((char)('a' + (i % 26)), 2048)))
            .Append(new KeyValuePair<string, object?>("short", "intact"))
            .ToList();
        harness.Logger.Log(LogLevel.Information, default, state, null, (_, _) => "Many large attributes");

        var line = Assert.Single(Lines(harness));
        Assert.Equal("Many large attributes", line.Text("message"));
        var fields = line.EnumerateObject().Where(p => p.Name.StartsWith("field.", StringComparison.Ordinal)).ToList();
        Assert.Equal(60, fields.Count);
        Assert.All(fields, f => Assert.EndsWith(Marker, f.Value.GetString()));
        Assert.Equal("intact", line.Text("short"));
        Assert.Contains(line.EnumerateObject(), p => p.Name == "host.name");
    }

    [Fact]
    public void Hostile_keys_are_escaped_and_keep_the_line_whole()
    {
        using var harness = new LoggingHarness();
        var state = new List<KeyValuePair<string, object?>>
        {
            new("quo\"te", "q"),
            new("new\nline", "n"),
            new("carriage\rreturn", "r"),
            new("back\\slash", "b"),
            new("nul\0key", "z"),
            new("lone\uD800", "s"),
        };
        harness.Logger.Log(LogLevel.Warning, default, state, null, (_, _) => "Hostile keys");

        var line = Assert.Single(Lines(harness));
        Assert.Equal("q", line.Text("quo\"te"));
        Assert.Equal("n", line.Text("new\nline"));
        Assert.Equal("r", line.Text("carriage\rreturn"));
        Assert.Equal("b", line.Text("back\\slash"));
        Assert.Equal("z", line.Text("nul\0key"));
        Assert.Equal("s", line.Text("lone\uFFFD"));
    }

    [Fact]
    public void A_mix_of_hostile_records_gives_exactly_one_line_each_in_order()
    {
        using var harness = new LoggingHarness();
        var values = ShortValues.Select(row => (string)row[1]).ToList();
        values.Add(new string('y', 64 * 1024));
        values.Add("\uD800");
        for (var i = 0; i < values.Count; i++)
        {
            harness.Logger.LogInformation("Record {index} {value}", i, values[i]);
        }

        var lines = Lines(harness);
        Assert.Equal(values.Count, lines.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(i, lines[i].GetProperty("index").GetInt32());
        }
    }

    [Fact]
    public void A_configured_MaxLineBytes_is_honoured()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Json:MaxLineBytes"] = "2048",
            ["StructuredLogging:MaxValueLength"] = "1024",
        });
        harness.Logger.LogInformation("Sized {a} {b} {c}", new string('a', 5000), new string('b', 5000), new string('c', 5000));

        var line = Assert.Single(Lines(harness, maxLineBytes: 2048));
        Assert.EndsWith(Marker, line.Text("a"));
    }

    [Fact]
    public void Essentials_that_escaping_makes_six_times_longer_still_fit_the_smallest_line()
    {
        // A control character is six bytes escaped (\u0001): the essentials' values cut to 64 characters do not fit.
        var controls = new string('\u0001', 3000);
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Json:MaxLineBytes"] = "1024", ["StructuredLogging:MaxValueLength"] = "512", ["StructuredLogging:Json:OmitFields:0"] = "message_template" });
        harness.LoggerFactory.CreateLogger(controls).Log(LogLevel.Information, new EventId(7, controls), controls, null, static (s, _) => s);

        var line = Assert.Single(Lines(harness, maxLineBytes: 1024));
        Assert.StartsWith("\u0001", line.Text("message"));
        Assert.Equal(7, line.GetProperty("event_id").GetInt32());
    }

    [Fact]
    public void A_sequence_that_throws_while_enumerated_is_a_placeholder_and_the_record_is_kept()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Seq {seq} other {other}", new ThrowingSequence(), "kept");

        var line = Assert.Single(Lines(harness));
        Assert.Equal($"<{typeof(ThrowingSequence).FullName} enumeration threw InvalidOperationException>", line.Text("seq"));
        Assert.Equal("kept", line.Text("other"));
    }

    [Fact]
    public void A_long_array_of_numbers_is_cut_at_the_items_a_sequence_keeps_in_every_sink()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Ids {ids}", Enumerable.Range(0, 100_000).ToArray());

        var ids = Assert.Single(Lines(harness)).GetProperty("ids");
        Assert.Equal(129, ids.GetArrayLength());
        Assert.Equal("...[truncated]", ids[128].GetString());
        var exported = Assert.Single(harness.Exported).Attributes!.Single(a => a.Key == "ids").Value;
        Assert.Equal(129, Assert.IsAssignableFrom<System.Collections.ICollection>(exported).Count);
    }

    [Fact]
    public void A_field_name_longer_than_a_value_may_be_is_cut_like_a_value_in_every_sink()
    {
        using var harness = new LoggingHarness();
        var longKey = "k" + new string('x', 100_000);
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { [longKey] = "from a scope" }))
        {
            harness.Logger.LogInformation("With a long key");
        }

        var name = Assert.Single(Assert.Single(Lines(harness)).EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == "from a scope").Name;
        Assert.Equal(4096, name.Length);
        Assert.EndsWith(Marker, name);
        var exported = Assert.Single(Assert.Single(harness.Exported).Attributes!, a => Equals(a.Value, "from a scope"));
        Assert.Equal(name, exported.Key);
    }

    private sealed class ThrowingSequence : IEnumerable<int>
    {
        public IEnumerator<int> GetEnumerator()
        {
            yield return 1;
            throw new InvalidOperationException("the sequence broke");
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Flushes, then checks the raw bytes: every line (newline included) within the limit, the output ends with
    /// a newline, and every line is one JSON object.
    /// </summary>
    private static IReadOnlyList<JsonElement> Lines(LoggingHarness harness, int maxLineBytes = DefaultMaxLineBytes)
    {
        harness.Flush();
        var bytes = harness.Stdout.Bytes;
        Assert.NotEmpty(bytes);
        Assert.Equal((byte)'\n', bytes[^1]);
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                var length = i - start + 1;
                Assert.True(length <= maxLineBytes, $"a line of {length} bytes is over {maxLineBytes}: {Encoding.UTF8.GetString(bytes, start, Math.Min(200, length))}");
                start = i + 1;
            }
        }

        return harness.Stdout.JsonLines();
    }
}
