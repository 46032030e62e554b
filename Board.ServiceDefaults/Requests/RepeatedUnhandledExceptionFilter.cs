using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Leaves out the exception handler middleware's "unhandled exception" entry: the request's END entry carries the
/// same exception, taken from <c>IExceptionHandlerFeature</c>, so it would be logged twice. The middleware's other
/// entries stay, among them the one that says the error handler itself threw, which no other record carries.
/// Only where the request's END entry is written with the exception (request logging on, its level enabled): else
/// the middleware's entry is the one that logs it.
/// </summary>
internal sealed class RepeatedUnhandledExceptionFilter(ILogger inner) : ILogger
{
    public const string Category = "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware";

    // DiagnosticsLoggerExtensions.UnhandledException in ASP.NET Core.
    private const int UnhandledExceptionEventId = 1;

    /// <summary>The logger of <paramref name="category"/>, filtered when it is the exception handler middleware's.</summary>
    public static ILogger Apply(string category, ILogger logger) => category == Category ? new RepeatedUnhandledExceptionFilter(logger) : logger;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id != UnhandledExceptionEventId || RequestLogContext.Current is not { EndLogsException: true })
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
