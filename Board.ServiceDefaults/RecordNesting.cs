namespace Board.ServiceDefaults;

/// <summary>
/// Whether a record is being enriched or formatted on this thread. A value's ToString(), called by the enrichment
/// or by a formatter, may itself log; that record then passes the whole pipeline while the outer one is half
/// enriched or half written. It must get lists and buffers of its own rather than clear the per-thread ones the
/// outer record is still using.
/// </summary>
/// <remarks>
/// One level of that is served; a record logged while the nested one is processed is the same code logging again,
/// a loop that would recurse until the stack overflows and take the process with it. There the loop is cut: the
/// enrichment stops asking plain scopes for their text and the stdout sink drops the record, counted.
/// </remarks>
internal static class RecordNesting
{
    private const int MaxDepth = 2;

    [ThreadStatic] private static int t_depth;

    /// <summary>True inside the enrichment or a formatter of another record on this thread.</summary>
    public static bool IsNested => t_depth > 0;

    /// <summary>True where a record would be nested inside a nested one (see the remarks).</summary>
    public static bool IsTooDeep => t_depth >= MaxDepth;

    /// <summary>Marks this thread as busy with a record until the returned scope is disposed.</summary>
    public static Scope Enter()
    {
        t_depth++;
        return default;
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose() => t_depth--;
    }
}
