using System.Diagnostics;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// A record below the level, taken as it was when it was logged: its fields, message, scopes, time and trace
/// context are copied then, so a value or a scope that changes afterwards changes nothing here. Replayed as the
/// state of an OpenTelemetry log record; the enrichment knows it by its type and restores what it carries.
/// </summary>
/// <remarks>Note: immutable once made; one request's buffer may hand it to the writer while another thread logs.</remarks>
internal sealed class HeldRecord : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The field that marks a record as one that was held back and written because its request failed.</summary>
    public const string MarkerKey = "log.buffered";

    // A rough cost per record beyond its strings: the object, its arrays and their boxed values.
    private const int FixedBytes = 160;

    private readonly KeyValuePair<string, object?>[] _fields;

    private HeldRecord(
        string category, LogLevel level, EventId eventId, KeyValuePair<string, object?>[] fields, string message,
        Exception? exception, object?[] scopes, int bytes)
    {
        Category = category;
        Level = level;
        EventId = eventId;
        _fields = fields;
        Message = message;
        Exception = exception;
        Scopes = scopes;
        Bytes = bytes;
        Timestamp = DateTime.UtcNow;
        Context = Activity.Current?.Context ?? default;
    }

    public string Category { get; }
    public LogLevel Level { get; }
    public EventId EventId { get; }
    public string Message { get; }
    public Exception? Exception { get; }

    /// <summary>The scopes around the record, outermost first, in the shapes the enrichment reads.</summary>
    public object?[] Scopes { get; }

    public DateTime Timestamp { get; }
    public ActivityContext Context { get; }

    /// <summary>An estimate of the memory it holds, for the bounds.</summary>
    public int Bytes { get; }

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    public static readonly Func<HeldRecord, Exception?, string> Format = static (record, _) => record.Message;

    /// <summary>Copies a record as it is logged; the formatter runs now, as it would have for a record written now.</summary>
    public static HeldRecord Take<TState>(
        string category, LogLevel level, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter, IExternalScopeProvider? scopeProvider)
    {
        var bytes = FixedBytes;
        KeyValuePair<string, object?>[] fields;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            fields = new KeyValuePair<string, object?>[pairs.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                var pair = pairs[i];
                fields[i] = new(pair.Key, Copy(pair.Value, ref bytes));
            }
        }
        else
        {
            fields = [];
        }

        string message;
        try
        {
            message = formatter(state, exception) ?? "";
        }
        catch (Exception ex)
        {
            // As a record written at once would be (SafeFormattingLoggerProvider): its template, and why.
            var template = fields.LastOrDefault(f => f.Key == "{OriginalFormat}").Value as string ?? typeof(TState).Name;
            message = $"{template} [message not formatted: {ex.GetBaseException().GetType().Name}]";
        }

        bytes += 2 * message.Length;
        var scopes = new List<object?>();
        scopeProvider?.ForEachScope(static (scope, list) => list.Add(scope), scopes);
        var copied = new object?[scopes.Count];
        for (var i = 0; i < copied.Length; i++)
        {
            copied[i] = CopyScope(scopes[i], ref bytes);
        }

        return new HeldRecord(category, level, eventId, fields, message, exception, copied, bytes);
    }

    // Values that cannot change are kept; an array of them is copied; anything else is kept as its text of now.
    private static object? Copy(object? value, ref int bytes)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                bytes += 2 * text.Length;
                return text;
            case Array array when IsUnchangeable(array.GetType().GetElementType()!):
                bytes += 16 * array.Length;
                return array.Clone();
            case System.Collections.IEnumerable sequence when !IsUnchangeable(value.GetType()):
                // Any other sequence may change, and a sink may not write it as a sequence (OTLP writes a list as its
                // type name): kept as the texts of its items, which every sink writes as an array.
                var items = new List<string?>();
                foreach (var item in sequence)
                {
                    var text = item is null ? null : TextSanitizer.TextOf(item);
                    bytes += 16 + 2 * (text?.Length ?? 0);
                    items.Add(text);
                }

                return items.ToArray();
            default:
                if (IsUnchangeable(value.GetType()))
                {
                    return value;
                }

                var rendered = TextSanitizer.TextOf(value);
                bytes += 2 * rendered.Length;
                return rendered;
        }
    }

    private static object? CopyScope(object? scope, ref int bytes)
    {
        switch (scope)
        {
            case null:
                return null;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var list = new List<KeyValuePair<string, object?>>();
                foreach (var pair in pairs)
                {
                    bytes += 2 * pair.Key.Length;
                    list.Add(new(pair.Key, Copy(pair.Value, ref bytes)));
                }

                return list;
            case IEnumerable<KeyValuePair<string, string?>> textPairs:
                var texts = new List<KeyValuePair<string, object?>>();
                foreach (var pair in textPairs)
                {
                    bytes += 2 * (pair.Key.Length + (pair.Value?.Length ?? 0));
                    texts.Add(new(pair.Key, pair.Value));
                }

                return texts;
            default:
                // A plain scope is written as its text: taken now, wrapped so that it stays a plain scope.
                var text = TextSanitizer.TextOf(scope);
                bytes += 2 * text.Length;
                return new PlainScope(text);
        }
    }

    private static bool IsUnchangeable(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(DateOnly)
        || type == typeof(TimeOnly) || type == typeof(Uri) || type == typeof(Version);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A plain scope's text, taken when the record was held; written as the scope object was.</summary>
internal sealed record PlainScope(string Text)
{
    public override string ToString() => Text;
}
