using System.Diagnostics;
using System.Text.Json;
using Board.ServiceDefaults.Requests.Held;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

/// <summary>
/// Records below the level that a request holds back (StructuredLogging:Requests:HeldRecords): written before the
/// END entry of a failed request, on stdout and to the exporters, in order and with what they were logged with;
/// discarded for every other request; bounded and counted.
/// </summary>
public sealed class HeldRecordsTests
{
    private const string Category = "Board.Tests.Held";
    private const string DetailTemplate = "Detail {step} of {request.tag}";

    [Fact]
    public async Task A_failed_requests_records_below_the_level_are_written_before_its_END_in_order_with_their_own_fields()
    {
        await using var app = await StartAsync(a => a.MapGet("/fails", async (ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger(Category);
            var scope = new Dictionary<string, object?> { ["order.id"] = 7 };
            using (logger.BeginScope(scope))
            {
                logger.LogDebug(DetailTemplate, 1, "a");
                await Task.Delay(20);

                // Inside a span of its own: the record keeps that span, not the request's.
                using var activity = new Activity("inner").Start();
                logger.LogDebug(DetailTemplate, 2, "a");
            }

            // The scope changes after the records were logged: they keep what it held then.
            scope["order.id"] = 8;
            return Results.StatusCode(500);
        }));
        using var client = app.CreateClient();

        using (var response = await client.GetAsync("/fails"))
        {
            Assert.Equal(500, (int)response.StatusCode);
        }

        var lines = app.JsonLines();
        var end = lines.Single("event_name", "RequestCompleted");
        var held = lines.Where("message_template", DetailTemplate).ToList();
        Assert.Equal(["Detail 1 of a", "Detail 2 of a"], held.Select(l => l.Text("message")));
        foreach (var line in held)
        {
            Assert.Equal("Debug", line.Text("level"));
            Assert.True(line.GetProperty(HeldRecord.MarkerKey).GetBoolean());
            Assert.Equal(end.Text("trace_id"), line.Text("trace_id"));
            Assert.Equal("/fails", line.Text("url.path"));
            Assert.Equal(end.Text("request.id"), line.Text("request.id"));
            Assert.Equal(7, line.GetProperty("order.id").GetInt32());
            Assert.True(DateTime.Parse(line.Text("timestamp")!) < DateTime.Parse(end.Text("timestamp")!), "a held record keeps its own time");
        }

        // Written together just before the END entry, in the order they were logged (the framework's own records
        // below the level, such as "Executed endpoint", are held and written with them).
        var order = lines.Select(l => l.Text("message")).ToList();
        var endAt = order.IndexOf(end.Text("message"));
        var firstAt = order.IndexOf("Detail 1 of a");
        Assert.True(firstAt < order.IndexOf("Detail 2 of a") && order.IndexOf("Detail 2 of a") < endAt, "the held records come in order, before the END entry");
        Assert.All(lines.Skip(firstAt).Take(endAt - firstAt), l => Assert.True(l.Has(HeldRecord.MarkerKey), $"not held: {l}"));
        Assert.NotEqual(held[0].Text("span_id"), held[1].Text("span_id"));

        // The same records, with the same fields, to the exporters.
        var exported = app.Records().Where(r => r.Category == Category).ToList();
        Assert.Equal(["Detail 1 of a", "Detail 2 of a"], exported.Select(r => r.Message));
        Assert.All(exported, r => Assert.Equal(true, r[HeldRecord.MarkerKey]));
        Assert.All(exported, r => Assert.Equal(end.Text("trace_id"), r.TraceId));
        Assert.Equal(held.Select(l => l.Text("span_id")), exported.Select(r => r.SpanId));
        Assert.Equal(held.Select(l => DateTime.Parse(l.Text("timestamp")!).ToUniversalTime()), exported.Select(r => r.Timestamp), new MillisecondComparer());
    }

    [Fact]
    public async Task A_successful_request_writes_none_of_them_and_outside_a_request_nothing_changes()
    {
        await using var app = await StartAsync(a =>
        {
            a.MapGet("/works", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger(Category).LogDebug(DetailTemplate, 1, "ok");
                return Results.Ok();
            });
            a.MapGet("/not-found", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger(Category).LogDebug(DetailTemplate, 1, "missing");
                return Results.NotFound();
            });
        });
        using var client = app.CreateClient();
        using (await client.GetAsync("/works")) { }
        using (await client.GetAsync("/not-found")) { }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        Assert.False(logger.IsEnabled(LogLevel.Debug), "outside a request nothing below the level is taken");
        logger.LogDebug(DetailTemplate, 1, "outside");
        logger.LogInformation("At the level {step}", 1);

        var lines = app.JsonLines();
        Assert.Empty(lines.Where("message_template", DetailTemplate));
        Assert.Equal(4, lines.Count(l => l.Text("logger") == "Board.Requests"));
        var atLevel = lines.Single("message_template", "At the level {step}");
        Assert.False(atLevel.Has(HeldRecord.MarkerKey));
        Assert.Equal(0, app.Services.GetRequiredService<HeldRecordBudget>().BytesInFlight);
    }

    [Fact]
    public async Task A_category_set_to_None_is_silenced_not_held_and_the_floor_is_kept()
    {
        await using var app = await StartAsync(
            a => a.MapGet("/fails", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger("Board.Tests.Silenced").LogInformation("Silenced {step}", 1);
                loggers.CreateLogger(Category).LogTrace("Below the floor {step}", 1);
                loggers.CreateLogger(Category).LogDebug(DetailTemplate, 1, "kept");
                return Results.StatusCode(500);
            }),
            new() { ["Logging:LogLevel:Board.Tests.Silenced"] = "None" });
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var lines = app.JsonLines();
        Assert.Empty(lines.Where("message_template", "Silenced {step}"));
        Assert.Empty(lines.Where("message_template", "Below the floor {step}"));
        Assert.Single(lines.Where("message_template", DetailTemplate));
    }

    [Fact]
    public async Task With_WriteFromLevel_Warning_a_4xx_writes_them_too()
    {
        await using var app = await StartAsync(
            a => a.MapGet("/not-found", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger(Category).LogDebug(DetailTemplate, 1, "missing");
                return Results.NotFound();
            }),
            new() { ["StructuredLogging:Requests:HeldRecords:WriteFromLevel"] = "Warning" });
        using var client = app.CreateClient();
        using (await client.GetAsync("/not-found")) { }

        Assert.Equal("Detail 1 of missing", app.JsonLines().Single("message_template", DetailTemplate).Text("message"));
    }

    [Fact]
    public async Task Concurrent_requests_never_mix_their_records()
    {
        await using var app = await StartAsync(a => a.MapGet("/fails/{tag}", async (string tag, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger(Category);
            for (var step = 0; step < 5; step++)
            {
                logger.LogDebug(DetailTemplate, step, tag);
                await Task.Yield();
            }

            return Results.StatusCode(503);
        }));
        using var client = app.CreateClient();

        var tags = Enumerable.Range(0, 24).Select(i => $"r{i}").ToList();
        await Task.WhenAll(tags.Select(async tag =>
        {
            using var response = await client.GetAsync($"/fails/{tag}");
        }));

        var lines = app.JsonLines();
        foreach (var tag in tags)
        {
            var end = Assert.Single(lines, l => l.Text("event_name") == "RequestCompleted" && l.Text("url.path") == $"/fails/{tag}");
            var ofTrace = lines.Where(l => l.Text("trace_id") == end.Text("trace_id") && l.Text("message_template") == DetailTemplate).ToList();
            Assert.All(ofTrace, l => Assert.True(l.Has(HeldRecord.MarkerKey)));
            Assert.Equal([0, 1, 2, 3, 4], ofTrace.Select(l => l.GetProperty("step").GetInt32()));
            Assert.All(ofTrace, l => Assert.Equal(tag, l.Text("request.tag")));
        }

        Assert.Equal(tags.Count * 5, lines.Count(l => l.Text("message_template") == DetailTemplate));
    }

    [Fact]
    public async Task Past_the_bound_the_oldest_are_let_go_and_counted_exactly()
    {
        // How many records below the level the request logs, its own and the framework's: unbounded first.
        var logged = await HeldPerFailedRequestAsync(bound: 256, requests: 1);
        Assert.True(logged.Written > 12, $"{logged.Written} held records");
        Assert.Equal(0, logged.Dropped);

        var bounded = await HeldPerFailedRequestAsync(bound: 5, requests: 2);
        Assert.Equal(10, bounded.Written);
        Assert.Equal(2 * (logged.Written - 5), bounded.Dropped);
        Assert.Equal(bounded.Dropped, bounded.Counted);
        Assert.Equal(0, bounded.BytesInFlight);
    }

    private static async Task<(int Written, long Dropped, long Counted, long BytesInFlight)> HeldPerFailedRequestAsync(int bound, int requests)
    {
        await using var app = await StartAsync(
            a => a.MapGet("/fails", (ILoggerFactory loggers) =>
            {
                var logger = loggers.CreateLogger(Category);
                for (var step = 0; step < 12; step++)
                {
                    logger.LogDebug(DetailTemplate, step, "many");
                }

                return Results.StatusCode(500);
            }),
            new() { ["StructuredLogging:Requests:HeldRecords:MaxRecordsPerRequest"] = bound.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var client = app.CreateClient();
        for (var i = 0; i < requests; i++)
        {
            using (await client.GetAsync("/fails")) { }
        }

        var written = app.JsonLines().Count(l => l.Has(HeldRecord.MarkerKey));
        var budget = app.Services.GetRequiredService<HeldRecordBudget>();
        var counted = app.Services.GetRequiredService<Board.ServiceDefaults.Drops.DroppedRecordCounter>().HeldDropped;
        return (written, budget.DroppedForRequestLimit, counted, budget.BytesInFlight);
    }

    [Fact]
    public async Task Past_the_bound_over_all_requests_a_record_is_not_held_and_counted()
    {
        await using var app = await StartAsync(
            a => a.MapGet("/fails", (ILoggerFactory loggers) =>
            {
                var logger = loggers.CreateLogger(Category);
                var text = new string('x', 5_000);
                for (var step = 0; step < 10; step++)
                {
                    logger.LogDebug("Large {step} {text}", step, text);
                }

                return Results.StatusCode(500);
            }),
            new() { ["StructuredLogging:Requests:HeldRecords:MaxBytesInFlight"] = "65536", ["StructuredLogging:Requests:HeldRecords:MaxBytesPerRequest"] = "65536" });
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var budget = app.Services.GetRequiredService<HeldRecordBudget>();
        var written = app.JsonLines().Where("message_template", "Large {step} {text}").Count();
        Assert.True(written is > 0 and < 10, $"{written} written");
        Assert.True(budget.DroppedForInFlightLimit >= 10 - written, $"{budget.DroppedForInFlightLimit} counted for {10 - written} not held");
        Assert.Equal(0, budget.BytesInFlight);
    }

    [Fact]
    public async Task A_field_name_counts_against_the_bounds_as_its_value_does()
    {
        await using var app = await StartAsync(a => a.MapGet("/fails", (ILoggerFactory loggers) =>
        {
            // A state whose key is as long as the per-request bound (256 KiB estimated, two bytes a character).
            var state = new List<KeyValuePair<string, object?>> { new(new string('k', 140_000), "v") };
            loggers.CreateLogger(Category).Log(LogLevel.Debug, default, state, null, (_, _) => "Long key");
            return Results.StatusCode(500);
        }));
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var budget = app.Services.GetRequiredService<HeldRecordBudget>();
        Assert.Equal(1, budget.DroppedForRequestLimit);
        Assert.DoesNotContain(app.JsonLines(), line => line.Text("message") == "Long key");
    }

    [Fact]
    public async Task A_held_record_with_an_exception_personal_data_and_a_hostile_value_is_written_as_safely_as_any()
    {
        const string email = "held-user@example.com";
        await using var app = await StartAsync(a => a.MapGet("/fails", (ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger(Category);
            logger.LogDebug(new InvalidOperationException("inner detail"), "Lookup for {user.email} with {value}", email, new ThrowingToString());
            logger.LogDebug("Control {text}", "line\nbreak\u001b[31m and a \u0000");
            return Results.StatusCode(500);
        }));
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var raw = app.Stdout.Text;
        Assert.DoesNotContain(email, raw, StringComparison.Ordinal);
        var lines = app.JsonLines();
        var lookup = lines.Single("message_template", "Lookup for {user.email} with {value}");
        Assert.Equal("System.InvalidOperationException", lookup.Text("exception.type"));
        Assert.Equal("inner detail", lookup.Text("exception.message"));
        Assert.Equal("REDACTED", lookup.Text("user.email"));
        Assert.Contains("ToString() threw", lookup.Text("value"), StringComparison.Ordinal);
        Assert.Equal("line\nbreak\u001b[31m and a \u0000", lines.Single("message_template", "Control {text}").Text("text"));
        Assert.All(raw.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task Off_in_Development_by_default()
    {
        await using var app = await StartAsync(
            a => a.MapGet("/fails", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger(Category).LogDebug(DetailTemplate, 1, "dev");
                return Results.StatusCode(500);
            }),
            environment: "Development");
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        // The request failed as one whose held records would be written: none were held.
        Assert.Equal("Error", app.JsonLines().Single("event_name", "RequestCompleted").Text("level"));
        Assert.Empty(app.JsonLines().Where("message_template", DetailTemplate));
    }

    // The lines keep their template here (it is left off by default), to tell the held records apart by it.
    private static Task<TestWebApp> StartAsync(Action<WebApplication> map, Dictionary<string, string?>? settings = null, string environment = "Production") =>
        TestWebApp.StartAsync(map, new Dictionary<string, string?>(settings ?? []) { ["StructuredLogging:Json:OmitFields:0"] = "event_id" }, environment);

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new FormatException("no text");
    }

    private sealed class MillisecondComparer : IEqualityComparer<DateTime>
    {
        public bool Equals(DateTime x, DateTime y) => Math.Abs((x - y).TotalMilliseconds) < 1;

        public int GetHashCode(DateTime obj) => 0;
    }
}

/// <summary>A held record is copied when it is logged: what changes afterwards is not what it writes.</summary>
public sealed class HeldRecordCopyTests
{
    [Fact]
    public async Task A_state_changed_after_it_was_logged_is_written_as_it_was()
    {
        var state = new SealedSettableState { Value = "as logged" };
        await using var app = await TestWebApp.StartAsync(a => a.MapGet("/fails", (ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Board.Tests.Held").Log(LogLevel.Debug, default, state, null, static (s, _) => "Value " + s.Value);
            state.Value = "changed later";
            return Results.StatusCode(500);
        }));
        using var client = app.CreateClient();
        using (await client.GetAsync("/fails")) { }

        var line = app.JsonLines().Single("message", "Value as logged");
        Assert.Equal("as logged", line.Text("value"));
    }

    private readonly struct ReadOnlyState(string text, int number)
    {
        public string Text { get; } = text;
        public int Number { get; } = number;
    }

    private readonly struct StateWithList(List<string> items)
    {
        public List<string> Items { get; } = items;
    }

    private sealed class SealedReadOnlyState(string text, int number) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly string _text = text;
        private readonly int _number = number;

        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index == 0 ? new("text", _text) : new("number", _number);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class SealedSettableState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Value { get; set; } = "";

        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] => new("value", Value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
