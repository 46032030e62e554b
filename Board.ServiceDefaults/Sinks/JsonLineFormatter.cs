using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Writes one record as one JSON object on one line (the schema is in docs/logging.md): the fixed fields, the
/// record's attributes flattened under their own names, then the resource attributes chosen in
/// <see cref="JsonLineOptions.ResourceAttributes"/>. Whatever a value holds (CR/LF, quotes, NUL, lone surrogates,
/// 64 KB) the line stays valid JSON and under <see cref="JsonLineOptions.MaxLineBytes"/>: long values are cut
/// with a marker. Buffers are per thread and reused, so a record costs no allocation of its own. The bytes are
/// written by <see cref="JsonLineBuffer"/>; every field name, and the values that repeat from record to record, are
/// encoded once, with the comma and colon around them.
/// </summary>
internal sealed class JsonLineFormatter : ILineFormatter
{
    public const string TruncationMarker = "...[truncated]";

    /// <summary>The fields every line has, before any rename.</summary>
    public static IReadOnlyList<string> FixedFieldNames { get; } =
        ["timestamp", "level", "logger", "message", "message_template", "event_id", "event_name", "trace_id", "span_id"];

    private const int MaxCachedKeys = 4096;
    private static readonly byte[][] s_levels =
        [.. new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical", "None" }.Select(JsonLineBuffer.Encode)];

    [ThreadStatic] private static JsonLineBuffer? t_buffer;
    [ThreadStatic] private static long t_second;
    [ThreadStatic] private static byte[]? t_secondText;

    // Keys are nearly always the same string instances (literals, a logger's template names), so a small per-thread
    // table, indexed by the key's length and three of its characters, answers by reference without hashing the text
    // or calling a comparer; a miss takes the shared map by value and then the slot.
    private const int CacheSlots = 256;
    [ThreadStatic] private static JsonLineFormatter? t_namesOwner;
    [ThreadStatic] private static NameSlot[]? t_names;

    // The logger category, the template and the event name repeat record after record: encoded once per thread,
    // found through the same kind of table, with a map by reference behind it. Only short ones are kept: a template
    // made by string interpolation is new on every record, and the cache would hold thousands of them per thread.
    private const int MaxCachedValueLength = 160;
    [ThreadStatic] private static ValueSlot[]? t_valueSlots;
    [ThreadStatic] private static Dictionary<string, byte[]>? t_values;

    /// <summary>How many repeated values this thread keeps encoded (for tests of what the cache holds).</summary>
    internal static int CachedValuesOnThisThread => t_values?.Count ?? 0;

    private readonly int _maxLineBytes;
    private readonly int _maxValueLength;
    private readonly FrozenDictionary<string, string> _renames;
    private readonly FrozenSet<string> _fixedNames;
    private readonly ConcurrentDictionary<string, FieldName> _keyCache = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, int> _resourceIndex;

    // ',"service.name":"...",...}' + newline: the resource part of every line, rendered once.
    private readonly byte[] _resourceTail;
    private readonly (string Key, byte[] Name, object Value)[] _resource;

    // Each field name as ',"name":', renamed where configured: written with one copy.
    private readonly byte[] _timestamp, _level, _logger, _message, _template, _eventId, _eventName, _traceId, _spanId;

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
        _fixedNames = FixedFieldNames
            .Select(Rename).ToFrozenSet(StringComparer.Ordinal);

        var wanted = options.ResourceAttributes;
        _resource = [.. resource.Attributes
            .Where(a => wanted.Contains(a.Key))
            .OrderBy(a => wanted.IndexOf(a.Key))
            .Select(a => (a.Key, Name(Rename(a.Key)), a.Value))];
        _resourceIndex = _resource.Select((r, i) => (r.Key, i)).ToFrozenDictionary(r => r.Key, r => r.i, StringComparer.Ordinal);
        _resourceTail = RenderResourceTail();

        byte[] Fixed(string name) => Name(Rename(name));
    }

    /// <summary>
    /// Formats the record as one line, newline included. The span is valid until the next call on this thread.
    /// </summary>
    public ReadOnlySpan<byte> Format(LogRecord record)
    {
        // A record logged by a value's ToString() while this one is written gets buffers of its own.
        var nested = RecordNesting.IsNested;
        using var busy = RecordNesting.Enter();
        var buffer = nested ? new JsonLineBuffer(1024) : (t_buffer ??= new JsonLineBuffer(4096));
        try
        {
            // Shrinking limits until the line fits: first long values, then every value, then only the essentials.
            // An object's ToString() is asked once: the tries after the first take its text from the buffer.
            int[] valueLimits = [_maxValueLength, Math.Min(_maxValueLength, 512), 64];
            foreach (var limit in valueLimits)
            {
                buffer.Clear();
                Write(record, buffer, limit, withAttributes: true);
                if (buffer.Length <= _maxLineBytes)
                {
                    return buffer.WrittenSpan;
                }
            }

            // Only the essentials, cut short; escaping can make a character six bytes, so once more shorter if need be.
            buffer.Clear();
            Write(record, buffer, 64, withAttributes: false);
            if (buffer.Length > _maxLineBytes)
            {
                buffer.Clear();
                Write(record, buffer, 16, withAttributes: false);
            }

            return buffer.WrittenSpan;
        }
        finally
        {
            buffer.ForgetRenderedTexts();
        }
    }

    private void Write(LogRecord record, JsonLineBuffer buffer, int maxValue, bool withAttributes)
    {
        // The timestamp opens the object, so its name is written without the comma before it.
        buffer.WriteByte((byte)'{');
        buffer.WriteRaw(_timestamp.AsSpan(1));
        Span<byte> utf8 = stackalloc byte[TimestampLength + 2];
        utf8[0] = (byte)'"';
        WriteTimestamp(record.Timestamp, utf8.Slice(1, TimestampLength));
        utf8[^1] = (byte)'"';
        buffer.WriteRaw(utf8);
        buffer.WriteRaw(_level);
        buffer.WriteRaw(s_levels[Math.Clamp((int)record.LogLevel, 0, s_levels.Length - 1)]);
        if (record.CategoryName is { } category)
        {
            WriteRepeated(buffer, _logger, category, maxValue);
        }

        string? template = null;
        var attributes = AttributesOf(record);
        foreach (var (key, value) in attributes)
        {
            if (key == "{OriginalFormat}")
            {
                template = value as string;
                break;
            }
        }

        buffer.WriteRaw(_message);
        WriteText(buffer, record.FormattedMessage ?? template ?? record.Body ?? "", maxValue);
        if (template is not null)
        {
            WriteRepeated(buffer, _template, template, maxValue);
        }

        if (record.EventId.Id != 0)
        {
            buffer.WriteRaw(_eventId);
            buffer.WriteNumber(record.EventId.Id);
        }

        if (record.EventId.Name is { } eventName)
        {
            WriteRepeated(buffer, _eventName, eventName, maxValue);
        }

        if (record.TraceId != default)
        {
            // The id structs hold their hex text already; converting through bytes would only redo it.
            buffer.WriteRaw(_traceId);
            buffer.WriteAsciiString(record.TraceId.ToHexString());
            buffer.WriteRaw(_spanId);
            buffer.WriteAsciiString(record.SpanId.ToHexString());
        }

        // Resource attributes the record sets itself are written once, with the record's value.
        var overridden = 0UL;
        if (withAttributes && !attributes.IsEmpty)
        {
            var names = NameTable();
            foreach (var (key, value) in attributes)
            {
                if (key == "{OriginalFormat}" || string.IsNullOrEmpty(key))
                {
                    continue;
                }

                var field = FieldFor(names, key);
                if (field.ResourceIndex >= 0)
                {
                    overridden |= 1UL << field.ResourceIndex;
                }

                buffer.WriteRaw(field.Name);
                WriteValue(buffer, value, maxValue);
            }
        }

        if (overridden == 0 && maxValue >= _maxValueLength)
        {
            buffer.WriteRaw(_resourceTail);
            return;
        }

        for (var r = 0; r < _resource.Length; r++)
        {
            var (_, name, value) = _resource[r];
            if ((overridden & (1UL << r)) != 0)
            {
                continue;
            }

            buffer.WriteRaw(name);
            WriteValue(buffer, value, maxValue);
        }

        buffer.WriteRaw("}\n"u8);
    }

    // The enrichment hands every record over with a List of its own; read as a span, no attribute costs an
    // interface call. Any other list (a record that was not enriched) is copied into one first.
    private static ReadOnlySpan<KeyValuePair<string, object?>> AttributesOf(LogRecord record)
    {
        switch (record.Attributes)
        {
            case null:
                return [];
            case List<KeyValuePair<string, object?>> list:
                return CollectionsMarshal.AsSpan(list);
            case var other:
                // Not reached in the pipeline, whose enrichment always hands over a List.
                return CollectionsMarshal.AsSpan(new List<KeyValuePair<string, object?>>(other));
        }
    }

    private byte[] RenderResourceTail()
    {
        var tail = new JsonLineBuffer(256);
        foreach (var (_, name, value) in _resource)
        {
            tail.WriteRaw(name);
            WriteValue(tail, value, _maxValueLength);
        }

        tail.WriteRaw("}\n"u8);
        return tail.WrittenSpan.ToArray();
    }

    private static void WriteRepeated(JsonLineBuffer buffer, byte[] name, string value, int maxValue)
    {
        buffer.WriteRaw(name);
        if (value.Length > maxValue || value.Length > MaxCachedValueLength)
        {
            WriteText(buffer, value, maxValue);
            return;
        }

        ref var slot = ref (t_valueSlots ??= new ValueSlot[CacheSlots])[SlotOf(value)];
        if (!ReferenceEquals(slot.Text, value))
        {
            var values = t_values ??= new Dictionary<string, byte[]>(ReferenceEqualityComparer.Instance);
            if (!values.TryGetValue(value, out var encoded))
            {
                encoded = JsonLineBuffer.Encode(value);
                if (values.Count < MaxCachedKeys)
                {
                    values[value] = encoded;
                }
            }

            slot = new ValueSlot(value, encoded);
        }

        buffer.WriteRaw(slot.Encoded);
    }

    private const int TimestampLength = 27;

    /// <summary>
    /// ISO-8601 UTC with microseconds, "2026-11-24T03:22:39.558577Z", digit by digit (a format string is parsed per
    /// call). Records come many to a second: the text up to the second is kept per thread and copied while it lasts.
    /// </summary>
    internal static void WriteTimestamp(DateTime timestamp, Span<byte> utf8)
    {
        const int SecondLength = 20;
        var utc = timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : timestamp;
        var second = utc.Ticks / TimeSpan.TicksPerSecond;
        var microseconds = (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10);
        if (t_secondText is { } text && t_second == second)
        {
            text.CopyTo(utf8);
        }
        else
        {
            DateOnly.FromDateTime(utc).Deconstruct(out var year, out var month, out var day);
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
            utf8[..SecondLength].CopyTo(t_secondText ??= new byte[SecondLength]);
            t_second = second;
        }

        Digits(utf8.Slice(SecondLength, 6), microseconds);
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
            field = new FieldName(Name(renamed), index);
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

    private readonly record struct ValueSlot(string? Text, byte[] Encoded);

    private readonly record struct FieldName(byte[] Name, int ResourceIndex);

    private string Rename(string name) => _renames.TryGetValue(name, out var renamed) ? renamed : name;

    // ',"name":' for a field: the comma, the quoted and escaped name and the colon, copied whole.
    private static byte[] Name(string name) => [(byte)',', .. JsonLineBuffer.Encode(name), (byte)':'];

    private static void WriteValue(JsonLineBuffer buffer, object? value, int maxValue)
    {
        switch (value)
        {
            case null:
                buffer.WriteNull();
                break;
            case string s:
                WriteText(buffer, s, maxValue);
                break;
            case bool b:
                buffer.WriteBoolean(b);
                break;
            case int i:
                buffer.WriteNumber(i);
                break;
            case long l:
                buffer.WriteNumber(l);
                break;
            case double d when double.IsFinite(d):
                buffer.WriteNumber(d);
                break;
            case float f when float.IsFinite(f):
                buffer.WriteNumber(f);
                break;
            case short or byte or sbyte or ushort or uint:
                buffer.WriteNumber(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong ul:
                buffer.WriteNumber(ul);
                break;
            case decimal m:
                buffer.WriteNumber(m);
                break;
            case DateTime dt:
                buffer.WriteDateTime(dt);
                break;
            case DateTimeOffset dto:
                buffer.WriteDateTime(dto);
                break;
            case DateOnly date:
                buffer.WriteDateTime(date);
                break;
            case TimeOnly time:
                buffer.WriteDateTime(time);
                break;
            case Guid g:
                buffer.WriteAsciiString(g.ToString());
                break;
            case IEnumerable sequence and not IDictionary:
                WriteSequence(buffer, sequence, maxValue);
                break;
            default:
                WriteText(buffer, buffer.TextOf(value), maxValue);
                break;
        }
    }

    // A sequence whose enumeration throws is written as a placeholder, as a ToString() that throws is: one bad value
    // costs neither the record nor the caller.
    private static void WriteSequence(JsonLineBuffer buffer, IEnumerable sequence, int maxValue)
    {
        var start = buffer.Length;
        try
        {
            buffer.WriteByte((byte)'[');
            var count = 0;
            foreach (var item in sequence)
            {
                if (count > 0)
                {
                    buffer.WriteByte((byte)',');
                }

                if (++count > 128)
                {
                    buffer.WriteString(TruncationMarker);
                    break;
                }

                if (item is IEnumerable and not string)
                {
                    WriteText(buffer, buffer.TextOf(item), maxValue);
                }
                else
                {
                    WriteValue(buffer, item, maxValue);
                }
            }

            buffer.WriteByte((byte)']');
        }
        catch (Exception ex)
        {
            buffer.Truncate(start);
            buffer.WriteString($"<{sequence.GetType().FullName} enumeration threw {ex.GetType().Name}>");
        }
    }

    private static void WriteText(JsonLineBuffer buffer, string value, int maxValue)
    {
        if (value.Length > maxValue)
        {
            buffer.WriteString(TextSanitizer.Truncate(value, maxValue, TruncationMarker));
        }
        else
        {
            buffer.WriteString(value);
        }
    }
}
