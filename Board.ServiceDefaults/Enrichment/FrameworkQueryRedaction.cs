using Board.ServiceDefaults.Requests;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// The framework's own request entries (kept with <c>Requests:KeepFrameworkRequestEntries</c>) carry the query string
/// as it arrived, in their <c>QueryString</c> field and in their message. The same rule as <c>url.query</c> applies:
/// only the values of allowed keys stay.
/// </summary>
internal static class FrameworkQueryRedaction
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";
    public const string QueryStringKey = "QueryString";

    public static void Apply(LogRecord data, List<KeyValuePair<string, object?>> attributes, QueryStringRedactor redactor)
    {
        if (!string.Equals(data.CategoryName, Category, StringComparison.Ordinal))
        {
            return;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key != QueryStringKey || attributes[i].Value?.ToString() is not { Length: > 1 } raw)
            {
                continue;
            }

            var redacted = "?" + redactor.Redact(raw);
            attributes[i] = new(QueryStringKey, redacted);
            if (data.FormattedMessage is { } message)
            {
                data.FormattedMessage = message.Replace(raw, redacted, StringComparison.Ordinal);
            }
        }
    }
}
