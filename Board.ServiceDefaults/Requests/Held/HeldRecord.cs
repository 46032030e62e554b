using System.Diagnostics;
using Board.ServiceDefaults.Enrichment;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// A record below the level as it was when logged (what could change copied then), replayed as a log record's state;
/// <see cref="HeldRecordReplay"/> gives it back its time and span.
/// </summary>
/// <remarks>
/// Note: immutable once made; one request's buffer may hand it to the writer while another thread logs.
/// </remarks>
internal sealed class HeldRecord(
    string category, LogLevel level, EventId eventId, Exception? exception, KeyValuePair<string, object?>[] fields, string message, List<object?> scopes, int bytes)
    : EntryState, IRecordScopes
{
    /// <summary>The field that marks a record as one that was held back and written because its request failed.</summary>
    public const string MarkerKey = "log.buffered";

    // A rough cost per record beyond its texts: the object, its arrays and their boxed values.
    private const int FixedBytes = 160;
    private static readonly KeyValuePair<string, object?> s_marker = new(MarkerKey, true);

    public string Category { get; } = category;
    public LogLevel Level { get; } = level;
    public EventId EventId { get; } = eventId;
    public Exception? Exception { get; } = exception;

    /// <summary>The message, as the record's formatter made it (and as a record written at once would carry it).</summary>
    public string Message { get; } = message;

    /// <summary>The scopes around the record, outermost first, in the shapes the enrichment reads.</summary>
    public IReadOnlyList<object?> Scopes { get; } = scopes;

    public DateTime Timestamp { get; } = DateTime.UtcNow;
    public ActivityContext Context { get; } = Activity.Current?.Context ?? default;

    /// <summary>An estimate of the memory it holds, for the bounds.</summary>
    public int Bytes { get; } = bytes;

    public override int Count => fields.Length + 1;

    public override KeyValuePair<string, object?> this[int index] => index == fields.Length ? s_marker : fields[index];

    public static readonly Func<HeldRecord, Exception?, string> Format = static (record, _) => record.Message;

    /// <summary>Takes a record as it is logged: everything that could change later is copied now.</summary>
    public static HeldRecord Take<TState>(
        string category, LogLevel level, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter, IExternalScopeProvider? scopeProvider, RecordText text)
    {
        var bytes = FixedBytes;
        Dictionary<object, string>? texts = null;
        var scopes = new List<object?>();
        scopeProvider?.ForEachScope(static (scope, list) => list.Add(scope), scopes);
        for (var i = 0; i < scopes.Count; i++)
        {
            scopes[i] = TakeScope(scopes[i], text, ref texts, ref bytes);
        }

        KeyValuePair<string, object?>[] fields = [];
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            fields = new KeyValuePair<string, object?>[pairs.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                var pair = pairs[i];
                fields[i] = new(pair.Key, CopyValue(pair.Value, text, ref texts, ref bytes));
                bytes += 2 * (fields[i].Key?.Length ?? 0);
            }
        }

        // The message a record written at once would carry (SafeFormattingLoggerProvider): its formatter's, else its
        // template and why not.
        string message;
        try
        {
            message = formatter(state, exception) ?? "";
        }
        catch (Exception ex)
        {
            message = MessageTemplate.Unformatted(fields, typeof(TState), ex);
        }

        // As the enrichment does for a record written at once; the copied fields are text already, so from the state.
        if (state is IReadOnlyList<KeyValuePair<string, object?>> original)
        {
            message = RecordText.WithEscapedUris(message, original);
        }

        bytes += 2 * message.Length;
        return new HeldRecord(category, level, eventId, exception, fields, message, scopes, bytes);
    }

    private static object? TakeScope(object? scope, RecordText text, ref Dictionary<object, string>? texts, ref int bytes)
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
                    list.Add(new(pair.Key, CopyValue(pair.Value, text, ref texts, ref bytes)));
                }

                return list;
            case IEnumerable<KeyValuePair<string, string?>> textPairs:
                var textList = new List<KeyValuePair<string, object?>>();
                foreach (var pair in textPairs)
                {
                    bytes += 2 * (pair.Key.Length + (pair.Value?.Length ?? 0));
                    textList.Add(new(pair.Key, pair.Value));
                }

                return textList;
            default:
                // A plain scope is written as its text: taken now, wrapped so that it stays a plain scope.
                var plain = TextSanitizer.TextOf(scope);
                bytes += 2 * plain.Length;
                return new PlainScope(plain);
        }
    }

    // The value as the enrichment will write it, taken now: an object's text, a sequence's texts, a copy of an array.
    private static object? CopyValue(object? value, RecordText text, ref Dictionary<object, string>? texts, ref int bytes)
    {
        var copy = text.Apply(value, renderObjects: true, ref texts);
        if (ReferenceEquals(copy, value) && copy is Array array)
        {
            copy = array.Clone();
        }

        bytes += copy switch
        {
            string s => 2 * s.Length,
            string?[] items => items.Sum(item => 16 + 2 * (item?.Length ?? 0)),
            Array items => 16 * items.Length,
            _ => 0,
        };
        return copy;
    }
}

/// <summary>A plain scope's text, taken when the record was held; written as the scope object was.</summary>
internal sealed record PlainScope(string Text)
{
    public override string ToString() => Text;
}
