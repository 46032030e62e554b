using System.Text;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Produces <c>url.query</c> with the values of sensitive keys replaced by REDACTED. A key is sensitive when it
/// equals a configured word or ends with it after '_', '-' or '.' (<c>key</c> covers <c>api_key</c>), compared
/// case-insensitively after percent-decoding, so <c>%74oken=</c> is caught too.
/// </summary>
internal sealed class QueryStringRedactor(IReadOnlyList<string> sensitiveKeys)
{
    public const string Redacted = "REDACTED";

    // Signed-URL parameters the semantic conventions ask every instrumentation to scrub.
    private static readonly string[] s_alwaysSensitive =
        ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"];

    private readonly string[] _keys = [.. sensitiveKeys.Where(k => k.Length > 0)];

    /// <summary>The query without its leading '?', redacted; null when the request has none.</summary>
    public string? Redact(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return null;
        }

        var text = query[0] == '?' ? query[1..] : query;
        StringBuilder? redacted = null;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('&', start);
            if (end < 0)
            {
                end = text.Length;
            }

            var pair = text.AsSpan(start, end - start);
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            if (equals >= 0 && IsSensitive(key))
            {
                redacted ??= new StringBuilder(text, 0, start, text.Length);
                redacted.Append(key).Append('=').Append(Redacted);
            }
            else
            {
                redacted?.Append(pair);
            }

            if (end < text.Length)
            {
                redacted?.Append('&');
            }

            start = end + 1;
        }

        return redacted?.ToString() ?? text;
    }

    private bool IsSensitive(ReadOnlySpan<char> rawKey)
    {
        var key = rawKey.IndexOfAny('%', '+') >= 0 ? Decode(rawKey) : rawKey;
        foreach (var word in s_alwaysSensitive)
        {
            if (key.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var word in _keys)
        {
            if (key.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (key.Length > word.Length
                && key.EndsWith(word, StringComparison.OrdinalIgnoreCase)
                && key[key.Length - word.Length - 1] is '_' or '-' or '.')
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Decode(ReadOnlySpan<char> key)
    {
        try
        {
            return Uri.UnescapeDataString(key.ToString().Replace('+', ' ')).AsSpan();
        }
        catch (UriFormatException)
        {
            return key;
        }
    }
}
