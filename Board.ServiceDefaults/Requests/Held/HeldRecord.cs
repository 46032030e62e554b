using System.Diagnostics;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// A record below the level, as it was when it was logged: what could change afterwards (a value, a scope) is
/// copied then, what cannot is kept as it is, and its time and trace context are taken then. Replayed as the state
/// of an OpenTelemetry log record; the enrichment knows it by its type and restores what it carries.
/// </summary>
/// <remarks>
/// Note: immutable once made, and so is everything it keeps by reference (<see cref="Unchanging"/> decides); one
/// request's buffer may hand it to the writer while another thread logs. Only a failed request formats the message
/// of a record whose state was kept: most held records are discarded, and their formatting with them.
/// </remarks>
internal abstract class HeldRecord : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The field that marks a record as one that was held back and written because its request failed.</summary>
    public const string MarkerKey = "log.buffered";

    // A rough cost per record beyond its texts: the object, its arrays and their boxed values.
    private protected const int FixedBytes = 160;

    private protected HeldRecord(string category, LogLevel level, EventId eventId, Exception? exception, object?[] scopes, int bytes)
    {
        Category = category;
        Level = level;
        EventId = eventId;
        Exception = exception;
        Scopes = scopes;
        Bytes = bytes;
        Timestamp = DateTime.UtcNow;
        Context = Activity.Current?.Context ?? default;
    }

    public string Category { get; }
    public LogLevel Level { get; }
    public EventId EventId { get; }
    public Exception? Exception { get; }

    /// <summary>The scopes around the record, outermost first, in the shapes the enrichment reads.</summary>
    public object?[] Scopes { get; }

    public DateTime Timestamp { get; }
    public ActivityContext Context { get; }

    /// <summary>An estimate of the memory it holds, for the bounds.</summary>
    public int Bytes { get; }

    /// <summary>The message, as the record's formatter makes it (and as a record written at once would carry it).</summary>
    public abstract string Message { get; }

    public abstract int Count { get; }

    public abstract KeyValuePair<string, object?> this[int index] { get; }

    public static readonly Func<HeldRecord, Exception?, string> Format = static (record, _) => record.Message;

    [ThreadStatic] private static List<object?>? t_scopes;

    /// <summary>Takes a record as it is logged: its state kept where nothing in it can change, else copied now.</summary>
    public static HeldRecord Take<TState>(
        string category, LogLevel level, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter, IExternalScopeProvider? scopeProvider)
    {
        var bytes = FixedBytes;
        var scopes = TakeScopes(scopeProvider, ref bytes);
        // Note: for a struct state the pattern below boxes it once, and that box (a copy) is what is kept.
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs
            && (typeof(TState).IsValueType ? Unchanging.Of<TState>() : Unchanging.Holds(pairs)))
        {
            for (var i = 0; i < pairs.Count; i++)
            {
                bytes += pairs[i].Value is string text ? 2 * text.Length : 8;
            }

            return new KeptState<TState>(category, level, eventId, pairs, formatter, exception, scopes, bytes);
        }

        return CopiedRecord.Copy(category, level, eventId, state, exception, formatter, scopes, bytes);
    }

    // The message a record written at once would carry (SafeFormattingLoggerProvider): its formatter's, else its
    // template and why not.
    private protected static string Render<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        try
        {
            return formatter(state, exception) ?? "";
        }
        catch (Exception ex)
        {
            var template = fields.LastOrDefault(f => f.Key == "{OriginalFormat}").Value as string ?? typeof(TState).Name;
            return $"{template} [message not formatted: {ex.GetBaseException().GetType().Name}]";
        }
    }

    private static object?[] TakeScopes(IExternalScopeProvider? scopeProvider, ref int bytes)
    {
        if (scopeProvider is null)
        {
            return [];
        }

        // Reused per thread, and emptied before anything below can log (a scope's ToString() may).
        var scopes = t_scopes ??= new List<object?>(8);
        scopes.Clear();
        scopeProvider.ForEachScope(static (scope, list) => list.Add(scope), scopes);
        if (scopes.Count == 0)
        {
            return [];
        }

        object?[] found = [.. scopes];
        scopes.Clear();
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = TakeScope(found[i], ref bytes);
        }

        return found;
    }

    private static object? TakeScope(object? scope, ref int bytes)
    {
        switch (scope)
        {
            case null:
                return null;
            case IEnumerable<KeyValuePair<string, object?>> when Unchanging.Holds(scope):
                bytes += 64;
                return scope;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var list = new List<KeyValuePair<string, object?>>();
                foreach (var pair in pairs)
                {
                    bytes += 2 * pair.Key.Length;
                    list.Add(new(pair.Key, CopiedRecord.CopyValue(pair.Value, ref bytes)));
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

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A record whose state nothing can change: the state itself is kept, and formatted only if it is written.</summary>
internal sealed class KeptState<TState>(
    string category, LogLevel level, EventId eventId, IReadOnlyList<KeyValuePair<string, object?>> state,
    Func<TState, Exception?, string> formatter, Exception? exception, object?[] scopes, int bytes)
    : HeldRecord(category, level, eventId, exception, scopes, bytes)
{
    private readonly IReadOnlyList<KeyValuePair<string, object?>> _fields = state;
    private string? _message;

    // The state is the record's own copy (a struct boxed when it was taken), so unboxing it here changes nothing.
    public override string Message => _message ??= Render((TState)_fields, Exception, formatter, _fields);

    public override int Count => _fields.Count;

    public override KeyValuePair<string, object?> this[int index] => _fields[index];
}

/// <summary>A record whose state could change: its fields copied and its message formatted when it was logged.</summary>
internal sealed class CopiedRecord : HeldRecord
{
    private readonly KeyValuePair<string, object?>[] _fields;

    private CopiedRecord(
        string category, LogLevel level, EventId eventId, KeyValuePair<string, object?>[] fields, string message,
        Exception? exception, object?[] scopes, int bytes)
        : base(category, level, eventId, exception, scopes, bytes)
    {
        _fields = fields;
        Message = message;
    }

    public override string Message { get; }

    public override int Count => _fields.Length;

    public override KeyValuePair<string, object?> this[int index] => _fields[index];

    public static CopiedRecord Copy<TState>(
        string category, LogLevel level, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter, object?[] scopes, int bytes)
    {
        KeyValuePair<string, object?>[] fields = [];
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            fields = new KeyValuePair<string, object?>[pairs.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                var pair = pairs[i];
                fields[i] = new(pair.Key, CopyValue(pair.Value, ref bytes));
            }
        }

        var message = Render(state, exception, formatter, fields);
        bytes += 2 * message.Length;
        return new CopiedRecord(category, level, eventId, fields, message, exception, scopes, bytes);
    }

    // Values that cannot change are kept; an array of them is copied; any other sequence becomes the texts of its
    // items (a sink may not write it as a sequence: OTLP writes a list as its type name); anything else its text now.
    public static object? CopyValue(object? value, ref int bytes)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                bytes += 2 * text.Length;
                return text;
            case Array array when Unchanging.IsValueType(array.GetType().GetElementType()!):
                bytes += 16 * array.Length;
                return array.Clone();
            case System.Collections.IEnumerable sequence when !Unchanging.IsValueType(value.GetType()):
                var items = new List<string?>();
                foreach (var item in sequence)
                {
                    var text = item is null ? null : TextSanitizer.TextOf(item);
                    bytes += 16 + 2 * (text?.Length ?? 0);
                    items.Add(text);
                }

                return items.ToArray();
            default:
                if (Unchanging.IsValueType(value.GetType()))
                {
                    return value;
                }

                var rendered = TextSanitizer.TextOf(value);
                bytes += 2 * rendered.Length;
                return rendered;
        }
    }
}

/// <summary>A plain scope's text, taken when the record was held; written as the scope object was.</summary>
internal sealed record PlainScope(string Text)
{
    public override string ToString() => Text;
}
