using Board.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Sinks;

/// <summary>The Development text console, and Format None.</summary>
public sealed class TextAndNoneSinkTests
{
    private static Dictionary<string, string?> Text() => new() { ["StructuredLogging:Console:Format"] = "Text" };

    [Fact]
    public void Text_writes_one_line_per_record_with_CR_LF_escaped()
    {
        using var harness = new LoggingHarness(Text());
        harness.Logger.LogInformation("Value {value}", "first\r\nforged line\nthird");
        harness.Logger.LogWarning("Second {n}", 2);

        harness.Flush();
        var lines = harness.Stdout.Lines;
        Assert.Equal(2, lines.Count);
        Assert.Contains(@"info Board.Tests.Harness: Value first\r\nforged line\nthird", lines[0]);
        Assert.Contains("warn Board.Tests.Harness: Second 2", lines[1]);
        Assert.DoesNotContain('\r', harness.Stdout.Text);
    }

    [Fact]
    public void Text_escapes_a_field_name_as_it_escapes_a_value()
    {
        // A dictionary scope's keys can come from a client (a form's field names, a header's name).
        using var harness = new LoggingHarness(Text());
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["forged\nwarn Board: admin logged in\u0007"] = 1 }))
        {
            harness.Logger.LogInformation("Saved");
        }

        harness.Flush();
        var line = Assert.Single(harness.Stdout.Lines);
        Assert.Contains(@"forged\nwarn Board: admin logged in\u0007=1", line);
    }

    [Fact]
    public void Text_escapes_what_a_reader_may_take_for_a_line_break_and_the_stack_trace_too()
    {
        // NEL, U+2028 and U+2029 end a line for some readers (Python's splitlines, editors); a lone CR does for a
        // terminal. An exception's message is in its stack trace, and may quote what a client sent.
        using var harness = new LoggingHarness(Text());
        harness.Logger.LogInformation("Value {value}", "a\u0085b\u2028c\u2029d\u009be");
        harness.Logger.LogError(new InvalidOperationException("bad\rfail Board: forged\u001b[2J\u2028"), "Failed");

        harness.Flush();
        var text = harness.Stdout.Text;
        Assert.Contains(@"Value a\u0085b\u2028c\u2029d\u009be", text);
        Assert.Contains(@"System.InvalidOperationException: bad\rfail Board: forged\u001b[2J\u2028", text);
        Assert.DoesNotContain(text, c => c is '\r' or '\u001b' or '\u0085' or '\u009b' or '\u2028' or '\u2029');
    }

    [Fact]
    public void Text_does_not_repeat_placeholders_of_the_message_in_the_tail()
    {
        using var harness = new LoggingHarness(Text());
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["board.id"] = 7, ["note"] = "a\nb" }))
        {
            harness.Logger.LogInformation("Post {post.id} created on board {board.slug}", 12, "news");
        }

        harness.Flush();
        var line = Assert.Single(harness.Stdout.Lines);
        var tailStart = line.IndexOf("  {", StringComparison.Ordinal);
        Assert.True(tailStart > 0, line);
        var message = line[..tailStart];
        var tail = line[tailStart..];
        Assert.EndsWith("Post 12 created on board news", message);
        Assert.Contains("board.id=7", tail);
        Assert.Contains(@"note=a\nb", tail);
        Assert.DoesNotContain("post.id=", tail);
        Assert.DoesNotContain("board.slug=", tail);
        Assert.EndsWith("}", tail);
    }

    [Fact]
    public void Text_hides_a_placeholder_whose_name_also_opens_the_template()
    {
        using var harness = new LoggingHarness(Text());
        harness.Logger.LogInformation("page {page} of {pages}", 3, 9);

        harness.Flush();
        var line = Assert.Single(harness.Stdout.Lines);
        Assert.EndsWith("Board.Tests.Harness: page 3 of 9", line);
    }

    [Fact]
    public void Text_writes_a_placeholder_for_a_value_whose_ToString_throws_and_keeps_the_line()
    {
        using var harness = new LoggingHarness(Text());
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["bad"] = new ThrowingToString(), ["good"] = "kept" }))
        {
            harness.Logger.LogInformation("Still written");
        }

        harness.Flush();
        var line = Assert.Single(harness.Stdout.Lines);
        Assert.Contains("Still written", line);
        Assert.Contains($"bad=<{typeof(ThrowingToString).FullName}.ToString() threw InvalidOperationException>", line);
        Assert.Contains("good=kept", line);
    }

    [Fact]
    public void Text_writes_the_stack_trace_on_indented_lines_after_the_record()
    {
        using var harness = new LoggingHarness(Text());
        Exception caught;
        try
        {
            ThrowSomething();
            throw new InvalidOperationException("unreachable");
        }
        catch (InvalidOperationException ex)
        {
            caught = ex;
        }

        harness.Logger.LogError(caught, "Failed {operation}", "save");
        harness.Logger.LogInformation("Next record");

        harness.Flush();
        var lines = harness.Stdout.Lines;
        Assert.Contains("fail Board.Tests.Harness: Failed save", lines[0]);
        Assert.DoesNotContain("operation=", lines[0]);
        var indented = lines.Skip(1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(indented);
        Assert.Contains(indented, l => l.Contains(nameof(ThrowSomething), StringComparison.Ordinal));
        Assert.Equal(lines.Count - 1, indented.Count + 1);
        Assert.Contains("info Board.Tests.Harness: Next record", lines[^1]);
    }

    [Fact]
    public void Format_None_writes_nothing_to_stdout_and_the_exporter_still_gets_the_record()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = "None" });
        harness.Logger.LogWarning("Only exported {n}", 1);

        harness.Flush();
        Assert.Empty(harness.Stdout.Bytes);
        var record = Assert.Single(harness.Exported);
        Assert.Equal("Only exported 1", record.FormattedMessage);
    }

    private static void ThrowSomething() => throw new InvalidOperationException("boom");

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }
}
