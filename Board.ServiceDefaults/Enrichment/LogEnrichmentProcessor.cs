using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// The first processor: gives each record, once before the fan-out to the sinks, the one set of fields every sink
/// writes. Precedence: the record's own attributes, its scopes innermost first, then the request context.
/// </summary>
internal sealed class LogEnrichmentProcessor(ScopeProviderCapture scopes, PersonalDataRedactor redactor, QueryStringRedactor queryRedactor, RecordText text) : BaseProcessor<LogRecord>
{
    public const string PlainScopeKey = "scope";

    // Reused per thread: once the last processor is done with a record, each batch processor has copied its
    // attributes (LogRecord.Buffer), so the list is free for the next record on this thread. A record logged while
    // another is enriched here (a scope's or a value's ToString() that logs) is nested: it gets lists of its own.
    [ThreadStatic] private static List<KeyValuePair<string, object?>>? t_attributes;
    [ThreadStatic] private static List<object?>? t_scopes;
    [ThreadStatic] private static int t_depth;

    public override void OnEnd(LogRecord data)
    {
        var nested = t_depth > 0;
        t_depth++;
        var attributes = nested ? new List<KeyValuePair<string, object?>>(32) : (t_attributes ??= new List<KeyValuePair<string, object?>>(32));
        var scopeList = nested ? new List<object?>(8) : (t_scopes ??= new List<object?>(8));
        try
        {
            attributes.Clear();
            scopeList.Clear();

            // A nested record does not ask objects for their text: the one that logged would log again, a loop.
            Enrich(data, attributes, scopeList, renderObjects: !nested);
            data.Attributes = attributes;
            data.Exception = null;
        }
        catch (Exception ex)
        {
            // Logging never throws into a request. Failing values and scopes are placeholders (below), so this is a
            // state whose list throws when read: the record keeps its template and this mark, not its raw values.
            attributes.Clear();
            attributes.Add(new("log.enrichment_error", ex.GetType().FullName));
            if (data.Exception is { } exception)
            {
                attributes.Add(new("exception.type", exception.GetType().FullName));
            }

            data.Attributes = attributes;
            data.FormattedMessage = null;
            data.Exception = null;
        }
        finally
        {
            scopeList.Clear();
            t_depth--;
        }
    }

    private void Enrich(LogRecord data, List<KeyValuePair<string, object?>> attributes, List<object?> scopeList, bool renderObjects)
    {
        if (data.Attributes is { } own)
        {
            for (var i = 0; i < own.Count; i++)
            {
                AddIfAbsent(attributes, own[i]);
            }
        }

        if (data.Attributes is IRecordScopes recorded)
        {
            scopeList.AddRange(recorded.Scopes);
        }
        else
        {
            scopes.ScopeProvider?.ForEachScope(static (scope, list) => list.Add(scope), scopeList);
        }

        string? plainScopes = null;
        for (var i = scopeList.Count - 1; i >= 0; i--)
        {
            try
            {
                AddScope(scopeList[i], attributes, renderObjects, ref plainScopes);
            }
            catch (Exception ex)
            {
                // A scope that throws while it is read costs only itself: what it gave before stays, its text is a placeholder.
                Prepend(ref plainScopes, $"<{scopeList[i]!.GetType().FullName} threw {ex.GetType().Name}>");
            }
        }

        if (plainScopes is not null)
        {
            AddIfAbsent(attributes, new(PlainScopeKey, plainScopes));
        }

        if (RequestLogContext.Current is { } request)
        {
            AddIfAbsent(attributes, new("http.request.method", request.Method));
            AddIfAbsent(attributes, new("url.path", request.Path));
            AddIfAbsent(attributes, new("http.route", request.Route));

            // The END entry closes what the START entry opened: the client is named there, and request.id joins them.
            if (data.Attributes is not RequestCompletedState)
            {
                AddIfAbsent(attributes, new("client.address", request.ClientAddress));
            }

            AddIfAbsent(attributes, new("request.id", request.RequestId));
        }

        if (data.Exception is { } exception)
        {
            // The full type name (OTLP would send the short one). The Exception object leaves the record once the
            // enrichment succeeded (see OnEnd), so no sink adds exception fields a second time.
            Set(attributes, "exception.type", exception.GetType().FullName);
            Set(attributes, "exception.message", ExceptionText.Message(exception));
            Set(attributes, "exception.stacktrace", ExceptionText.StackTrace(exception));
            WithholdQuotedRequest(data, attributes, exception);
        }

        FrameworkRequestEntries.Apply(data, attributes, queryRedactor);
        if (redactor.IsActive)
        {
            RedactPersonalData(data, attributes);
        }

        ApplyTextRules(data, attributes, renderObjects);
    }

    private void AddScope(object? scope, List<KeyValuePair<string, object?>> attributes, bool renderObjects, ref string? plainScopes)
    {
        switch (scope)
        {
            case null:
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var pair in pairs)
                {
                    if (pair.Key != MessageTemplate.Key)
                    {
                        AddIfAbsent(attributes, pair);
                    }
                }

                break;
            case IEnumerable<KeyValuePair<string, string?>> textPairs:
                foreach (var pair in textPairs)
                {
                    AddIfAbsent(attributes, new(pair.Key, pair.Value));
                }

                break;
            default:
                // A plain scope (BeginScope("text") or any other object) is kept as text rather than dropped.
                Prepend(ref plainScopes, renderObjects ? TextSanitizer.TextOf(scope) : $"<{scope.GetType().FullName}>");
                break;
        }
    }

    // Scopes are read innermost first; the text lists them outermost first.
    private static void Prepend(ref string? plainScopes, string text) => plainScopes = plainScopes is null ? text : text + " => " + plainScopes;

    // Last, so that it sees every value as the sinks will write it (see RecordText).
    private void ApplyTextRules(LogRecord data, List<KeyValuePair<string, object?>> attributes, bool renderObjects)
    {
        // Before the values below become text.
        if (data.FormattedMessage is { } shown)
        {
            data.FormattedMessage = RecordText.WithEscapedUris(shown, attributes);
        }

        Dictionary<object, string>? texts = null;
        for (var i = 0; i < attributes.Count; i++)
        {
            var (key, value) = attributes[i];

            // The template is the code's; url.query holds the query already redacted.
            var applied = key switch
            {
                MessageTemplate.Key => value,
                "url.query" when value is string query => RecordText.Bound(query, text.MaxLength),
                _ => text.Apply(value, renderObjects, ref texts),
            };
            if (!ReferenceEquals(applied, value))
            {
                attributes[i] = new(key, applied);
            }
        }

        if (data.FormattedMessage is { } message)
        {
            data.FormattedMessage = text.Apply(message);
        }
    }

    private void RedactPersonalData(LogRecord data, List<KeyValuePair<string, object?>> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            var (key, value) = attributes[i];
            if (value is null || !redactor.IsPersonal(key))
            {
                continue;
            }

            var raw = TextSanitizer.TextOf(value);
            var redacted = redactor.Redact(raw);
            attributes[i] = new(key, redacted);

            // The message was rendered before this processor ran; it must not carry the value either.
            if (raw.Length > 0 && data.FormattedMessage is { } message && message.Contains(raw, StringComparison.Ordinal))
            {
                data.FormattedMessage = message.Replace(raw, redacted, StringComparison.Ordinal);
            }
        }
    }

    // A field with no value is left out, in every sink alike (OTLP has no null attribute value); a key is written once,
    // and cut as a value is: a dictionary scope's keys may be a client's.
    private void AddIfAbsent(List<KeyValuePair<string, object?>> attributes, KeyValuePair<string, object?> pair)
    {
        var key = pair.Key is null ? null : RecordText.Bound(pair.Key, text.MaxLength);
        if (pair.Value is not null && !string.IsNullOrEmpty(key) && IndexOf(attributes, key) < 0)
        {
            attributes.Add(ReferenceEquals(key, pair.Key) ? pair : new(key, pair.Value));
        }
    }

    // A record that repeats the exception's message, in its own message ("... failed. {Message}") or in a field,
    // would carry the request's text there as well.
    private static void WithholdQuotedRequest(LogRecord data, List<KeyValuePair<string, object?>> attributes, Exception exception)
    {
        if (!ExceptionText.QuotesRequest(exception))
        {
            return;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            var quoted = inner.Message;
            if (quoted.Length == 0)
            {
                continue;
            }

            if (data.FormattedMessage is { } message && message.Contains(quoted, StringComparison.Ordinal))
            {
                data.FormattedMessage = message.Replace(quoted, ExceptionText.Withheld, StringComparison.Ordinal);
            }

            for (var i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].Value is string text && text.Contains(quoted, StringComparison.Ordinal) && !attributes[i].Key.StartsWith("exception.", StringComparison.Ordinal))
                {
                    attributes[i] = new(attributes[i].Key, text.Replace(quoted, ExceptionText.Withheld, StringComparison.Ordinal));
                }
            }
        }
    }

    private static void Set(List<KeyValuePair<string, object?>> attributes, string key, object? value)
    {
        var index = IndexOf(attributes, key);
        if (index >= 0)
        {
            attributes[index] = new(key, value);
        }
        else
        {
            attributes.Add(new(key, value));
        }
    }

    private static int IndexOf(List<KeyValuePair<string, object?>> attributes, string key)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            // string.Equals is ordinal and compares references first.
            if (string.Equals(attributes[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }
}
