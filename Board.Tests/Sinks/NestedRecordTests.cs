using Board.ServiceDefaults.Drops;
using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Sinks;

/// <summary>
/// A value whose ToString() logs: the record it logs is written whole on a line of its own, the record that holds the
/// value keeps its own fields, nothing is lost, and a plain scope that logs while its text is taken does not loop.
/// </summary>
public sealed class NestedRecordTests
{
    [Theory]
    [InlineData("Json")]
    [InlineData("Text")]
    public void A_value_that_logs_while_its_line_is_written_leaves_both_records_whole(string format)
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = format });
        var chatty = new ChattyValue(harness.Logger);
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["order"] = chatty, ["order.total"] = 12 }))
        {
            harness.Logger.LogInformation("Order placed by {customer}", "c-7");
        }

        // The inner record is logged while the outer line is written: flushed once more, it is written too.
        harness.Flush();
        harness.Flush();
        var lines = harness.Stdout.Lines;
        Assert.Equal(2, lines.Count);
        var outer = Assert.Single(lines, l => l.Contains("Order placed by c-7", StringComparison.Ordinal));
        Assert.Contains("order-42", outer);
        Assert.DoesNotContain("lookup.rows", outer);
        var inner = Assert.Single(lines, l => l.Contains("Looked up 1 rows", StringComparison.Ordinal));
        Assert.DoesNotContain("Order placed", inner);
        Assert.Equal(1, chatty.Lookups);
        Assert.Equal(0, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
    }

    [Fact]
    public void A_plain_scope_whose_ToString_logs_is_asked_once_and_the_record_it_logs_names_it_by_type()
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
        Assert.Equal($"<{typeof(ChattyValue).FullName}>", lines.Single("message", "Looked up 1 rows").Text("scope"));
        Assert.Equal(1, chatty.Lookups);
        Assert.Equal(0, harness.Services.GetRequiredService<DroppedRecordCounter>().StdoutDropped);
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

        harness.Flush();
        var lines = harness.JsonLines();
        var outer = Assert.Single(lines, l => l.Has("a"));
        Assert.Equal("order-42", outer.Text("order"));
        Assert.Equal("[\"order-42\",\"order-42\"]", outer.GetProperty("orders").GetRawText());
        Assert.EndsWith(Board.ServiceDefaults.Sinks.TextSanitizer.TruncationMarker, outer.Text("a"));

        // Once for the line, though it holds the object three times and is written twice.
        Assert.Equal(1, chatty.Lookups);
        Assert.Single(lines, l => l.Has("lookup.rows"));
        Assert.Equal(2, lines.Count);
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
