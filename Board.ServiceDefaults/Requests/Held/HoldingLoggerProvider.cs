using Board.ServiceDefaults.Enrichment;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// Sees the records below the level. The logger factory filters per provider before it calls a logger, so the
/// OpenTelemetry provider never gets a Debug record of a category set to Information; this provider's own filter
/// (at <see cref="HeldRecordsOptions.MinLevel"/>, a provider rule, which beats every category rule) lets them through,
/// and it holds a record only when the OpenTelemetry provider would not write it and a request is open.
/// </summary>
/// <remarks>
/// Note: "would the OpenTelemetry provider write it" is asked of a logger factory of its own that holds a provider of
/// the same type and alias over the same filter options, so every rule the host applies (Logging:LogLevel,
/// Logging:OpenTelemetry:LogLevel, AddFilter, a reload) gives the same answer here, without copying its rules.
/// </remarks>
[ProviderAlias("HeldRecords")]
internal sealed class HoldingLoggerProvider(IOptionsMonitor<LoggerFilterOptions> filters, HeldRecordBudget budget, LoggingOptions options, RecordText text)
    : ILoggerProvider, ISupportExternalScope
{
    private readonly LoggerFactory _writesAt = new([new SafeFormattingLoggerProvider(new EveryLevelLogger())], filters);
    private readonly HeldRecordBudget _budget = budget;
    private readonly LogLevel _minLevel = options.Requests.HeldRecords.MinLevel;
    private readonly RecordText _text = text;
    private IExternalScopeProvider? _scopes;

    public ILogger CreateLogger(string categoryName) => new HoldingLogger(categoryName, _writesAt.CreateLogger(categoryName), this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _writesAt.Dispose();

    private sealed class HoldingLogger(string category, ILogger writesAt, HoldingLoggerProvider provider) : ILogger
    {
        [ThreadStatic] private static bool t_taking;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => OpenBuffer(logLevel) is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // A value whose ToString() logs while its record is taken: that record is not held, or it would loop.
            if (t_taking || OpenBuffer(logLevel) is not { } buffer)
            {
                return;
            }

            t_taking = true;
            try
            {
                buffer.Add(HeldRecord.Take(category, logLevel, eventId, state, exception, formatter, provider._scopes, provider._text));
            }
            catch (Exception)
            {
                // Logging never throws into the caller: a record that cannot be taken (a scope changed while it was
                // read) is let go, and counted.
                provider._budget.CountCaptureFailure();
            }
            finally
            {
                t_taking = false;
            }
        }

        // Cheapest first: most records that reach this logger are at the level and written at once, so the question
        // "would OpenTelemetry write it" ends the call before the request context is looked up. A category that
        // writes nothing at all (None) is silenced on purpose, not below the level: never held.
        private HeldRecordBuffer? OpenBuffer(LogLevel logLevel) =>
            logLevel >= provider._minLevel && logLevel != LogLevel.None
            && !writesAt.IsEnabled(logLevel)
            && writesAt.IsEnabled(LogLevel.Critical)
            && RequestLogContext.Current?.Held is { IsOpen: true } buffer
                ? buffer
                : null;
    }

    /// <summary>A provider whose logger takes every level, so that only the factory's filter answers.</summary>
    private sealed class EveryLevelLogger : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }
}
