using Board.ServiceDefaults;
using Board.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Board.Tests.Configuration;

/// <summary>
/// StructuredLogging is read and validated before the host is built: a bad value stops start-up with a message that
/// names the full key and where the value came from.
/// </summary>
public sealed class LoggingOptionsLoaderTests : IDisposable
{
    private const string FileName = "appsettings.Production.json";
    private readonly string _directory = Directory.CreateTempSubdirectory("board-options-").FullName;

    public static TheoryData<string, string> InvalidSections => new()
    {
        { """{ "Console": { "MaxQueueSize": 0 } }""", "StructuredLogging:Console:MaxQueueSize" },
        { """{ "Console": { "MaxExportBatchSize": 0 } }""", "StructuredLogging:Console:MaxExportBatchSize" },
        { """{ "Console": { "ScheduledDelayMilliseconds": -1 } }""", "StructuredLogging:Console:ScheduledDelayMilliseconds" },
        { """{ "Json": { "MaxLineBytes": 100 } }""", "StructuredLogging:Json:MaxLineBytes" },
        { """{ "Json": { "MaxLineBytes": 300000 } }""", "StructuredLogging:Json:MaxLineBytes" },
        { """{ "MaxValueLength": 8 }""", "StructuredLogging:MaxValueLength" },
        { """{ "MaxValueLength": 20000 }""", "StructuredLogging:MaxValueLength" },
        { """{ "Json": { "RenameFields": { "level": "" } } }""", "StructuredLogging:Json:RenameFields:level" },
        { """{ "Json": { "RenameFields": { "level": "same", "logger": "same" } } }""", "StructuredLogging:Json:RenameFields:level" },
        { """{ "Json": { "RenameFields": { "message_template": "message" } } }""", "StructuredLogging:Json:RenameFields:message_template" },
        { """{ "Json": { "RenameFields": { "logger": "host.name" } } }""", "StructuredLogging:Json:RenameFields:logger" },
        { """{ "Console": { "MaxPendingBytes": 65536 } }""", "StructuredLogging:Console:MaxPendingBytes" },
        { """{ "DropReportInterval": "60" }""", "StructuredLogging:DropReportInterval" },
        { """{ "Requests": { "ExcludedPaths": [ "/health", "alive" ] } }""", "StructuredLogging:Requests:ExcludedPaths:1" },
        { """{ "Requests": { "StatusLevels": { "4x4": "Warning" } } }""", "StructuredLogging:Requests:StatusLevels:4x4" },
        { """{ "ForwardedHeaders": { "KnownProxies": [ "not-an-ip" ] } }""", "StructuredLogging:ForwardedHeaders:KnownProxies:0" },
        { """{ "ForwardedHeaders": { "KnownNetworks": [ "10.0.0.0/99" ] } }""", "StructuredLogging:ForwardedHeaders:KnownNetworks:0" },
        { """{ "ForwardedHeaders": { "ForwardLimit": 0 } }""", "StructuredLogging:ForwardedHeaders:ForwardLimit" },
        { """{ "Redaction": { "HashKey": "too-short" } }""", "StructuredLogging:Redaction:HashKey" },
        { """{ "Redaction": { "Mode": "Hash", "HashKey": "short" } }""", "StructuredLogging:Redaction:HashKey" },
        { """{ "Redaction": { "Mode": "Hash" } }""", "StructuredLogging:Redaction:HashKey" },
        { """{ "Otlp": { "MaxQueueSize": 0 } }""", "StructuredLogging:Otlp:MaxQueueSize" },
        { """{ "Otlp": { "MaxQueueSize": 100 } }""", "StructuredLogging:Otlp:MaxExportBatchSize" },
        { """{ "Otlp": { "MaxExportBatchSize": 0 } }""", "StructuredLogging:Otlp:MaxExportBatchSize" },
        { """{ "Otlp": { "ScheduledDelayMilliseconds": 0 } }""", "StructuredLogging:Otlp:ScheduledDelayMilliseconds" },
        { """{ "DropReportInterval": "00:00:00.500" } """, "StructuredLogging:DropReportInterval" },
        { """{ "Ecs": { "Timeout": "00:01:00" } }""", "StructuredLogging:Ecs:Timeout" },
        { """{ "Ecs": { "Timeout": "00:00:00" } }""", "StructuredLogging:Ecs:Timeout" },
        { """{ "Requests": { "HeldRecords": { "MinLevel": "Error" } } }""", "StructuredLogging:Requests:HeldRecords:MinLevel" },
        { """{ "Requests": { "HeldRecords": { "WriteFromLevel": "Information" } } }""", "StructuredLogging:Requests:HeldRecords:WriteFromLevel" },
        { """{ "Requests": { "HeldRecords": { "MaxRecordsPerRequest": 0 } } }""", "StructuredLogging:Requests:HeldRecords:MaxRecordsPerRequest" },
        { """{ "Requests": { "HeldRecords": { "MaxBytesPerRequest": 100 } } }""", "StructuredLogging:Requests:HeldRecords:MaxBytesPerRequest" },
        { """{ "Requests": { "HeldRecords": { "MaxBytesInFlight": 1000 } } }""", "StructuredLogging:Requests:HeldRecords:MaxBytesInFlight" },
        { """{ "Requests": { "HeldRecords": { "MaxBytesInFlight": 65536, "MaxBytesPerRequest": 100000 } } }""", "StructuredLogging:Requests:HeldRecords:MaxBytesPerRequest" },
        { """{ "Requests": { "Enabled": false, "HeldRecords": { "Enabled": true } } }""", "StructuredLogging:Requests:HeldRecords:Enabled" },
    };

    [Theory]
    [MemberData(nameof(InvalidSections))]
    public void A_value_from_a_file_that_breaks_a_rule_names_the_key_and_the_file(string section, string key)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => HarnessWithFile(section));

        Assert.Contains(key, exception.Message);
        Assert.Contains(FileName, exception.Message);
        Assert.Equal(LoggingOptions.SectionName, exception.OptionsName);
    }

    [Fact]
    public void A_default_that_breaks_a_rule_with_a_configured_value_is_called_not_set_and_points_at_the_section()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => HarnessWithFile("""{ "Otlp": { "MaxQueueSize": 100 } }"""));

        var failure = Assert.Single(exception.Failures);
        Assert.Equal(
            $"StructuredLogging:Otlp:MaxExportBatchSize is 512: must be between 1 and Otlp:MaxQueueSize (100) (not set; StructuredLogging:Otlp is from {FileName})",
            failure);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("50000000")]
    public void An_invalid_line_limit_is_the_only_failure_the_defaults_measured_against_it_get(string maxLineBytes)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Json:MaxLineBytes"] = maxLineBytes,
        }));

        var failure = Assert.Single(exception.Failures);
        Assert.StartsWith($"StructuredLogging:Json:MaxLineBytes is {maxLineBytes}", failure);
    }

    [Fact]
    public void A_value_from_in_memory_settings_names_the_key()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Json:MaxLineBytes"] = "10",
        }));

        Assert.Contains("StructuredLogging:Json:MaxLineBytes", exception.Message);
        Assert.Contains("is 10", exception.Message);
        Assert.DoesNotContain(FileName, exception.Message);
    }

    [Fact]
    public void A_value_from_an_environment_variable_names_the_key_and_environment_variables()
    {
        // A prefix of this test's own keeps the process-wide variable away from every other test.
        var prefix = $"BOARD_TEST_{Guid.NewGuid():N}_";
        var variable = prefix + "StructuredLogging__ForwardedHeaders__ForwardLimit";
        Environment.SetEnvironmentVariable(variable, "0");
        try
        {
            var exception = Assert.Throws<OptionsValidationException>(() => new LoggingHarness(configuration: c => c.AddEnvironmentVariables(prefix)));

            Assert.Contains("StructuredLogging:ForwardedHeaders:ForwardLimit", exception.Message);
            Assert.Contains("environment variables", exception.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Several_broken_rules_are_all_named_at_once()
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            HarnessWithFile("""{ "Json": { "MaxLineBytes": 100 }, "MaxValueLength": 50, "Otlp": { "ScheduledDelayMilliseconds": 0 } }"""));

        Assert.Contains("StructuredLogging:Json:MaxLineBytes", exception.Message);
        Assert.Contains("StructuredLogging:Otlp:ScheduledDelayMilliseconds", exception.Message);
        Assert.Equal(2, exception.Failures.Count());
    }

    [Fact]
    public void An_unknown_key_is_named_in_full_with_its_file()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => HarnessWithFile("""{ "Json": { "MaxLineByte": 20000 } }"""));

        Assert.Contains("StructuredLogging:Json:MaxLineByte", exception.Message);
        Assert.Contains(FileName, exception.Message);
    }

    [Theory]
    [InlineData("""{ "Json": { "MaxLineBytes": "big" } }""", "StructuredLogging:Json:MaxLineBytes")]
    [InlineData("""{ "Requests": { "StatusLevels": { "5xx": "Loud" } } }""", "StructuredLogging:Requests:StatusLevels:5xx")]
    [InlineData("""{ "Console": { "Format": "Yaml" } }""", "StructuredLogging:Console:Format")]
    public void An_unconvertible_value_names_the_key_and_its_file(string section, string key)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => HarnessWithFile(section));

        Assert.Contains(key, exception.Message);
        Assert.Contains(FileName, exception.Message);
    }

    [Fact]
    public void A_configured_list_replaces_the_default_list()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Requests:ExcludedPaths:0"] = "/metrics",
            ["StructuredLogging:Json:ResourceAttributes:0"] = "service.name",
        });

        var options = harness.Services.GetRequiredService<LoggingOptions>();
        Assert.Equal(["/metrics"], options.Requests.ExcludedPaths);
        Assert.Equal(["service.name"], options.Json.ResourceAttributes);
    }

    [Fact]
    public void Configured_personal_data_keys_are_added_to_the_default_never_in_its_place()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Redaction:PersonalDataKeys:0"] = "user.id",
            ["StructuredLogging:Redaction:PersonalDataKeys:1"] = "user.email",
        });

        var options = harness.Services.GetRequiredService<LoggingOptions>();
        Assert.Equal(["user.email", "user.id"], options.Redaction.PersonalDataKeys);
    }

    [Fact]
    public void Configured_allowed_query_keys_replace_the_default()
    {
        using var defaults = new LoggingHarness();
        Assert.Equal(["p", "page"], defaults.Services.GetRequiredService<LoggingOptions>().Requests.AllowedQueryKeys);

        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Requests:AllowedQueryKeys:0"] = "sort",
        });

        Assert.Equal(["sort"], harness.Services.GetRequiredService<LoggingOptions>().Requests.AllowedQueryKeys);
    }

    [Theory]
    [InlineData("""{ "Requests": { "AllowedQueryKeys": [ "page", "a b" ] } }""", "StructuredLogging:Requests:AllowedQueryKeys:1 is 'a b'")]
    [InlineData("""{ "Requests": { "AllowedQueryKeys": [ "token=x" ] } }""", "StructuredLogging:Requests:AllowedQueryKeys:0 is 'token=x'")]
    public void An_allowed_query_key_that_cannot_be_a_key_stops_start_up(string json, string expected)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => HarnessWithFile(json));

        Assert.Contains(expected, exception.Message);
        Assert.Contains(FileName, exception.Message);
    }

    [Fact]
    public void Unconfigured_lists_keep_their_defaults()
    {
        using var harness = new LoggingHarness();

        var options = harness.Services.GetRequiredService<LoggingOptions>();
        Assert.Equal(["/health", "/alive"], options.Requests.ExcludedPaths);
    }

    [Theory]
    [InlineData("Development", ConsoleFormat.Text)]
    [InlineData("Production", ConsoleFormat.Json)]
    [InlineData("Staging", ConsoleFormat.Json)]
    public void Console_Auto_is_Text_in_Development_and_Json_elsewhere(string environment, ConsoleFormat expected)
    {
        // The harness asks for Json; null takes that away again, so the library's own default (Auto) decides.
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = null }, environment);
        harness.Logger.LogInformation("Which format");
        harness.Flush();

        Assert.Equal(expected, harness.Services.GetRequiredService<LoggingOptions>().Console.Format);
        var line = Assert.Single(harness.Stdout.Lines);
        Assert.Equal(expected == ConsoleFormat.Json, line.StartsWith('{'));
    }

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Production", true)]
    [InlineData("Staging", true)]
    public void Held_records_are_off_in_Development_and_on_elsewhere(string environment, bool expected)
    {
        using var harness = new LoggingHarness(environment: environment);

        Assert.Equal(expected, harness.Services.GetRequiredService<LoggingOptions>().Requests.HeldRecords.Enabled);
    }

    [Fact]
    public void Held_records_are_off_without_request_logging()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Requests:Enabled"] = "false" });

        Assert.Equal(false, harness.Services.GetRequiredService<LoggingOptions>().Requests.HeldRecords.Enabled);
    }

    [Fact]
    public void Console_Auto_written_explicitly_is_resolved_too()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = "Auto" }, "Development");

        Assert.Equal(ConsoleFormat.Text, harness.Services.GetRequiredService<LoggingOptions>().Console.Format);
    }

    [Theory]
    [InlineData("Development", null, RedactionMode.None)]
    [InlineData("Development", "a-key-of-at-least-16-chars", RedactionMode.None)]
    [InlineData("Production", null, RedactionMode.Redact)]
    [InlineData("Production", "a-key-of-at-least-16-chars", RedactionMode.Hash)]
    [InlineData("Staging", "0123456789abcdef", RedactionMode.Hash)]
    public void Redaction_defaults_follow_the_environment_and_the_key(string environment, string? hashKey, RedactionMode expected)
    {
        const string Email = "someone@example.com";
        using var harness = new LoggingHarness(new Dictionary<string, string?> { ["StructuredLogging:Redaction:HashKey"] = hashKey }, environment);
        harness.Logger.LogInformation("User {user.email} logged in", Email);

        Assert.Equal(expected, harness.Services.GetRequiredService<LoggingOptions>().Redaction.Mode);
        var written = Assert.Single(harness.Exported).Attributes!.Single(a => a.Key == "user.email").Value as string;
        switch (expected)
        {
            case RedactionMode.None:
                Assert.Equal(Email, written);
                break;
            case RedactionMode.Redact:
                Assert.Equal("REDACTED", written);
                break;
            default:
                Assert.NotNull(written);
                Assert.NotEqual(Email, written);
                Assert.DoesNotContain("someone", written);
                break;
        }
    }

    [Fact]
    public void A_short_hash_key_stops_start_up_naming_the_key()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Redaction:HashKey"] = "fifteen-chars!!",
        }));

        Assert.Contains("StructuredLogging:Redaction:HashKey", exception.Message);
        Assert.DoesNotContain("fifteen-chars!!", exception.Message);
    }

    private LoggingHarness HarnessWithFile(string structuredLoggingSection)
    {
        var path = Path.Combine(_directory, FileName);
        File.WriteAllText(path, $$"""{ "StructuredLogging": {{structuredLoggingSection}} }""");
        return new LoggingHarness(configuration: c => c.AddJsonFile(path, optional: false, reloadOnChange: false));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
