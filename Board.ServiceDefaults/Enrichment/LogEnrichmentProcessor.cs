using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Requests.Held;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// The first processor: gives each record, once and before the fan-out to the sinks, the one set of fields
/// every sink writes. In order of precedence: the record's own attributes, then its scopes from the innermost
/// out (an inner key overrides an outer one; no key twice), then the request context. Exceptions become
/// <c>exception.*</c> attributes with the full type name, and personal data is redacted where configured.
/// </summary>
internal sealed class LogEnrichmentProcessor(ScopeProviderCapture scopes, PersonalDataRedactor redactor, QueryStringRedactor queryRedactor) : BaseProcessor<LogRecord>
{
    public const string PlainScopeKey = "scope";
    private const string OriginalFormatKey = "{OriginalFormat}";

    // Reused per thread: once the last processor is done with a record, every sink has written it or, for the
    // batching OTLP processor, copied its attributes, so the list is free for the next record on this thread. A
    // record logged while another is enriched or formatted here (a scope's or a value's ToString() that logs) is
    // not the next one: it gets lists of its own (see RecordNesting).
    [ThreadStatic] private static List<KeyValuePair<string, object?>>? t_attributes;
    [ThreadStatic] private static List<object?>? t_scopes;

    public override void OnEnd(LogRecord data)
    {
        var reuse = !RecordNesting.IsNested;
        var tooDeep = RecordNesting.IsTooDeep;
        using var busy = RecordNesting.Enter();
        var attributes = reuse ? (t_attributes ??= new List<KeyValuePair<string, object?>>(32)) : new List<KeyValuePair<string, object?>>(32);
        var scopeList = reuse ? (t_scopes ??= new List<object?>(8)) : new List<object?>(8);
        try
        {
            attributes.Clear();
            scopeList.Clear();
            Enrich(data, attributes, scopeList, renderPlainScopes: !tooDeep);
            data.Attributes = attributes;
            data.Exception = null;
        }
        catch (Exception ex)
        {
            // Logging never throws into a request: the record goes on as it came, marked, and still without the
            // personal data it may hold.
            attributes.Clear();
            try
            {
                if (data.Attributes is { } original)
                {
                    attributes.AddRange(original);
                }
            }
            catch (Exception)
            {
                // A state that cannot even be read: the record keeps its message and the mark.
                attributes.Clear();
            }

            attributes.Add(new("log.enrichment_error", ex.GetType().FullName));
            AddExceptionFields(data, attributes);
            RedactOrDropFrameworkQuery(data, attributes);
            data.Attributes = attributes;
            RedactOrDropPersonalData(data, attributes);
        }
        finally
        {
            scopeList.Clear();
        }
    }

    private void Enrich(LogRecord data, List<KeyValuePair<string, object?>> attributes, List<object?> scopeList, bool renderPlainScopes)
    {
        var keys = new KeySummary();
        var held = data.Attributes as HeldRecord;
        if (data.Attributes is { } own)
        {
            // The request entries' keys are distinct by construction, so they skip the search for an earlier one;
            // any other state may name a key twice ("{a} and {a}").
            var distinct = own is EntryState;
            for (var i = 0; i < own.Count; i++)
            {
                // Read once: an entry's indexer makes the pair anew, boxing its number.
                var pair = own[i];
                if (!distinct)
                {
                    AddIfAbsent(attributes, ref keys, pair);
                }
                else if (pair.Value is not null)
                {
                    attributes.Add(pair);
                    keys.Include(pair.Key);
                }
            }
        }

        if (held is not null)
        {
            // A held record is written after its request failed: its scopes, time and span are those it was logged with.
            scopeList.AddRange(held.Scopes);
            AddIfAbsent(attributes, ref keys, new(HeldRecord.MarkerKey, true));
            data.Timestamp = held.Timestamp;
            data.TraceId = held.Context.TraceId;
            data.SpanId = held.Context.SpanId;
            data.TraceFlags = held.Context.TraceFlags;
        }
        else
        {
            scopes.ScopeProvider?.ForEachScope(static (scope, list) => list.Add(scope), scopeList);
        }
        string? plainScopes = null;
        for (var i = scopeList.Count - 1; i >= 0; i--)
        {
            switch (scopeList[i])
            {
                case null:
                    break;
                // The common shapes are walked without allocating an enumerator for each scope of each record.
                case IReadOnlyList<KeyValuePair<string, object?>> list:
                    for (var j = 0; j < list.Count; j++)
                    {
                        AddScopeField(attributes, ref keys, list[j]);
                    }

                    break;
                case Dictionary<string, object?> dictionary:
                    foreach (var pair in dictionary)
                    {
                        AddScopeField(attributes, ref keys, pair);
                    }

                    break;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    foreach (var pair in pairs)
                    {
                        AddScopeField(attributes, ref keys, pair);
                    }

                    break;
                case IEnumerable<KeyValuePair<string, string?>> textPairs:
                    foreach (var pair in textPairs)
                    {
                        AddIfAbsent(attributes, ref keys, new(pair.Key, pair.Value));
                    }

                    break;
                default:
                    // A plain scope (BeginScope("text") or any other object) is kept as text rather than dropped.
                    // Its ToString() may log; not in a loop of records logged that way (see RecordNesting).
                    var text = renderPlainScopes ? TextSanitizer.TextOf(scopeList[i]!) : $"<{scopeList[i]!.GetType().FullName}>";
                    plainScopes = plainScopes is null ? text : text + " => " + plainScopes;
                    break;
            }
        }

        if (plainScopes is not null)
        {
            AddIfAbsent(attributes, ref keys, new(PlainScopeKey, plainScopes));
        }

        if (RequestLogContext.Current is { } request)
        {
            AddIfAbsent(attributes, ref keys, new("http.request.method", request.Method));
            AddIfAbsent(attributes, ref keys, new("url.path", request.Path));
            if (request.Route is { } route)
            {
                AddIfAbsent(attributes, ref keys, new("http.route", route));
            }

            AddIfAbsent(attributes, ref keys, new("client.address", request.ClientAddress));
            AddIfAbsent(attributes, ref keys, new("request.id", request.RequestId));
        }

        if (data.Exception is { } exception)
        {
            // The full type name (OTLP would send the short one). The Exception object leaves the record once the
            // enrichment succeeded (see OnEnd), so no sink adds exception fields a second time.
            SetExceptionFields(attributes, ref keys, exception);
            WithholdQuotedRequest(data, attributes, exception);
        }

        FrameworkRequestEntries.Apply(data, attributes, queryRedactor);

        // Most records hold no personal key at all, and the summary says so without looking at each attribute.
        if (redactor.IsActive && keys.MayContainAny(redactor.KeySummary))
        {
            RedactPersonalData(data, attributes);
        }
    }

    // The exception a record carries is often why it was logged: the fallback keeps it in the fields every sink writes.
    private static void AddExceptionFields(LogRecord data, List<KeyValuePair<string, object?>> attributes)
    {
        if (data.Exception is not { } exception)
        {
            return;
        }

        try
        {
            var keys = new KeySummary();
            foreach (var pair in attributes)
            {
                keys.Include(pair.Key);
            }

            SetExceptionFields(attributes, ref keys, exception);
            data.Exception = null;
        }
        catch (Exception)
        {
            // An exception whose Message or ToString() throws stays on the record for OTLP, as it came.
        }
    }

    // Nor where a query string gets out: if its redaction fails, the field and the message that repeats it go.
    private void RedactOrDropFrameworkQuery(LogRecord data, List<KeyValuePair<string, object?>> attributes)
    {
        try
        {
            FrameworkRequestEntries.Apply(data, attributes, queryRedactor);
        }
        catch (Exception)
        {
            attributes.RemoveAll(pair => pair.Key == FrameworkRequestEntries.QueryStringKey);
            data.FormattedMessage = null;
        }
    }

    // The fallback must not be where personal data gets out: if even the redaction fails, the personal fields go,
    // and so does the message, which may repeat them (the sinks then write the template).
    private void RedactOrDropPersonalData(LogRecord data, List<KeyValuePair<string, object?>> attributes)
    {
        if (!redactor.IsActive)
        {
            return;
        }

        try
        {
            RedactPersonalData(data, attributes);
        }
        catch (Exception)
        {
            attributes.RemoveAll(pair => redactor.IsPersonal(pair.Key));
            data.FormattedMessage = null;
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

            var raw = value.ToString() ?? "";
            var redacted = redactor.Redact(raw);
            attributes[i] = new(key, redacted);

            // The message was rendered before this processor ran; it must not carry the value either.
            if (raw.Length > 0 && data.FormattedMessage is { } message && message.Contains(raw, StringComparison.Ordinal))
            {
                data.FormattedMessage = message.Replace(raw, redacted, StringComparison.Ordinal);
            }
        }
    }

    private static void AddScopeField(List<KeyValuePair<string, object?>> attributes, ref KeySummary keys, KeyValuePair<string, object?> pair)
    {
        if (pair.Key != OriginalFormatKey)
        {
            AddIfAbsent(attributes, ref keys, pair);
        }
    }

    // A field with no value is left out, in every sink alike (OTLP has no null attribute value).
    private static void AddIfAbsent(List<KeyValuePair<string, object?>> attributes, ref KeySummary keys, KeyValuePair<string, object?> pair)
    {
        if (pair.Value is null || string.IsNullOrEmpty(pair.Key) || (keys.MayContain(pair.Key) && IndexOf(attributes, pair.Key) >= 0))
        {
            return;
        }

        attributes.Add(pair);
        keys.Include(pair.Key);
    }

    private static void SetExceptionFields(List<KeyValuePair<string, object?>> attributes, ref KeySummary keys, Exception exception)
    {
        Set(attributes, ref keys, "exception.type", exception.GetType().FullName);
        Set(attributes, ref keys, "exception.message", ExceptionText.Message(exception));
        Set(attributes, ref keys, "exception.stacktrace", ExceptionText.StackTrace(exception));
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

    private static void Set(List<KeyValuePair<string, object?>> attributes, ref KeySummary keys, string key, object? value)
    {
        var index = keys.MayContain(key) ? IndexOf(attributes, key) : -1;
        if (index >= 0)
        {
            attributes[index] = new(key, value);
        }
        else
        {
            attributes.Add(new(key, value));
            keys.Include(key);
        }
    }

    private static int IndexOf(List<KeyValuePair<string, object?>> attributes, string key)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            var existing = attributes[i].Key;
            if (ReferenceEquals(existing, key) || string.Equals(existing, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
