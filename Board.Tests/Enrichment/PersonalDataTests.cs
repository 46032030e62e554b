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
    public void A_record_whose_enrichment_fails_is_still_redacted()
    {
        using var harness = new LoggingHarness();
        using (harness.Logger.BeginScope(new BrokenScope()))
        {
            harness.Logger.LogInformation("User {user.email} logged in", Email);
        }

        var line = harness.JsonLines().Single("message", "User REDACTED logged in");
        Assert.Equal(typeof(InvalidOperationException).FullName, line.Text("log.enrichment_error"));
        Assert.Equal("REDACTED", line.Text("user.email"));
        Assert.DoesNotContain(Email, harness.Stdout.Text, StringComparison.OrdinalIgnoreCase);
        var exported = Assert.Single(harness.Exported, r => r.FormattedMessage == "User REDACTED logged in");
        Assert.Equal("REDACTED", exported.Attributes!.Single(a => a.Key == "user.email").Value);
    }

    [Fact]
    public void A_record_whose_enrichment_fails_keeps_its_exception_on_stdout()
    {
        using var harness = new LoggingHarness();
        using (harness.Logger.BeginScope(new BrokenScope()))
        {
            harness.Logger.LogError(new TimeoutException("the real failure"), "Payment failed");
        }

        var line = harness.JsonLines().Single("message", "Payment failed");
        Assert.Equal(typeof(InvalidOperationException).FullName, line.Text("log.enrichment_error"));
        Assert.Equal(typeof(TimeoutException).FullName, line.Text("exception.type"));
        Assert.Equal("the real failure", line.Text("exception.message"));
        Assert.Contains("the real failure", line.Text("exception.stacktrace"), StringComparison.Ordinal);
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
