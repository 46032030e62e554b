using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Sinks;

/// <summary>
/// A value whose ToString() logs, met while a record is written: the record it logs is written whole on a line of
/// its own, the record being written keeps its own fields, and a value that keeps doing so while it is in scope (a
/// loop that would otherwise recurse until the stack overflows) is cut after one level, the cut counted.
/// </summary>
public sealed class NestedRecordTests
{
    [Fact]
    public void A_json_line_written_while_a_value_logs_keeps_its_fields_and_the_inner_record_gets_its_own_line()
    {
        using var harness = new LoggingHarness();
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["order"] = new ChattyValue(harness.Logger), ["order.total"] = 12 }))
        {
            harness.Logger.LogInformation("Order placed by {customer}", "c-7");
        }

        var lines = harness.JsonLines();
        Assert.Equal(2, lines.Count);
        var inner = lines.Single("message", "Looked up 1 rows");
        Assert.Equal("1", inner.GetProperty("lookup.rows").GetRawText());
        Assert.Equal("order-42", inner.Text("order"));
        Assert.False(inner.Has("customer"));

        var outer = lines.Single("message", "Order placed by c-7");
        Assert.Equal("order-42", outer.Text("order"));
        Assert.Equal("c-7", outer.Text("customer"));
        Assert.Equal("12", outer.GetProperty("order.total").GetRawText());
        Assert.False(outer.Has("lookup.rows"));

        // The exporter after the stdout sink gets the outer record's fields too, not the inner one's.
        var exported = Assert.Single(harness.Exported, r => r.FormattedMessage == "Order placed by c-7");
        var keys = exported.Attributes!.Select(a => a.Key).ToArray();
        Assert.Contains("order", keys);
        Assert.Contains("customer", keys);
        Assert.DoesNotContain("lookup.rows", keys);

        // Writing the inner line asked the value again: that record, a loop, is the one left off stdout.
        Assert.Equal(1, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
    }

    [Fact]
    public void A_text_line_written_while_a_value_logs_keeps_its_fields_and_the_inner_record_gets_its_own_line()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = "Text" });
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["order"] = new ChattyValue(harness.Logger) }))
        {
            harness.Logger.LogInformation("Order placed by {customer}", "c-7");
        }

        harness.Flush();
        var lines = harness.Stdout.Lines;
        Assert.Equal(2, lines.Count);
        var inner = Assert.Single(lines, l => l.Contains("Looked up 1 rows", StringComparison.Ordinal));
        Assert.DoesNotContain("Order placed", inner);
        var outer = Assert.Single(lines, l => l.Contains("Order placed by c-7", StringComparison.Ordinal));
        Assert.Contains("order=order-42", outer);
        Assert.DoesNotContain("Looked up", outer);
        Assert.DoesNotContain("lookup.rows", outer);
        Assert.Equal(1, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
    }

    [Fact]
    public void A_plain_scope_whose_ToString_logs_is_rendered_once_per_level_and_the_loop_is_cut()
    {
        using var harness = new LoggingHarness();
        var chatty = new ChattyValue(harness.Logger);
        using (harness.Logger.BeginScope(chatty))
        {
            harness.Logger.LogInformation("Order placed by {customer}", "c-7");
        }

        var lines = harness.JsonLines();
        Assert.Equal(2, lines.Count);
        Assert.Equal("order-42", lines.Single("message", "Order placed by c-7").Text("scope"));
        Assert.Equal("order-42", lines.Single("message", "Looked up 1 rows").Text("scope"));
        Assert.Equal(2, chatty.Lookups);
        Assert.Equal(1, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
    }

    [Fact]
    public void A_line_written_again_to_fit_asks_an_object_for_its_text_once()
    {
        using var harness = new LoggingHarness();
        var chatty = new ChattyValue(harness.Logger);
        var notes = new string('n', 4000);
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["order"] = chatty, ["orders"] = new[] { chatty, chatty } }))
        {
            // Five values of 4000 characters make the line longer than Json:MaxLineBytes (16 KiB): it is written
            // again with values cut to 512 characters.
            harness.Logger.LogInformation("Notes {a} {b} {c} {d} {e}", notes, notes, notes, notes, notes);
        }

        var lines = harness.JsonLines();
        var outer = Assert.Single(lines, l => l.Has("a"));
        Assert.Equal("order-42", outer.Text("order"));
        Assert.Equal("[\"order-42\",\"order-42\"]", outer.GetProperty("orders").GetRawText());
        Assert.EndsWith(Board.ServiceDefaults.Sinks.JsonLineFormatter.TruncationMarker, outer.Text("a"));

        // Once by the outer line, once by the inner record's own line (whose record, a loop, is cut), though each
        // line holds the object three times. Asked again for each place or for the second try, it would log its
        // record again each time.
        Assert.Equal(2, chatty.Lookups);
        Assert.Single(lines, l => l.Has("lookup.rows"));
        Assert.Equal(2, lines.Count);
        Assert.Equal(1, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
    }

    /// <summary>A value whose text is looked up, and the lookup logged, each time it is asked for.</summary>
    private sealed class ChattyValue(ILogger logger)
    {
        public int Lookups { get; private set; }

        public override string ToString()
        {
            logger.LogInformation("Looked up {lookup.rows} rows", ++Lookups);
            return "order-42";
        }
    }
}
