using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.Tests.Sinks;

/// <summary>The fixed fields of a JSON line, the types of attribute values and the resource on every line.</summary>
public sealed partial class JsonLineTests
{
    [Fact]
    public void Timestamp_is_utc_iso_8601_with_exactly_six_fractional_digits_and_matches_the_record()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Timestamped");

        var line = Assert.Single(harness.JsonLines());
        var timestamp = line.Text("timestamp")!;
        Assert.Matches(TimestampPattern(), timestamp);

        var record = Assert.Single(harness.Exported);
        var parsed = DateTime.ParseExact(timestamp, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var expected = record.Timestamp.ToUniversalTime();
        Assert.Equal(expected.Ticks - (expected.Ticks % 10), parsed.Ticks);
    }

    [Theory]
    [InlineData(LogLevel.Trace, "Trace")]
    [InlineData(LogLevel.Debug, "Debug")]
    [InlineData(LogLevel.Information, "Information")]
    [InlineData(LogLevel.Warning, "Warning")]
    [InlineData(LogLevel.Error, "Error")]
    [InlineData(LogLevel.Critical, "Critical")]
    public void Level_is_written_by_name(LogLevel level, string name)
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        harness.Logger.Log(level, "At some level");

        Assert.Equal(name, Assert.Single(harness.JsonLines()).Text("level"));
    }

    [Fact]
    public void Logger_message_template_and_event_are_the_records()
    {
        using var harness = new LoggingHarness();
        var logger = harness.LoggerFactory.CreateLogger("Board.Tests.Some.Category");
        logger.LogWarning(new EventId(42, "SomethingHappened"), "Board {board.slug} has {post.count} posts", "news", 3);

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Board.Tests.Some.Category", line.Text("logger"));
        Assert.Equal("Board news has 3 posts", line.Text("message"));
        Assert.Equal("SomethingHappened", line.Text("event_name"));
        Assert.Equal("news", line.Text("board.slug"));
        Assert.Equal(3, line.GetProperty("post.count").GetInt32());

        // Left off the line by default; over OTLP the record carries both.
        Assert.False(line.Has("message_template"));
        Assert.False(line.Has("event_id"));
        var record = Assert.Single(harness.Exported);
        Assert.Equal(42, record.EventId.Id);
        Assert.Contains(record.Attributes!, a => a.Key == "{OriginalFormat}" && (string?)a.Value == "Board {board.slug} has {post.count} posts");
    }

    [Fact]
    public void Omitted_fields_come_back_when_the_list_no_longer_names_them()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Json:OmitFields:0"] = "post.count",
            ["StructuredLogging:Json:ResourceAttributes:0"] = "service.name",
            ["StructuredLogging:Json:ResourceAttributes:1"] = "service.instance.id",
        });
        harness.LoggerFactory.CreateLogger("Board.Tests.Some.Category")
            .LogWarning(new EventId(42, "SomethingHappened"), "Board {board.slug} has {post.count} posts", "news", 3);

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Board {board.slug} has {post.count} posts", line.Text("message_template"));
        Assert.Equal(42, line.GetProperty("event_id").GetInt32());
        Assert.False(line.Has("post.count"));
        Assert.True(line.Has("service.instance.id"));
        Assert.False(line.Has("host.name"));
    }

    [Fact]
    public void A_record_without_an_event_or_activity_has_no_event_or_trace_fields()
    {
        using var harness = new LoggingHarness();
        Assert.Null(Activity.Current);
        harness.Logger.LogInformation("Plain");

        var line = Assert.Single(harness.JsonLines());
        Assert.False(line.Has("event_id"));
        Assert.False(line.Has("event_name"));
        Assert.False(line.Has("trace_id"));
        Assert.False(line.Has("span_id"));
    }

    [Fact]
    public void Trace_and_span_ids_are_the_current_activitys_in_lower_hex()
    {
        var sourceName = "Board.Tests.JsonLine." + Guid.NewGuid().ToString("N");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource(sourceName);
        using var harness = new LoggingHarness();

        string traceId, spanId;
        using (var activity = source.StartActivity("work"))
        {
            Assert.NotNull(activity);
            traceId = activity.TraceId.ToHexString();
            spanId = activity.SpanId.ToHexString();
            harness.Logger.LogInformation("Inside an activity");
        }

        var line = Assert.Single(harness.JsonLines());
        Assert.Matches("^[0-9a-f]{32}$", line.Text("trace_id")!);
        Assert.Matches("^[0-9a-f]{16}$", line.Text("span_id")!);
        Assert.Equal(traceId, line.Text("trace_id"));
        Assert.Equal(spanId, line.Text("span_id"));
        var record = Assert.Single(harness.Exported);
        Assert.Equal(traceId, record.TraceId.ToHexString());
        Assert.Equal(spanId, record.SpanId.ToHexString());
    }

    [Fact]
    public void Attributes_keep_their_json_types()
    {
        using var harness = new LoggingHarness();
        var when = new DateTime(2024, 2, 29, 13, 14, 15, 123, DateTimeKind.Utc).AddTicks(4567);
        var id = Guid.NewGuid();
        harness.Logger.LogInformation(
            "Values {count} {big} {flag} {ratio} {nothing} {items} {names} {when} {id} {text}",
            42, 5_000_000_000L, true, 0.25, null, new[] { 1, 2, 3 }, new List<string> { "a", "b" }, when, id, "plain");

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal(JsonValueKind.Number, line.GetProperty("count").ValueKind);
        Assert.Equal(42, line.GetProperty("count").GetInt32());
        Assert.Equal(5_000_000_000L, line.GetProperty("big").GetInt64());
        Assert.Equal(JsonValueKind.True, line.GetProperty("flag").ValueKind);
        Assert.Equal(JsonValueKind.Number, line.GetProperty("ratio").ValueKind);
        Assert.Equal(0.25, line.GetProperty("ratio").GetDouble());
        Assert.False(line.TryGetProperty("nothing", out _), "a field whose value is null is left out");
        Assert.Equal([1, 2, 3], line.GetProperty("items").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["a", "b"], line.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("2024-02-29T13:14:15.1234567", line.Text("when"));
        Assert.Equal(when, line.GetProperty("when").GetDateTime().ToUniversalTime());
        Assert.Equal(id, line.GetProperty("id").GetGuid());
        Assert.Equal("plain", line.Text("text"));
    }

    [Fact]
    public void Dates_and_times_of_day_are_written_in_iso_8601()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation(
            "Due {day} at {time}, sent {sent}",
            new DateOnly(2026, 11, 24), new TimeOnly(9, 5, 7, 250), new DateTimeOffset(2026, 11, 24, 9, 5, 7, TimeSpan.FromHours(1)));
        harness.Logger.LogInformation("Opens at {time}", new TimeOnly(8, 0));

        var lines = harness.JsonLines();
        var line = lines[0];
        Assert.Equal("2026-11-24", line.Text("day"));
        Assert.Equal("09:05:07.25", line.Text("time"));
        Assert.Equal("2026-11-24T09:05:07+01:00", line.Text("sent"));
        Assert.Equal("08:00:00", lines[1].Text("time"));
        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public void Resource_attributes_are_on_every_line_with_the_resources_values()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("First");
        harness.Logger.LogWarning("Second {n}", 2);
        harness.LoggerFactory.CreateLogger("Other").LogError("Third");

        var lines = harness.JsonLines();
        Assert.Equal(3, lines.Count);
        var resource = harness.Services.GetRequiredService<LoggerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal(Environment.MachineName, resource["host.name"]);
        Assert.Equal((long)Environment.ProcessId, Convert.ToInt64(resource["process.pid"], CultureInfo.InvariantCulture));
        Assert.Equal("Production", resource["deployment.environment.name"]);
        Assert.Equal("Board.Tests.Harness", resource["service.name"]);
        Assert.False(string.IsNullOrEmpty(resource["service.instance.id"] as string));

        // A line carries who wrote it; the rest of the resource travels over OTLP.
        foreach (var line in lines)
        {
            Assert.Equal("Board.Tests.Harness", line.Text("service.name"));
            Assert.Equal(Environment.MachineName, line.Text("host.name"));
            Assert.Equal(Environment.ProcessId, line.GetProperty("process.pid").GetInt32());
            Assert.False(line.Has("service.instance.id"));
            Assert.False(line.Has("deployment.environment.name"));
        }
    }

    [Fact]
    public void A_value_whose_ToString_throws_does_not_throw_into_the_caller_and_the_line_is_written()
    {
        using var harness = new LoggingHarness();
        var exception = Record.Exception(() => harness.Logger.LogInformation("Broken {broken} next to {fine}", new ThrowsOnToString(), "fine"));
        Assert.Null(exception);
        harness.Logger.LogInformation("After");

        var lines = harness.JsonLines();
        Assert.Equal(2, lines.Count);
        Assert.Equal("fine", lines[0].Text("fine"));
        Assert.True(lines[0].Has("broken"));
        Assert.Equal("After", lines[1].Text("message"));
    }

    [Fact]
    public void Start_up_stops_when_the_OpenTelemetry_logger_provider_to_guard_is_not_found()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        var failure = Assert.Throws<InvalidOperationException>(() => Board.ServiceDefaults.Enrichment.SafeFormattingLoggerProvider.Guard(services, decorate: null));

        Assert.Contains("Expected one OpenTelemetry logger provider registration to guard, found 0", failure.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowsOnToString
    {
        public override string ToString() => throw new InvalidOperationException("no text for you");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    private static partial Regex TimestampPattern();
}
