namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// One bit per key of a record's attribute list, chosen by the key's length and its first and last characters. A key
/// whose bit is clear is certainly not in the list, so the enrichment adds the request context and the scopes
/// (keys a record rarely has already) without searching the list for each, and skips the personal-data pass when no
/// key can be one of the configured ones. A set bit only means "search": two keys may share a bit.
/// </summary>
internal struct KeySummary
{
    private ulong _bits;

    public static KeySummary Of(IEnumerable<string> keys)
    {
        var summary = new KeySummary();
        foreach (var key in keys)
        {
            summary.Include(key);
        }

        return summary;
    }

    public void Include(string key) => _bits |= BitOf(key);

    public readonly bool MayContain(string key) => (_bits & BitOf(key)) != 0;

    public readonly bool MayContainAny(KeySummary other) => (_bits & other._bits) != 0;

    private static ulong BitOf(string key) =>
        key.Length == 0 ? 1UL : 1UL << ((key.Length * 7 + key[0] + key[^1] * 3) & 63);
}
