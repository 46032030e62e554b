using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

/// <summary>The level of an END entry by status, from <see cref="RequestLoggingOptions.StatusLevels"/>, looked up in an array.</summary>
internal sealed class StatusLevelMap
{
    private readonly LogLevel[] _levels = new LogLevel[600];

    public StatusLevelMap(RequestLoggingOptions options)
    {
        ExceptionLevel = options.ExceptionLevel;
        Array.Fill(_levels, LogLevel.Information);

        // Classes first, exact statuses second, so that "404" wins over "4xx".
        foreach (var (key, level) in options.StatusLevels.Where(kv => kv.Key.EndsWith("xx", StringComparison.OrdinalIgnoreCase)))
        {
            var first = (key[0] - '0') * 100;
            Array.Fill(_levels, level, first, 100);
        }

        foreach (var (key, level) in options.StatusLevels.Where(kv => !kv.Key.EndsWith("xx", StringComparison.OrdinalIgnoreCase)))
        {
            _levels[int.Parse(key, CultureInfo.InvariantCulture)] = level;
        }
    }

    public LogLevel ExceptionLevel { get; }

    public LogLevel For(int statusCode) =>
        (uint)statusCode < (uint)_levels.Length ? _levels[statusCode] : LogLevel.Information;
}
