using Board.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Enrichment;

public sealed class PersonalDataTests
{
    private const string Email = "Grace.Hopper@example.com";

    private static void LogLogin(LoggingHarness harness)
    {
        using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["user.email"] = Email }))
        {
            harness.Logger.LogInformation("User {user.email} logged in", Email);
        }
    }

    [Fact]
    public void Development_writes_the_email_as_it_is()
    {
        using var harness = new LoggingHarness(environment: "Development");

        LogLogin(harness);

        var line = harness.JsonLines().Single("message", $"User {Email} logged in");
        Assert.Equal(Email, line.Text("user.email"));
    }

    [Fact]
    public void Production_without_a_key_redacts_the_email_in_fields_and_message()
    {
        using var harness = new LoggingHarness();

        LogLogin(harness);

        var line = harness.JsonLines().Single("message", "User REDACTED logged in");
        Assert.Equal("REDACTED", line.Text("user.email"));
        Assert.DoesNotContain(Email, harness.Stdout.Text, StringComparison.OrdinalIgnoreCase);
        var exported = Assert.Single(harness.Exported, r => r.FormattedMessage == "User REDACTED logged in");
        Assert.Equal("REDACTED", exported.Attributes!.Single(a => a.Key == "user.email").Value);
    }

    [Fact]
    public void A_scope_that_throws_while_it_is_read_costs_only_itself()
    {
        using var harness = new LoggingHarness();
        using (harness.Logger.BeginScope(new BrokenScope()))
        {
            harness.Logger.LogError(new TimeoutException("the real failure"), "User {user.email} failed to pay", Email);
        }

        var line = harness.JsonLines().Single("message", "User REDACTED failed to pay");
        Assert.Null(line.Text("log.enrichment_error"));
        Assert.Equal("REDACTED", line.Text("user.email"));
        Assert.Equal("t-1", line.Text("tenant"));
        Assert.Equal($"<{typeof(BrokenScope).FullName} threw InvalidOperationException>", line.Text("scope"));
        Assert.Equal(typeof(TimeoutException).FullName, line.Text("exception.type"));
        Assert.Equal("the real failure", line.Text("exception.message"));
        Assert.DoesNotContain(Email, harness.Stdout.Text, StringComparison.OrdinalIgnoreCase);
        var exported = Assert.Single(harness.Exported, r => r.FormattedMessage == "User REDACTED failed to pay");
        Assert.Equal("REDACTED", exported.Attributes!.Single(a => a.Key == "user.email").Value);
    }

    [Fact]
    public void An_exception_whose_message_and_text_throw_costs_only_those_fields()
    {
        using var harness = new LoggingHarness();

        harness.Logger.LogError(new UnreadableException(), "User {user.email} failed to pay", Email);

        var line = harness.JsonLines().Single("message", "User REDACTED failed to pay");
        Assert.Null(line.Text("log.enrichment_error"));
        Assert.Equal(typeof(UnreadableException).FullName, line.Text("exception.type"));
        Assert.Equal($"<{typeof(UnreadableException).FullName}.Message threw InvalidOperationException>", line.Text("exception.message"));
        Assert.Equal($"<{typeof(UnreadableException).FullName}.ToString() threw InvalidOperationException>", line.Text("exception.stacktrace"));
        Assert.DoesNotContain(Email, harness.Stdout.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_record_whose_own_state_cannot_be_read_keeps_its_template_and_none_of_its_values()
    {
        using var harness = new LoggingHarness();

        harness.Logger.Log(LogLevel.Error, default, new UnreadableState(), new TimeoutException("the real failure"), (_, _) => $"User {Email} failed to pay");

        var line = harness.JsonLines().Single("message", UnreadableState.Template);
        Assert.Equal(typeof(InvalidOperationException).FullName, line.Text("log.enrichment_error"));
        Assert.Equal(typeof(TimeoutException).FullName, line.Text("exception.type"));
        Assert.DoesNotContain(Email, harness.Stdout.Text, StringComparison.OrdinalIgnoreCase);
        var exported = Assert.Single(harness.Exported, r => r.Attributes?.Any(a => a.Key == "log.enrichment_error") == true);
        Assert.Null(exported.FormattedMessage);
        Assert.Null(exported.Exception);
        Assert.DoesNotContain(exported.Attributes!, a => a.Value is string text && text.Contains(Email, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_hash_key_gives_a_stable_keyed_hash_that_ignores_case()
    {
        var settings = new Dictionary<string, string?> { ["StructuredLogging:Redaction:HashKey"] = "a-test-key-of-enough-length" };
        string first;
        using (var harness = new LoggingHarness(settings))
        {
            LogLogin(harness);
            using (harness.Logger.BeginScope(new Dictionary<string, object?> { ["user.email"] = Email.ToLowerInvariant() }))
            {
                harness.Logger.LogInformation("again");
            }

            var lines = harness.JsonLines();
            first = lines.Single("message", "again").Text("user.email")!;
            Assert.StartsWith("hmac:", first, StringComparison.Ordinal);
            Assert.Equal(first, lines.Single(l => l.Text("message")!.StartsWith("User ", StringComparison.Ordinal)).Text("user.email"));
            Assert.Equal($"User {first} logged in", lines.Single(l => l.Text("message")!.StartsWith("User ", StringComparison.Ordinal)).Text("message"));
            Assert.DoesNotContain("a-test-key-of-enough-length", harness.Stdout.Text, StringComparison.Ordinal);
        }

        using (var again = new LoggingHarness(settings))
        {
            LogLogin(again);
            Assert.Equal(first, again.JsonLines().Single(l => l.Text("message")!.StartsWith("User ", StringComparison.Ordinal)).Text("user.email"));
        }

        using var otherKey = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Redaction:HashKey"] = "another-key-of-enough-length" });
        LogLogin(otherKey);
        Assert.NotEqual(first, otherKey.JsonLines().Single(l => l.Text("message")!.StartsWith("User ", StringComparison.Ordinal)).Text("user.email"));
    }

    [Fact]
    public void Redaction_applies_to_the_keys_configured_as_well_as_to_the_default_one()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Redaction:Mode"] = "Redact",
            ["StructuredLogging:Redaction:PersonalDataKeys:0"] = "user.phone",
        });

        harness.Logger.LogInformation("Contact {user.phone} or {user.email}", "+44 1234", Email);

        var line = harness.JsonLines().Single(l => l.Text("message")!.StartsWith("Contact", StringComparison.Ordinal));
        Assert.Equal("REDACTED", line.Text("user.phone"));
        Assert.Equal("REDACTED", line.Text("user.email"));
        Assert.DoesNotContain(Email, line.Text("message"), StringComparison.Ordinal);
    }

    /// <summary>A record state whose first field throws when read; its template, last, can be read.</summary>
    private sealed class UnreadableState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public const string Template = "User {user.email} failed to pay";

        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] =>
            index == 1 ? new("{OriginalFormat}", Template) : throw new InvalidOperationException("the state broke");

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>An exception whose own Message and ToString() throw.</summary>
    private sealed class UnreadableException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message");

        public override string ToString() => throw new InvalidOperationException("no text");
    }

    /// <summary>A scope whose fields cannot be read to the end.</summary>
    private sealed class BrokenScope : IEnumerable<KeyValuePair<string, object?>>
    {
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return new("tenant", "t-1");
            throw new InvalidOperationException("the scope broke");
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
