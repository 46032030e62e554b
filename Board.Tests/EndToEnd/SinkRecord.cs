using System.Globalization;
using System.Text.Json;
using Board.Tests.Otlp;

namespace Board.Tests.EndToEnd;

public enum Sink
{
    Stdout,
    Otlp,
}

/// <summary>
/// One log record as one sink delivered it, read the same way for both: a JSON line of the app's stdout, or an
/// OTLP record decoded by the <see cref="OtlpReceiver"/>. Values keep their type: string, bool, long, double, or null.
/// </summary>
public sealed record SinkRecord
{
    /// <summary>The fixed keys of a JSON line; everything else on the line is an attribute or a resource attribute.</summary>
    public static readonly IReadOnlySet<string> StdoutFixedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "timestamp", "level", "logger", "message", "message_template", "event_id", "event_name", "trace_id", "span_id",
    };

    /// <summary>Resource attributes the JSON line may repeat on every line (the fixtures configure StructuredLogging:Json:ResourceAttributes).</summary>
    public static readonly IReadOnlySet<string> StdoutResourceKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "service.name", "service.version", "service.instance.id", "deployment.environment.name", "host.name", "process.pid",
        "cloud.region", "aws.ecs.task.id",
    };

    public required Sink Sink { get; init; }

    /// <summary>stdout "level", or the OTLP severity text.</summary>
    public required string Level { get; init; }

    /// <summary>The logger category (stdout "logger", OTLP instrumentation scope name).</summary>
    public required string Logger { get; init; }

    public required string Message { get; init; }
    public string? Template { get; init; }

    /// <summary>Null when the record has no event name.</summary>
    public string? EventName { get; init; }

    public string? TraceId { get; init; }
    public string? SpanId { get; init; }
    public required IReadOnlyDictionary<string, object?> Attributes { get; init; }
    public required IReadOnlyDictionary<string, object?> Resource { get; init; }

    /// <summary>The record as it arrived, for failure messages.</summary>
    public required string Raw { get; init; }

    public object? this[string key] => Attributes.TryGetValue(key, out var value) ? value : null;

    public string? Text(string key) => this[key] as string;

    public bool Is(string eventName) => EventName == eventName;

    public override string ToString() => $"{Sink}: {Raw}";

    public static SinkRecord? FromJsonLine(string line)
    {
        if (line.Length == 0 || line[0] != '{')
        {
            return null;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }

        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var resource = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (StdoutFixedKeys.Contains(property.Name))
            {
                continue;
            }

            // A resource key on the line is the resource's value unless the record set the same key itself;
            // the formatter then writes the record's value only. Both lookups see it.
            var value = ToValue(property.Value);
            attributes[property.Name] = value;
            if (StdoutResourceKeys.Contains(property.Name))
            {
                resource[property.Name] = value;
            }
        }

        return new SinkRecord
        {
            Sink = Sink.Stdout,
            Level = Text(root, "level") ?? "",
            Logger = Text(root, "logger") ?? "",
            Message = Text(root, "message") ?? "",
            Template = Text(root, "message_template"),
            EventName = Text(root, "event_name"),
            TraceId = Text(root, "trace_id"),
            SpanId = Text(root, "span_id"),
            Attributes = attributes,
            Resource = resource,
            Raw = line,
        };
    }

    public static SinkRecord FromOtlp(ReceivedLogRecord record) => new()
    {
        Sink = Sink.Otlp,
        Level = record.SeverityText,
        Logger = record.ScopeName,
        Message = record.Body ?? "",
        Template = record.Attribute("{OriginalFormat}") as string,
        EventName = string.IsNullOrEmpty(record.EventName) ? null : record.EventName,
        TraceId = record.TraceId,
        SpanId = record.SpanId,
        Attributes = record.Attributes,
        Resource = record.ResourceAttributes,
        Raw = $"[trace {record.TraceId}] {record}",
    };

    /// <summary>
    /// Equal across sinks: the same text, numbers of equal value whichever way they were encoded, or arrays of equal
    /// items (a JSON array on stdout, which this record keeps as its text, against an OTLP array).
    /// </summary>
    public static bool SameValue(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (string a, IReadOnlyList<object?> b) when a.StartsWith('[') => SameItems(a, b),
        (IReadOnlyList<object?> a, string b) when b.StartsWith('[') => SameItems(b, a),
        (string a, string b) => a == b,
        (bool a, bool b) => a == b,
        (long or double, long or double) => Convert.ToDouble(left, CultureInfo.InvariantCulture) == Convert.ToDouble(right, CultureInfo.InvariantCulture),
        _ => false,
    };

    private static bool SameItems(string jsonArray, IReadOnlyList<object?> items)
    {
        using var document = JsonDocument.Parse(jsonArray);
        var json = document.RootElement.EnumerateArray().Select(ToValue).ToList();
        return json.Count == items.Count && json.Zip(items).All(pair => SameValue(pair.First, pair.Second));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static object? ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var integer) && !value.GetRawText().Contains('.') => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
