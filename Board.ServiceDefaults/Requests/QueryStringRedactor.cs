using System.Text;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Makes a query string loggable: a value shows only under a key the configuration allows, since secrets travel under
/// any name (<c>pwd</c>, <c>user[password]</c>) and inside other values (a <c>ReturnUrl</c>). A part with no '=' is a
/// value, and a key that does not look like one may be a value in disguise (<c>token%3Dsecret</c>): both are redacted.
/// </summary>
internal sealed class QueryStringRedactor(IReadOnlyCollection<string> allowedKeys)
{
    public const string Redacted = "REDACTED";

    /// <summary>Longest key written as it is; longer ones are redacted.</summary>
    public const int MaxKeyLength = 64;

    private readonly HashSet<string> _allowed = new(allowedKeys.Where(k => k.Length > 0), StringComparer.OrdinalIgnoreCase);

    /// <summary>The query without its leading '?', redacted; null when the request has none.</summary>
    public string? Redact(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return null;
        }

        var text = query[0] == '?' ? query.AsSpan(1) : query.AsSpan();
        var redacted = new StringBuilder(Math.Min(text.Length, 256));
        var first = true;
        foreach (var range in text.Split('&'))
        {
            if (!first)
            {
                redacted.Append('&');
            }

            first = false;
            var pair = text[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var rawKey = equals < 0 ? pair : pair[..equals];
            var key = Decode(rawKey);
            if (key is not null && _allowed.Contains(key))
            {
                redacted.Append(pair);
            }
            else if (equals < 0)
            {
                redacted.Append(Redacted);
            }
            else
            {
                // An empty key hides nothing; written as REDACTED it would make a query of "=&=&..." nine times longer.
                redacted.Append(key is "" || (key is not null && LooksLikeKey(key)) ? key : Redacted).Append('=');
                if (equals < pair.Length - 1)
                {
                    redacted.Append(Redacted);
                }
            }
        }

        return redacted.ToString();
    }

    /// <summary>The key percent-decoded ('+' read as a space), or null when it cannot be decoded.</summary>
    private static string? Decode(ReadOnlySpan<char> rawKey)
    {
        if (rawKey.IndexOfAny('%', '+') < 0)
        {
            return rawKey.ToString();
        }

        try
        {
            return Uri.UnescapeDataString(rawKey.ToString().Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    /// <summary>1 to <see cref="MaxKeyLength"/> ASCII letters, digits, '_', '.', '-', '[' or ']': the keys written as they are.</summary>
    public static bool LooksLikeKey(string key)
    {
        if (key.Length is 0 or > MaxKeyLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '[' or ']'))
            {
                return false;
            }
        }

        return true;
    }
}
