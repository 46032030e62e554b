using System.Collections;
using System.Text.RegularExpressions;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Sinks;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// The rules every text of a record follows, applied once before the sinks so each writes the same value: a URL quoted
/// anywhere (a redirect's <c>Location</c>) has its query redacted as <c>url.query</c> is, and no text is longer than
/// <see cref="LoggingOptions.MaxValueLength"/>.
/// </summary>
internal sealed partial class RecordText(QueryStringRedactor queries, int maxLength)
{
    private const int MaxSequenceItems = 128;

    public int MaxLength => maxLength;

    /// <summary>
    /// The value as every sink writes it: an object becomes its text (its type name in a nested record), a sequence
    /// the texts of its items. <paramref name="texts"/> keeps each object's text for the record, so a ToString() that
    /// is costly, or that logs, runs once per record however often the record holds the object.
    /// </summary>
    public object? Apply(object? value, bool renderObjects, ref Dictionary<object, string>? texts)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return Apply(text);
            case var plain when IsPlainValue(plain.GetType()):
                return plain;
            case Array array when array.Length <= MaxSequenceItems && IsPlainValue(array.GetType().GetElementType()!):
                return array;
            case IEnumerable sequence and not IDictionary:
                return TextsOf(sequence, renderObjects, ref texts);
            default:
                return Apply(TextOf(value, renderObjects, ref texts));
        }
    }

    // A sequence whose enumeration throws is a placeholder, as a ToString() that throws is: one bad value costs
    // neither the record nor the caller.
    private object TextsOf(IEnumerable sequence, bool renderObjects, ref Dictionary<object, string>? texts)
    {
        var items = new List<string?>();
        try
        {
            foreach (var item in sequence)
            {
                if (items.Count == MaxSequenceItems)
                {
                    items.Add(TextSanitizer.TruncationMarker);
                    break;
                }

                items.Add(item is null ? null : Apply(item as string ?? TextOf(item, renderObjects, ref texts)));
            }
        }
        catch (Exception ex)
        {
            return $"<{sequence.GetType().FullName} enumeration threw {ex.GetType().Name}>";
        }

        return items.ToArray();
    }

    // An object's ToString() may log; a record logged that way does not ask again (it would loop).
    private static string TextOf(object value, bool renderObjects, ref Dictionary<object, string>? texts)
    {
        if (!renderObjects)
        {
            return $"<{value.GetType().FullName}>";
        }

        // A struct is boxed anew for each value that holds it: only an object of a reference type is met twice.
        if (value.GetType().IsValueType)
        {
            return TextSanitizer.TextOf(value);
        }

        texts ??= new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        if (!texts.TryGetValue(value, out var text))
        {
            text = value is Uri uri ? Escaped(uri) : TextSanitizer.TextOf(value);
            texts[value] = text;
        }

        return text;
    }

    public string Apply(string text)
    {
        if (text.Contains('?'))
        {
            text = QuotedQuery().Replace(text, match => "?" + queries.Redact(match.Groups["query"].Value));
        }

        return Bound(text, maxLength);
    }

    /// <summary>
    /// The message with the text of each Uri among <paramref name="fields"/>, as it renders there, replaced by the Uri's
    /// escaped form, as its field is written: <see cref="Uri.ToString"/> decodes the query, and a decoded space would end
    /// the query before the rule sees it.
    /// </summary>
    public static string WithEscapedUris(string message, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Value is Uri uri && uri.ToString() is { Length: > 0 } shown && Escaped(uri) is var escaped && shown != escaped)
            {
                message = message.Replace(shown, escaped, StringComparison.Ordinal);
            }
        }

        return message;
    }

    private static string Escaped(Uri uri) => uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString;

    /// <summary>Cut to <paramref name="maxLength"/> characters, the marker included.</summary>
    public static string Bound(string text, int maxLength) =>
        text.Length > maxLength ? TextSanitizer.Truncate(text, maxLength) : text;

    /// <summary>A boxed value of these types holds no reference to anything that could change afterwards.</summary>
    public static bool IsPlainValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(DateOnly) || type == typeof(TimeOnly);

    // A '?' that ends a path ("/x", "https://host/x", "~/x"; decoded, as Request.Path and Uri.ToString() give it, a
    // path may hold a space, a quote or a '#') and the query after it, up to white space or a quote.
    [GeneratedRegex(@"(?<=(?:^|[\s""'(=:,;\[<{|])(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#""']*)?~?/[^?\r\n]*)\?(?<query>[^\s#""']*[^\s#""'.,;:!)\]])", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedQuery();
}
