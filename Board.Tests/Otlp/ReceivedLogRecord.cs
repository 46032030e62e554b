using System.Globalization;
using System.Text;
using Board.Tests.Otlp.Proto.Collector.Logs;
using Board.Tests.Otlp.Proto.Common;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Board.Tests.Otlp;

/// <summary>How a request reached the <see cref="OtlpReceiver"/>.</summary>
public enum OtlpTransport
{
    Grpc,
    Http,
}

/// <summary>
/// One OTLP log record as the receiver got it, flattened with its resource and instrumentation scope.
/// Attribute values keep their OTLP type: <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="byte"/>[], <c>IReadOnlyList&lt;object?&gt;</c> for arrays and
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> for key-value lists.
/// </summary>
public sealed record ReceivedLogRecord
{
    public required OtlpTransport Transport { get; init; }
    public required IReadOnlyDictionary<string, object?> ResourceAttributes { get; init; }
    public required string ScopeName { get; init; }
    public string? ScopeVersion { get; init; }

    /// <summary>The instrumentation scope's attributes (empty when it has none).</summary>
    public IReadOnlyDictionary<string, object?> ScopeAttributes { get; init; } = new Dictionary<string, object?>();

    /// <summary>time_unix_nano, or null when the exporter left it unset (0).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>observed_time_unix_nano, or null when unset (0).</summary>
    public DateTimeOffset? ObservedTimestamp { get; init; }

    /// <summary>OTLP severity number: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal.</summary>
    public int SeverityNumber { get; init; }
    public string SeverityText { get; init; } = "";

    /// <summary>The body as text (a string body as-is, any other value formatted), or null when absent.</summary>
    public string? Body { get; init; }

    /// <summary>The body with its OTLP type, like an attribute value.</summary>
    public object? BodyValue { get; init; }

    public required IReadOnlyDictionary<string, object?> Attributes { get; init; }

    public uint DroppedAttributesCount { get; init; }

    /// <summary>Lower-case hex trace id, or null when the record has none.</summary>
    public string? TraceId { get; init; }

    /// <summary>Lower-case hex span id, or null when the record has none.</summary>
    public string? SpanId { get; init; }

    public uint Flags { get; init; }
    public string EventName { get; init; } = "";

    public string? ServiceName => ResourceAttributes.TryGetValue("service.name", out var value) ? value as string : null;

    /// <summary>The attribute's value, or null when the record does not carry it.</summary>
    public object? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    public override string ToString()
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"[{SeverityText}/{SeverityNumber}] {ScopeName}: {Body}");
        foreach (var (key, value) in Attributes)
        {
            text.Append(CultureInfo.InvariantCulture, $" {key}={Format(value)}");
        }

        return text.ToString();
    }

    internal static IEnumerable<ReceivedLogRecord> Flatten(ExportLogsServiceRequest request, OtlpTransport transport)
    {
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = ToDictionary(resourceLogs.Resource?.Attributes);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    var body = record.Body is null ? null : ToValue(record.Body);
                    yield return new ReceivedLogRecord
                    {
                        Transport = transport,
                        ResourceAttributes = resource,
                        ScopeName = scopeLogs.Scope?.Name ?? "",
                        ScopeVersion = string.IsNullOrEmpty(scopeLogs.Scope?.Version) ? null : scopeLogs.Scope.Version,
                        ScopeAttributes = ToDictionary(scopeLogs.Scope?.Attributes),
                        Timestamp = FromUnixNanoseconds(record.TimeUnixNano),
                        ObservedTimestamp = FromUnixNanoseconds(record.ObservedTimeUnixNano),
                        SeverityNumber = record.SeverityNumber,
                        SeverityText = record.SeverityText,
                        Body = body is null ? null : Format(body),
                        BodyValue = body,
                        Attributes = ToDictionary(record.Attributes),
                        DroppedAttributesCount = record.DroppedAttributesCount,
                        TraceId = ToHex(record.TraceId),
                        SpanId = ToHex(record.SpanId),
                        Flags = record.Flags,
                        EventName = record.EventName,
                    };
                }
            }
        }
    }

    private static Dictionary<string, object?> ToDictionary(RepeatedField<KeyValue>? attributes)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (attributes is not null)
        {
            foreach (var attribute in attributes)
            {
                result[attribute.Key] = attribute.Value is null ? null : ToValue(attribute.Value);
            }
        }

        return result;
    }

    private static object? ToValue(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(ToValue).ToList(),
        AnyValue.ValueOneofCase.KvlistValue => ToDictionary(value.KvlistValue.Values),
        _ => null,
    };

    private static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        byte[] bytes => Convert.ToBase64String(bytes),
        IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", map.Select(p => $"{p.Key}: {Format(p.Value)}")) + "}",
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Format)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static DateTimeOffset? FromUnixNanoseconds(ulong nanoseconds) =>
        nanoseconds == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)(nanoseconds / 100));

    private static string? ToHex(ByteString id) =>
        id.IsEmpty || id.Span.IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(id.Span);
}
