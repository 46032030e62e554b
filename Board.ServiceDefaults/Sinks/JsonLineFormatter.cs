using System.Buffers;
using System.Collections;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Board.ServiceDefaults.Enrichment;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Writes a record as one JSON line; the fields and what the line guarantees whatever a value holds are in
/// docs/logging.md, "The JSON line schema".
/// </summary>
/// <remarks>
/// Note: one instance per sink, called by one thread at a time (the exporter's, see <see cref="StdoutExporter"/>, or
/// under <see cref="OtlpFallback"/>'s lock), so the writer, its buffer and the caches need no lock of their own.
/// </remarks>
internal sealed class JsonLineFormatter : ILineFormatter
{
    /// <summary>The fields every line may have, before any rename.</summary>
    public static IReadOnlyList<string> FixedFieldNames { get; } =
        ["timestamp", "level", "logger", "message", "message_template", "event_id", "event_name", "trace_id", "span_id"];

    // Escapes what JSON requires and what a reader could take for a line break (control characters, U+2028/U+2029),
    // and leaves other text readable: the line is data, never embedded in HTML.
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly string[] s_levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly int _maxLineBytes;
    private readonly int _maxValueLength;
    private readonly FrozenDictionary<string, string> _renames;
    private readonly FrozenSet<string> _omitted;
    private readonly FrozenSet<string> _fixedNames;

    // Each field name encoded once per key, renamed where configured; null for a key left out.
    private readonly Dictionary<string, JsonEncodedText?> _names = new(StringComparer.Ordinal);

    private readonly (string Key, JsonEncodedText Name, object Value)[] _resource;
    private readonly FrozenSet<string> _resourceKeys;
    private readonly JsonEncodedText? _timestamp, _level, _logger, _message, _template, _eventId, _eventName, _traceId, _spanId;

    private readonly bool _fallback;

    /// <param name="fallback">Marks every line <c>log.fallback: true</c>: the record reached stdout because OTLP could not take it.</param>
    public JsonLineFormatter(JsonLineOptions options, int maxValueLength, Resource resource, bool fallback = false)
    {
        _fallback = fallback;
        _writer = new Utf8JsonWriter(_output, new JsonWriterOptions { Encoder = s_encoder, SkipValidation = true });
        _maxLineBytes = options.MaxLineBytes;
        _maxValueLength = maxValueLength;
        _renames = options.RenameFields.ToFrozenDictionary(StringComparer.Ordinal);
        _omitted = options.OmitFields.ToFrozenSet(StringComparer.Ordinal);
        _fixedNames = FixedFieldNames.Select(Rename).ToFrozenSet(StringComparer.Ordinal);

        _timestamp = Fixed("timestamp");
        _level = Fixed("level");
        _logger = Fixed("logger");
        _message = Fixed("message");
        _template = Fixed("message_template");
        _eventId = Fixed("event_id");
        _eventName = Fixed("event_name");
        _traceId = Fixed("trace_id");
        _spanId = Fixed("span_id");

        var wanted = options.ResourceAttributes;
        _resource = [.. resource.Attributes
            .Where(a => wanted.Contains(a.Key))
            .OrderBy(a => wanted.IndexOf(a.Key))
            .Select(a => (a.Key, Encode(Rename(a.Key)), a.Value))];
        _resourceKeys = _resource.Select(a => a.Key).ToFrozenSet(StringComparer.Ordinal);

        JsonEncodedText? Fixed(string name) => _omitted.Contains(name) ? null : Encode(Rename(name));
    }

    /// <summary>Formats the record as one line, newline included. The span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Format(LogRecord record)
    {
        // Shrinking limits until the line fits: first long values, then every value, then only the essentials;
        // escaping can make a character six bytes, so at the end once more shorter if need be.
        foreach (var limit in (ReadOnlySpan<int>)[_maxValueLength, Math.Min(_maxValueLength, 512), 64])
        {
            if (TryWrite(record, limit, withAttributes: true))
            {
                return _output.WrittenSpan;
            }
        }

        if (!TryWrite(record, 64, withAttributes: false))
        {
            TryWrite(record, 16, withAttributes: false);
        }

        return _output.WrittenSpan;
    }

    private bool TryWrite(LogRecord record, int maxValue, bool withAttributes)
    {
        _output.ResetWrittenCount();
        _writer.Reset(_output);
        var writer = _writer;
        writer.WriteStartObject();
        if (_timestamp is { } timestamp)
        {
            WriteTimestamp(writer, timestamp, record.Timestamp);
        }

        if (_level is { } level)
        {
            writer.WriteString(level, s_levels[Math.Clamp((int)record.LogLevel, 0, s_levels.Length - 1)]);
        }

        var template = MessageTemplate.Of(record.Attributes);
        WriteText(_logger, record.CategoryName, maxValue);
        WriteText(_message, record.FormattedMessage ?? template ?? record.Body ?? "", maxValue);
        WriteText(_template, template, maxValue);
        if (record.EventId.Id != 0 && _eventId is { } eventId)
        {
            writer.WriteNumber(eventId, record.EventId.Id);
        }

        WriteText(_eventName, record.EventId.Name, maxValue);
        if (record.TraceId != default)
        {
            WriteText(_traceId, record.TraceId.ToHexString(), maxValue);
            WriteText(_spanId, record.SpanId.ToHexString(), maxValue);
        }

        // A resource attribute the record sets itself is written once, with the record's value.
        List<string>? overridden = null;
        var fields = withAttributes ? record.Attributes : null;
        for (var i = 0; i < (fields?.Count ?? 0); i++)
        {
            var (key, value) = fields![i];
            if (key == MessageTemplate.Key || string.IsNullOrEmpty(key) || NameOf(key) is not { } name)
            {
                continue;
            }

            if (_resourceKeys.Contains(key))
            {
                (overridden ??= []).Add(key);
            }

            writer.WritePropertyName(name);
            WriteValue(value, maxValue);
        }

        if (_fallback)
        {
            writer.WriteBoolean("log.fallback"u8, true);
        }

        foreach (var (key, name, value) in _resource)
        {
            if (overridden?.Contains(key) != true)
            {
                writer.WritePropertyName(name);
                WriteValue(value, maxValue);
            }
        }

        writer.WriteEndObject();
        writer.Flush();
        _output.Write("\n"u8);
        return _output.WrittenCount <= _maxLineBytes;
    }

    // Microseconds, "2026-11-24T03:22:39.558577Z": the round-trip form ("O", formatted without parsing a pattern)
    // less its seventh fraction digit.
    private static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTime timestamp)
    {
        const int Microseconds = 26;
        var utc = timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : DateTime.SpecifyKind(timestamp, DateTimeKind.Utc);
        Span<byte> text = stackalloc byte[33];
        utc.TryFormat(text, out _, "O", CultureInfo.InvariantCulture);
        text[Microseconds] = (byte)'Z';
        writer.WriteString(name, text[..(Microseconds + 1)]);
    }

    private void WriteText(JsonEncodedText? name, string? value, int maxValue)
    {
        if (name is { } encoded && value is not null)
        {
            _writer.WritePropertyName(encoded);
            WriteText(value, maxValue);
        }
    }

    private void WriteText(string value, int maxValue)
    {
        if (value.Length > maxValue)
        {
            value = TextSanitizer.Truncate(value, maxValue);
        }

        _writer.WriteStringValue(WellFormed(value));
    }

    private void WriteValue(object? value, int maxValue)
    {
        var writer = _writer;
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                WriteText(s, maxValue);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong ul:
                writer.WriteNumberValue(ul);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case DateTime dt:
                writer.WriteStringValue(dt);
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto);
                break;
            case DateOnly date:
                writer.WriteStringValue(date.ToString("O", CultureInfo.InvariantCulture));
                break;
            case TimeOnly time:
                writer.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case Guid g:
                writer.WriteStringValue(g);
                break;
            case IEnumerable sequence and not IDictionary:
                WriteSequence(sequence, maxValue);
                break;
            default:
                WriteText(TextSanitizer.TextOf(value), maxValue);
                break;
        }
    }

    // The enrichment hands sequences over as arrays of texts or plain values (see RecordText).
    private void WriteSequence(IEnumerable sequence, int maxValue)
    {
        _writer.WriteStartArray();
        foreach (var item in sequence)
        {
            WriteValue(item is IEnumerable and not string ? TextSanitizer.TextOf(item) : item, maxValue);
        }

        _writer.WriteEndArray();
    }

    private JsonEncodedText? NameOf(string key)
    {
        if (!_names.TryGetValue(key, out var name))
        {
            var renamed = Rename(key);

            // An attribute may not take the place of a fixed field: it keeps its value under "attr.<name>".
            if (_fixedNames.Contains(renamed))
            {
                renamed = "attr." + renamed;
            }

            name = _omitted.Contains(key) ? null : Encode(renamed);

            // Keys come from templates and code, a bounded set of short names; a key made per record, or a long one
            // (a client's), is not kept.
            if (_names.Count < 4096 && key.Length <= 256)
            {
                _names[key] = name;
            }
        }

        return name;
    }

    private string Rename(string name) => _renames.TryGetValue(name, out var renamed) ? renamed : name;

    private static JsonEncodedText Encode(string name) => JsonEncodedText.Encode(WellFormed(name), s_encoder);

    // The writer refuses a lone surrogate (a broken client's, or a cut string's); UTF-8 writes it as U+FFFD.
    private static string WellFormed(string text) =>
        text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)) : text;
}
