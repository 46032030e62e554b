using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>One log call as the app made it: template, fields and the scopes open at the time.</summary>
public sealed record CapturedLog(
    string Category,
    LogLevel Level,
    string Message,
    string? Template,
    IReadOnlyDictionary<string, object?> Fields,
    IReadOnlyList<object?> Scopes);

/// <summary>
/// A logger provider that keeps every record, so tests can check the app logs through message templates
/// with the agreed field names, and never logs what it must not.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _records = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLog> Records => _records;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value)
                : [];
            var scopes = new List<object?>();
            owner._scopes.ForEachScope((scope, list) => list.Add(scope), scopes);
            fields.TryGetValue("{OriginalFormat}", out var template);
            owner._records.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), template as string, fields, scopes));
        }
    }
}
