using System.Security.Cryptography;
using System.Text;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// Rewrites the values of attributes that hold personal data (<c>user.email</c> by default): a keyed hash that
/// stays stable for one key, so Logs Insights can still group a user's records, or REDACTED.
/// </summary>
internal sealed class PersonalDataRedactor(RedactionOptions options)
{
    private readonly RedactionMode _mode = options.Mode ?? RedactionMode.None;
    private readonly string[] _keys = [.. options.PersonalDataKeys];
    private readonly byte[] _hashKey = options.HashKey is null ? [] : Encoding.UTF8.GetBytes(options.HashKey);

    public bool IsActive => _mode != RedactionMode.None && _keys.Length > 0;

    // Ordinal: string's own Equals.
    public bool IsPersonal(string key) => _keys.AsSpan().Contains(key);

    public string Redact(string value)
    {
        if (_mode == RedactionMode.Redact)
        {
            return "REDACTED";
        }

        // Normalised first so that Alice@Example.com and alice@example.com group together.
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(value.Trim().ToLowerInvariant()), hash);
        return "hmac:" + Convert.ToHexStringLower(hash[..12]);
    }
}
