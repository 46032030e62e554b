using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Board.ServiceDefaults.Enrichment;

/// <summary>
/// Wraps the OpenTelemetry logger provider so that a message that cannot be formatted (an argument whose
/// ToString() throws) does not throw into the code that logged: the OpenTelemetry logger calls the formatter
/// itself, and the logger factory would rethrow its exception to the caller. On that failure only, the record
/// is logged again with its template as the message. Filters written for the OpenTelemetry provider apply to it, by
/// its alias (Logging:OpenTelemetry:*) or its type (AddFilter&lt;OpenTelemetryLoggerProvider&gt;).
/// <paramref name="decorate"/>, where given, wraps each category's logger once more.
/// </summary>
[ProviderAlias("OpenTelemetry")]
internal sealed class SafeFormattingLoggerProvider(ILoggerProvider inner, Func<string, ILogger, ILogger>? decorate = null) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>
    /// Puts the guard in place of the OpenTelemetry provider's registration, and registers the provider itself as
    /// <see cref="OpenTelemetryLoggerProvider"/>, for what writes to it past the logger factory (held records). The
    /// provider is found by how OpenTelemetry registers it; should that change, start-up stops here rather than the
    /// guard silently not being there.
    /// </summary>
    public static void Guard(IServiceCollection services, Func<string, ILogger, ILogger>? decorate)
    {
        var guarded = 0;
        for (var i = 0; i < services.Count; i++)
        {
            // OpenTelemetry registers its provider as a factory of OpenTelemetryLoggerProvider.
            if (services[i] is { IsKeyedService: false, ImplementationFactory: { } create } descriptor
                && descriptor.ServiceType == typeof(ILoggerProvider)
                && create.GetType().GenericTypeArguments is [_, var produced] && produced == typeof(OpenTelemetryLoggerProvider))
            {
                services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new SafeFormattingLoggerProvider(sp.GetRequiredService<OpenTelemetryLoggerProvider>(), decorate));
                services.AddSingleton(sp => (OpenTelemetryLoggerProvider)create(sp));
                guarded++;
            }
        }

        if (guarded != 1)
        {
            throw new InvalidOperationException(
                $"Expected one OpenTelemetry logger provider registration to guard, found {guarded}. " +
                "Board.ServiceDefaults registers OpenTelemetry logging itself; remove any other AddOpenTelemetry() logging " +
                "registration made before AddServiceDefaults(), or check how this OpenTelemetry version registers its provider.");
        }

        // The logger factory matches a rule's provider by the registered provider's type or alias: a rule for the
        // OpenTelemetry provider's type is made to name this one too, or it would stop applying without a word.
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var openTelemetry = typeof(OpenTelemetryLoggerProvider).FullName;
            foreach (var rule in options.Rules.Where(r => r.ProviderName == openTelemetry).ToList())
            {
                options.Rules.Add(new LoggerFilterRule(typeof(SafeFormattingLoggerProvider).FullName, rule.CategoryName, rule.LogLevel, rule.Filter));
            }
        });
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = new SafeFormattingLogger(inner.CreateLogger(categoryName));
        return decorate is null ? logger : decorate(categoryName, logger);
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    // The container owns the inner provider (a singleton of its own type, see Guard) and disposes it.
    public void Dispose()
    {
    }

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
                var fallback = MessageTemplate.Unformatted(state as IReadOnlyList<KeyValuePair<string, object?>>, typeof(TState), formatFailure);
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
    }
}
