using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Writes one record as one JSON object on one line (the schema is in docs/logging.md): the fixed fields, the
/// record's attributes flattened under their own names, then the resource attributes chosen in
/// <see cref="JsonLineOptions.ResourceAttributes"/>. Whatever a value holds (CR/LF, quotes, NUL, lone surrogates,
/// 64 KB) the line stays valid JSON and under <see cref="JsonLineOptions.MaxLineBytes"/>: long values are cut
/// with a marker. Buffers are per thread and reused, so a record costs no allocation of its own.
/// </summary>
internal sealed class JsonLineFormatter : ILineFormatter
{
    public const string TruncationMarker = "...[truncated]";

    private const int MaxCachedKeys = 4096;
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = s_encoder, SkipValidation = true };
    private static readonly JsonEncodedText[] s_levels =
        [.. new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical", "None" }.Select(l => JsonEncodedText.Encode(l, s_encoder))];

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private readonly int _maxLineBytes;
    private readonly int _maxValueLength;
    private readonly FrozenDictionary<string, string> _renames;
    private readonly FrozenSet<string> _fixedNames;
    private readonly ConcurrentDictionary<string, JsonEncodedText> _keyCache = new(StringComparer.Ordinal);
    private readonly (string Key, JsonEncodedText Name, object Value)[] _resource;

    private readonly JsonEncodedText _timestamp, _level, _logger, _message, _template, _eventId, _eventName, _traceId, _spanId;

    public JsonLineFormatter(JsonLineOptions options, Resource resource)
    {
        _maxLineBytes = options.MaxLineBytes;
        _maxValueLength = options.MaxValueLength;
        _renames = options.RenameFields.ToFrozenDictionary(StringComparer.Ordinal);

        _timestamp = Fixed("timestamp");
        _level = Fixed("level");
        _logger = Fixed("logger");
        _message = Fixed("message");
        _template = Fixed("message_template");
        _eventId = Fixed("event_id");
        _eventName = Fixed("event_name");
        _traceId = Fixed("trace_id");
        _spanId = Fixed("span_id");
        _fixedNames = new[] { "timestamp", "level", "logger", "message", "message_template", "event_id", "event_name", "trace_id", "span_id" }
            .Select(Rename).ToFrozenSet(StringComparer.Ordinal);

        var wanted = options.ResourceAttributes;
        _resource = [.. resource.Attributes
            .Where(a => wanted.Contains(a.Key))
            .OrderBy(a => wanted.IndexOf(a.Key))
            .Select(a => (a.Key, Encode(Rename(a.Key)), a.Value))];

        JsonEncodedText Fixed(string name) => Encode(Rename(name));
    }

    /// <summary>
    /// Formats the record as one line, newline included. The span is valid until the next call on this thread.
    /// </summary>
    public ReadOnlySpan<byte> Format(LogRecord record)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);

        // Shrinking limits until the line fits: first long values, then every value, then only the essentials.
        int[] valueLimits = [_maxValueLength, Math.Min(_maxValueLength, 512), 64];
        foreach (var limit in valueLimits)
        {
            buffer.ResetWrittenCount();
            Write(record, buffer, limit, withAttributes: true);
            if (buffer.WrittenCount <= _maxLineBytes)
            {
                return buffer.WrittenSpan;
            }
        }

        buffer.ResetWrittenCount();
        Write(record, buffer, 64, withAttributes: false);
        return buffer.WrittenSpan;
    }

    private void Write(LogRecord record, ArrayBufferWriter<byte> buffer, int maxValue, bool withAttributes)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, s_writerOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        writer.WriteStartObject();

        Span<byte> utf8 = stackalloc byte[32];
        record.Timestamp.ToUniversalTime().TryFormat(utf8, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        writer.WriteString(_timestamp, utf8[..written]);
        writer.WriteString(_level, s_levels[Math.Clamp((int)record.LogLevel, 0, s_levels.Length - 1)]);
        if (record.CategoryName is { } category)
        {
            writer.WritePropertyName(_logger);
            WriteText(writer, category, maxValue);
        }

        string? template = null;
        var attributes = record.Attributes;
        if (attributes is not null)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].Key == "{OriginalFormat}")
                {
                    template = attributes[i].Value as string;
                    break;
                }
            }
        }

        writer.WritePropertyName(_message);
        WriteText(writer, record.FormattedMessage ?? template ?? record.Body ?? "", maxValue);
        if (template is not null)
        {
            writer.WritePropertyName(_template);
            WriteText(writer, template, maxValue);
        }

        if (record.EventId.Id != 0)
        {
            writer.WriteNumber(_eventId, record.EventId.Id);
        }

        if (record.EventId.Name is { } eventName)
        {
            writer.WritePropertyName(_eventName);
            WriteText(writer, eventName, maxValue);
        }

        if (record.TraceId != default)
        {
            Span<char> hex = stackalloc char[32];
            WriteHex(writer, _traceId, record.TraceId, hex);
            WriteHex(writer, _spanId, record.SpanId, hex[..16]);
        }

        if (withAttributes && attributes is not null)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                if (key == "{OriginalFormat}" || string.IsNullOrEmpty(key))
                {
                    continue;
                }

                writer.WritePropertyName(NameFor(key));
                WriteValue(writer, value, maxValue);
            }
        }

        foreach (var (key, name, value) in _resource)
        {
            if (withAttributes && attributes is not null && Contains(attributes, key))
            {
                continue;
            }

            writer.WritePropertyName(name);
            WriteValue(writer, value, maxValue);
        }

        writer.WriteEndObject();
        writer.Flush();
        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);
    }

    private static void WriteHex(Utf8JsonWriter writer, JsonEncodedText name, ActivityTraceId id, Span<char> hex)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        Convert.TryToHexStringLower(bytes, hex, out _);
        writer.WriteString(name, hex);
    }

    private static void WriteHex(Utf8JsonWriter writer, JsonEncodedText name, ActivitySpanId id, Span<char> hex)
    {
        Span<byte> bytes = stackalloc byte[8];
        id.CopyTo(bytes);
        Convert.TryToHexStringLower(bytes, hex, out _);
        writer.WriteString(name, hex);
    }

    private static bool Contains(IReadOnlyList<KeyValuePair<string, object?>> attributes, string key)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private JsonEncodedText NameFor(string key)
    {
        if (_keyCache.TryGetValue(key, out var name))
        {
            return name;
        }

        var renamed = Rename(key);

        // An attribute may not take the place of a fixed field: it keeps its value under "attr.<name>".
        if (_fixedNames.Contains(renamed))
        {
            renamed = "attr." + renamed;
        }

        name = Encode(renamed);
        if (_keyCache.Count < MaxCachedKeys)
        {
            _keyCache.TryAdd(key, name);
        }

        return name;
    }

    private string Rename(string name) => _renames.TryGetValue(name, out var renamed) ? renamed : name;

    private static JsonEncodedText Encode(string name) => JsonEncodedText.Encode(TextSanitizer.ReplaceLoneSurrogates(name), s_encoder);

    private static void WriteValue(Utf8JsonWriter writer, object? value, int maxValue)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                WriteText(writer, s, maxValue);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case short or byte or sbyte or ushort or uint:
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
            case Guid g:
                writer.WriteStringValue(g);
                break;
            case IEnumerable sequence and not IDictionary:
                writer.WriteStartArray();
                var count = 0;
                foreach (var item in sequence)
                {
                    if (++count > 128)
                    {
                        writer.WriteStringValue(TruncationMarker);
                        break;
                    }

                    if (item is IEnumerable and not string)
                    {
                        WriteText(writer, SafeToString(item), maxValue);
                    }
                    else
                    {
                        WriteValue(writer, item, maxValue);
                    }
                }

                writer.WriteEndArray();
                break;
            default:
                WriteText(writer, value is IFormattable formattable ? SafeFormat(formattable) : SafeToString(value), maxValue);
                break;
        }
    }

    private static void WriteText(Utf8JsonWriter writer, string value, int maxValue)
    {
        var text = value.Length > maxValue ? TextSanitizer.Truncate(value, maxValue, TruncationMarker) : value;
        writer.WriteStringValue(TextSanitizer.ReplaceLoneSurrogates(text));
    }

    private static string SafeFormat(IFormattable value)
    {
        try
        {
            return value.ToString(null, CultureInfo.InvariantCulture);
        }
        catch (Exception ex)
        {
            return $"<{value.GetType().FullName}.ToString() threw {ex.GetType().Name}>";
        }
    }

    internal static string SafeToString(object value)
    {
        try
        {
            return value.ToString() ?? "";
        }
        catch (Exception ex)
        {
            return $"<{value.GetType().FullName}.ToString() threw {ex.GetType().Name}>";
        }
    }
}
