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

    // Keys are nearly always the same string instances (literals, a logger's template names), so a small per-thread
    // table, indexed by the key's length and three of its characters, answers by reference without hashing the text
    // or calling a comparer; a miss takes the shared map by value and then the slot.
    private const int CacheSlots = 256;
    [ThreadStatic] private static JsonLineFormatter? t_namesOwner;
    [ThreadStatic] private static NameSlot[]? t_names;

    // The logger category, the template and the event name repeat record after record: encoded once per thread,
    // found through the same kind of table, with a map by reference behind it.
    [ThreadStatic] private static ValueSlot[]? t_valueSlots;
    [ThreadStatic] private static Dictionary<string, JsonEncodedText>? t_values;

    private readonly int _maxLineBytes;
    private readonly int _maxValueLength;
    private readonly FrozenDictionary<string, string> _renames;
    private readonly FrozenSet<string> _fixedNames;
    private readonly ConcurrentDictionary<string, FieldName> _keyCache = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, int> _resourceIndex;

    // ',"service.name":"...",...}' + newline: the resource part of every line, rendered once.
    private readonly byte[] _resourceTail;
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
        _resourceIndex = _resource.Select((r, i) => (r.Key, i)).ToFrozenDictionary(r => r.Key, r => r.i, StringComparer.Ordinal);
        _resourceTail = RenderResourceTail();

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

        Span<byte> utf8 = stackalloc byte[TimestampLength];
        WriteTimestamp(record.Timestamp, utf8);
        writer.WriteString(_timestamp, utf8);
        writer.WriteString(_level, s_levels[Math.Clamp((int)record.LogLevel, 0, s_levels.Length - 1)]);
        if (record.CategoryName is { } category)
        {
            WriteRepeated(writer, _logger, category, maxValue);
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
            WriteRepeated(writer, _template, template, maxValue);
        }

        if (record.EventId.Id != 0)
        {
            writer.WriteNumber(_eventId, record.EventId.Id);
        }

        if (record.EventId.Name is { } eventName)
        {
            WriteRepeated(writer, _eventName, eventName, maxValue);
        }

        if (record.TraceId != default)
        {
            // The id structs hold their hex text already; converting through bytes would only redo it.
            writer.WriteString(_traceId, record.TraceId.ToHexString());
            writer.WriteString(_spanId, record.SpanId.ToHexString());
        }

        // Resource attributes the record sets itself are written once, with the record's value.
        var overridden = 0UL;
        if (withAttributes && attributes is not null)
        {
            var names = NameTable();
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                if (key == "{OriginalFormat}" || string.IsNullOrEmpty(key))
                {
                    continue;
                }

                var field = FieldFor(names, key);
                if (field.ResourceIndex >= 0)
                {
                    overridden |= 1UL << field.ResourceIndex;
                }

                writer.WritePropertyName(field.Name);
                WriteValue(writer, value, maxValue);
            }
        }

        if (overridden == 0 && maxValue >= _maxValueLength)
        {
            writer.Flush();
            buffer.Write(_resourceTail);
            return;
        }

        for (var r = 0; r < _resource.Length; r++)
        {
            var (_, name, value) = _resource[r];
            if ((overridden & (1UL << r)) != 0)
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

    private byte[] RenderResourceTail()
    {
        // Written as an object of its own, then spliced: the opening brace becomes the comma after the record's
        // last field (there is always one: the timestamp).
        var tail = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(tail, s_writerOptions))
        {
            writer.WriteStartObject();
            foreach (var (_, name, value) in _resource)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value, _maxValueLength);
            }

            writer.WriteEndObject();
        }

        var bytes = tail.WrittenSpan.ToArray();
        if (_resource.Length == 0)
        {
            return "}\n"u8.ToArray();
        }

        bytes[0] = (byte)',';
        return [.. bytes, (byte)'\n'];
    }

    private static void WriteRepeated(Utf8JsonWriter writer, JsonEncodedText name, string value, int maxValue)
    {
        if (value.Length > maxValue)
        {
            writer.WritePropertyName(name);
            WriteText(writer, value, maxValue);
            return;
        }

        ref var slot = ref (t_valueSlots ??= new ValueSlot[CacheSlots])[SlotOf(value)];
        if (!ReferenceEquals(slot.Text, value))
        {
            var values = t_values ??= new Dictionary<string, JsonEncodedText>(ReferenceEqualityComparer.Instance);
            if (!values.TryGetValue(value, out var encoded))
            {
                encoded = JsonEncodedText.Encode(TextSanitizer.ReplaceLoneSurrogates(value), s_encoder);
                if (values.Count < MaxCachedKeys)
                {
                    values[value] = encoded;
                }
            }

            slot = new ValueSlot(value, encoded);
        }

        writer.WriteString(name, slot.Encoded);
    }

    private const int TimestampLength = 27;

    /// <summary>ISO-8601 UTC with microseconds, "2026-11-24T03:22:39.558577Z", digit by digit (a format string is parsed per call).</summary>
    internal static void WriteTimestamp(DateTime timestamp, Span<byte> utf8)
    {
        var utc = timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : timestamp;
        DateOnly.FromDateTime(utc).Deconstruct(out var year, out var month, out var day);
        var microseconds = (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10);
        Digits(utf8[..4], year);
        utf8[4] = (byte)'-';
        Digits(utf8.Slice(5, 2), month);
        utf8[7] = (byte)'-';
        Digits(utf8.Slice(8, 2), day);
        utf8[10] = (byte)'T';
        Digits(utf8.Slice(11, 2), utc.Hour);
        utf8[13] = (byte)':';
        Digits(utf8.Slice(14, 2), utc.Minute);
        utf8[16] = (byte)':';
        Digits(utf8.Slice(17, 2), utc.Second);
        utf8[19] = (byte)'.';
        Digits(utf8.Slice(20, 6), microseconds);
        utf8[26] = (byte)'Z';

        static void Digits(Span<byte> destination, int value)
        {
            for (var i = destination.Length - 1; i >= 0; i--)
            {
                destination[i] = (byte)('0' + (value % 10));
                value /= 10;
            }
        }
    }

    // The table is this formatter's (its renames and resource decide the names): another formatter's is replaced.
    private NameSlot[] NameTable()
    {
        var names = t_names;
        if (names is null || !ReferenceEquals(t_namesOwner, this))
        {
            names = t_names = new NameSlot[CacheSlots];
            t_namesOwner = this;
        }

        return names;
    }

    private FieldName FieldFor(NameSlot[] names, string key)
    {
        ref var slot = ref names[SlotOf(key)];
        if (ReferenceEquals(slot.Key, key))
        {
            return slot.Field;
        }

        if (!_keyCache.TryGetValue(key, out var field))
        {
            var renamed = Rename(key);

            // An attribute may not take the place of a fixed field: it keeps its value under "attr.<name>".
            if (_fixedNames.Contains(renamed))
            {
                renamed = "attr." + renamed;
            }

            // At most 64 resource attributes (validated at start-up): one bit each in a ulong.
            var index = _resourceIndex.TryGetValue(key, out var i) ? i : -1;
            field = new FieldName(Encode(renamed), index);
            if (_keyCache.Count < MaxCachedKeys)
            {
                _keyCache.TryAdd(key, field);
            }
        }

        slot = new NameSlot(key, field);
        return field;
    }

    // The keys of the request entries and the request context land in different slots.
    internal static int SlotOf(string key) => key.Length == 0
        ? 0
        : (key.Length * 37 + key[0] * 11 + key[^1] * 3 + key[key.Length / 2]) & (CacheSlots - 1);

    private readonly record struct NameSlot(string? Key, FieldName Field);

    private readonly record struct ValueSlot(string? Text, JsonEncodedText Encoded);

    private readonly record struct FieldName(JsonEncodedText Name, int ResourceIndex);

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
