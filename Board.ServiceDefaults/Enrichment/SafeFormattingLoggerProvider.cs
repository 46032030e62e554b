using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// Wraps the OpenTelemetry logger provider so that a message that cannot be formatted (an argument whose
/// ToString() throws) does not throw into the code that logged: the OpenTelemetry logger calls the formatter
/// itself, and the logger factory would rethrow its exception to the caller. On that failure only, the record
/// is logged again with its template as the message. Keeps the provider alias, so Logging:OpenTelemetry:*
/// filters still apply. Where asked, the exception handler middleware's logger also leaves out the entry the END
/// entry repeats (<see cref="RepeatedUnhandledExceptionFilter"/>).
/// </summary>
[ProviderAlias("OpenTelemetry")]
internal sealed class SafeFormattingLoggerProvider(ILoggerProvider inner, bool leaveOutRepeatedUnhandledException) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = new SafeFormattingLogger(inner.CreateLogger(categoryName));
        return leaveOutRepeatedUnhandledException && categoryName == RepeatedUnhandledExceptionFilter.Category
            ? new RepeatedUnhandledExceptionFilter(logger)
            : logger;
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    public void Dispose() => inner.Dispose();

    private sealed class SafeFormattingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
            catch (Exception formatFailure) when (Throws(formatter, state, exception))
            {
                // The formatter runs before the record reaches any processor, so nothing was emitted yet.
                var fallback = $"{TemplateOf(state) ?? typeof(TState).Name} [message not formatted: {formatFailure.GetBaseException().GetType().Name}]";
                inner.Log(logLevel, eventId, state, exception, (_, _) => fallback);
            }
        }

        private static bool Throws<TState>(Func<TState, Exception?, string> formatter, TState state, Exception? exception)
        {
            try
            {
                formatter(state, exception);
                return false;
            }
            catch (Exception)
            {
                return true;
            }
        }

        private static string? TemplateOf<TState>(TState state)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            {
                for (var i = pairs.Count - 1; i >= 0; i--)
                {
                    if (pairs[i].Key == "{OriginalFormat}")
                    {
                        return pairs[i].Value as string;
                    }
                }
            }

            return null;
        }
    }
}
