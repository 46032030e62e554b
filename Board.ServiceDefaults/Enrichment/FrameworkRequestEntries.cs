using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Sinks;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// Gives the framework's own request entries (<c>Requests:KeepFrameworkRequestEntries</c>) the START entry's rules, in
/// their fields and message: the query redacted as <c>url.query</c> is, the host in ASCII, never a Unicode lookalike.
/// </summary>
internal static class FrameworkRequestEntries
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";
    public const string QueryStringKey = "QueryString";
    public const string HostKey = "Host";

    public static void Apply(LogRecord data, List<KeyValuePair<string, object?>> attributes, QueryStringRedactor redactor)
    {
        if (!string.Equals(data.CategoryName, Category, StringComparison.Ordinal))
        {
            return;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == HostKey && attributes[i].Value is string host && !System.Text.Ascii.IsValid(host))
            {
                // HostString encodes an internationalised name back into its ASCII (punycode) form.
                Replace(data, attributes, i, host, new Microsoft.AspNetCore.Http.HostString(host).ToUriComponent());
            }
            else if (attributes[i].Key == QueryStringKey && attributes[i].Value is { } value && TextSanitizer.TextOf(value) is { Length: > 1 } raw)
            {
                Replace(data, attributes, i, raw, "?" + redactor.Redact(raw));
            }
        }
    }

    private static void Replace(LogRecord data, List<KeyValuePair<string, object?>> attributes, int index, string was, string value)
    {
        attributes[index] = new(attributes[index].Key, value);
        if (data.FormattedMessage is { } message)
        {
            data.FormattedMessage = message.Replace(was, value, StringComparison.Ordinal);
        }
    }
}
