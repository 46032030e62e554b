namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// A record state that carries the scopes it was logged in (a record written later than it was logged): the
/// enrichment reads these instead of the scopes open now.
/// </summary>
internal interface IRecordScopes
{
    /// <summary>Outermost first, in the shapes a scope provider hands out.</summary>
    IReadOnlyList<object?> Scopes { get; }
}
