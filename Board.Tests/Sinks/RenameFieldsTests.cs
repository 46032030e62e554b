using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Sinks;

/// <summary>The rename map changes names on stdout only; OTLP keeps the OpenTelemetry names.</summary>
public sealed class RenameFieldsTests
{
    private static Dictionary<string, string?> Renames() => new()
    {
        ["StructuredLogging:Json:RenameFields:level"] = "levelname",
        ["StructuredLogging:Json:RenameFields:timestamp"] = "time",
        ["StructuredLogging:Json:RenameFields:logger"] = "name",
        ["StructuredLogging:Json:RenameFields:http.response.status_code"] = "status_code",
    };

    [Fact]
    public void Renamed_fields_change_on_stdout_and_the_exported_record_keeps_the_OpenTelemetry_names()
    {
        using var harness = new LoggingHarness(Renames());
        harness.Logger.LogWarning("GET /x completed with status {http.response.status_code}", 404);

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Warning", line.Text("levelname"));
        Assert.Equal("Board.Tests.Harness", line.Text("name"));
        Assert.NotNull(line.Text("time"));
        Assert.Equal(404, line.GetProperty("status_code").GetInt32());
        Assert.False(line.Has("level"));
        Assert.False(line.Has("timestamp"));
        Assert.False(line.Has("logger"));
        Assert.False(line.Has("http.response.status_code"));
        Assert.Equal("GET /x completed with status 404", line.Text("message"));

        var record = Assert.Single(harness.Exported);
        Assert.NotNull(record.Attributes);
        Assert.Contains(record.Attributes, a => a.Key == "http.response.status_code" && Equals(a.Value, 404));
        Assert.DoesNotContain(record.Attributes, a => a.Key == "status_code");
        Assert.Equal(LogLevel.Warning, record.LogLevel);
        Assert.Equal("Board.Tests.Harness", record.CategoryName);
    }

    [Fact]
    public void An_attribute_named_like_a_fixed_field_is_written_as_attr_dot_name()
    {
        using var harness = new LoggingHarness();
        harness.Logger.LogInformation("Posted {message} at {timestamp} by {logger}", "user text", "yesterday", "someone");

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Posted user text at yesterday by someone", line.Text("message"));
        Assert.Equal("user text", line.Text("attr.message"));
        Assert.Equal("yesterday", line.Text("attr.timestamp"));
        Assert.Equal("someone", line.Text("attr.logger"));
        Assert.Equal("Board.Tests.Harness", line.Text("logger"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T", line.Text("timestamp")!);

        var record = Assert.Single(harness.Exported);
        Assert.Contains(record.Attributes!, a => a.Key == "message" && Equals(a.Value, "user text"));
    }

    [Fact]
    public void An_attribute_renamed_onto_a_fixed_field_name_does_not_replace_it()
    {
        using var harness = new LoggingHarness(Renames());
        harness.Logger.LogInformation("Named {name}", "attribute value");

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Board.Tests.Harness", line.Text("name"));
        Assert.Equal("attribute value", line.Text("attr.name"));
    }

    [Fact]
    public void Two_fixed_fields_may_swap_names_and_each_is_written_once()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["StructuredLogging:Json:RenameFields:message"] = "msg",
            ["StructuredLogging:Json:RenameFields:message_template"] = "message",
            ["StructuredLogging:Json:OmitFields:0"] = "event_id",
        });
        harness.Logger.LogInformation("Hello {name}", "ada");

        harness.Flush();
        var text = harness.Stdout.Text;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "\"message\":"));
        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Hello ada", line.Text("msg"));
        Assert.Equal("Hello {name}", line.Text("message"));
    }
}
