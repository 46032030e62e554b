using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// Gives the enrichment processor the logger factory's scope provider. OpenTelemetry's own scope export is left
/// off because it writes every scope key as it comes (a key set by two nested scopes twice, a plain string
/// scope not at all); the enrichment processor merges them instead, once, before any sink sees the record.
/// </summary>
internal sealed class ScopeProviderCapture : ILoggerProvider, ISupportExternalScope
{
    public IExternalScopeProvider? ScopeProvider { get; private set; }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => ScopeProvider = scopeProvider;

    public ILogger CreateLogger(string categoryName) => NullLogger.Instance;

    public void Dispose()
    {
    }
}
