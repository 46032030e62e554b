using System.Collections;
using System.Collections.Frozen;
using System.Globalization;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Writes one record as one JSON object on one line (the schema is in docs/logging.md): the fixed fields, the
/// record's attributes flattened under their own names, then the resource attributes chosen in
/// <see cref="JsonLineOptions.ResourceAttributes"/>. Fields named in <see cref="JsonLineOptions.OmitFields"/> are
/// left out. Whatever a value holds (CR/LF, quotes, NUL, lone surrogates, 64 KB) the line stays valid JSON and under
/// <see cref="JsonLineOptions.MaxLineBytes"/>: long values are cut with a marker.
/// </summary>
/// <remarks>Note: one instance per exporter, used by its one export thread at a time (see <see cref="StdoutExporter"/>).</remarks>
internal sealed class JsonLineFormatter : ILineFormatter
{
    public const string TruncationMarker = "...[truncated]";
    private const string OriginalFormatKey = "{OriginalFormat}";

    /// <summary>The fields every line may have, before any rename.</summary>
    public static IReadOnlyList<string> FixedFieldNames { get; } =
        ["timestamp", "level", "logger", "message", "message_template", "event_id", "event_name", "trace_id", "span_id"];

    private static readonly byte[][] s_levels =
        [.. new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical", "None" }.Select(JsonLineBuffer.Encode)];

    private readonly JsonLineBuffer _buffer = new(4096);
    private readonly int _maxLineBytes;
    private readonly int _maxValueLength;
    private readonly FrozenDictionary<string, string> _renames;
    private readonly FrozenSet<string> _omitted;
    private readonly FrozenSet<string> _fixedNames;

    // Each field name as ',"name":' (renamed where configured), encoded once per key; null for a key left out.
    private readonly Dictionary<string, byte[]?> _names = new(StringComparer.Ordinal);
    private readonly (string Key, byte[] Name, object Value)[] _resource;
    private readonly byte[]? _timestamp, _level, _logger, _message, _template, _eventId, _eventName, _traceId, _spanId;

    public JsonLineFormatter(JsonLineOptions options, Resource resource)
    {
        _maxLineBytes = options.MaxLineBytes;
        _maxValueLength = options.MaxValueLength;
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
            .Select(a => (a.Key, Name(Rename(a.Key)), a.Value))];

        byte[]? Fixed(string name) => _omitted.Contains(name) ? null : Name(Rename(name));
    }

    /// <summary>Formats the record as one line, newline included. The span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Format(LogRecord record)
    {
        try
        {
            // Shrinking limits until the line fits: first long values, then every value, then only the essentials.
            // An object's ToString() is asked once: the tries after the first take its text from the buffer.
            foreach (var limit in (ReadOnlySpan<int>)[_maxValueLength, Math.Min(_maxValueLength, 512), 64])
            {
                _buffer.Clear();
                Write(record, limit, withAttributes: true);
                if (_buffer.Length <= _maxLineBytes)
                {
                    return _buffer.WrittenSpan;
                }
            }

            // Only the essentials, cut short; escaping can make a character six bytes, so once more shorter if need be.
            _buffer.Clear();
            Write(record, 64, withAttributes: false);
            if (_buffer.Length > _maxLineBytes)
            {
                _buffer.Clear();
                Write(record, 16, withAttributes: false);
            }

            return _buffer.WrittenSpan;
        }
        finally
        {
            _buffer.ForgetRenderedTexts();
        }
    }

    private void Write(LogRecord record, int maxValue, bool withAttributes)
    {
        var buffer = _buffer;
        buffer.WriteByte((byte)'{');
        var opened = false;
        if (_timestamp is not null)
        {
            // The first field is written without the comma before it.
            buffer.WriteRaw(_timestamp.AsSpan(1));
            buffer.WriteTimestamp(record.Timestamp);
            opened = true;
        }

        WriteField(_level, s_levels[Math.Clamp((int)record.LogLevel, 0, s_levels.Length - 1)]);
        WriteText(_logger, record.CategoryName);

        string? template = null;
        if (record.Attributes is { } attributes)
        {
            foreach (var (key, value) in attributes)
            {
                if (key == OriginalFormatKey)
                {
                    template = value as string;
                    break;
                }
            }
        }

        WriteText(_message, record.FormattedMessage ?? template ?? record.Body ?? "");
        WriteText(_template, template);
        if (record.EventId.Id != 0 && _eventId is not null)
        {
            Open(_eventId);
            buffer.WriteNumber(record.EventId.Id);
        }

        WriteText(_eventName, record.EventId.Name);
        if (record.TraceId != default)
        {
            WriteAscii(_traceId, record.TraceId.ToHexString());
            WriteAscii(_spanId, record.SpanId.ToHexString());
        }

        // A resource attribute the record sets itself is written once, with the record's value.
        List<string>? overridden = null;
        if (withAttributes && record.Attributes is { } fields)
        {
            foreach (var (key, value) in fields)
            {
                if (key == OriginalFormatKey || string.IsNullOrEmpty(key) || NameOf(key) is not { } name)
                {
                    continue;
                }

                if (Array.FindIndex(_resource, r => r.Key == key) >= 0)
                {
                    (overridden ??= []).Add(key);
                }

                Open(name);
                WriteValue(buffer, value, maxValue);
            }
        }

        foreach (var (key, name, value) in _resource)
        {
            if (overridden?.Contains(key) != true)
            {
                Open(name);
                WriteValue(buffer, value, maxValue);
            }
        }

        buffer.WriteRaw("}\n"u8);

        void Open(byte[] name)
        {
            buffer.WriteRaw(opened ? name : name.AsSpan(1));
            opened = true;
        }

        void WriteField(byte[]? name, byte[] value)
        {
            if (name is not null)
            {
                Open(name);
                buffer.WriteRaw(value);
            }
        }

        void WriteText(byte[]? name, string? value)
        {
            if (name is not null && value is not null)
            {
                Open(name);
                JsonLineFormatter.WriteText(buffer, value, maxValue);
            }
        }

        void WriteAscii(byte[]? name, string value)
        {
            if (name is not null)
            {
                Open(name);
                buffer.WriteAsciiString(value);
            }
        }
    }

    private byte[]? NameOf(string key)
    {
        if (!_names.TryGetValue(key, out var name))
        {
            var renamed = Rename(key);

            // An attribute may not take the place of a fixed field: it keeps its value under "attr.<name>".
            if (_fixedNames.Contains(renamed))
            {
                renamed = "attr." + renamed;
            }

            name = _omitted.Contains(key) ? null : Name(renamed);

            // Keys come from templates and code, a bounded set; an unbounded one (a key made per record) is not kept.
            if (_names.Count < 4096)
            {
                _names[key] = name;
            }
        }

        return name;
    }

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
