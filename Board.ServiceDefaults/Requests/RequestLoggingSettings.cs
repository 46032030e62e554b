using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

/// <summary>What the middleware needs from <see cref="RequestLoggingOptions"/>, compiled once.</summary>
internal sealed class RequestLoggingSettings(RequestLoggingOptions options, QueryStringRedactor queryRedactor)
{
    private readonly PathString[] _excluded = [.. options.ExcludedPaths.Select(p => new PathString(p.TrimEnd('/')))];
    private readonly LogLevel[] _statusLevels = StatusLevels(options.StatusLevels);

    public QueryStringRedactor QueryRedactor { get; } = queryRedactor;
    public LogLevel ExceptionLevel { get; } = options.ExceptionLevel;

    public bool IsExcluded(PathString path)
    {
        foreach (var prefix in _excluded)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The level of an END entry by status, from <see cref="RequestLoggingOptions.StatusLevels"/>.</summary>
    public LogLevel LevelFor(int statusCode) =>
        (uint)statusCode < (uint)_statusLevels.Length ? _statusLevels[statusCode] : LogLevel.Information;

    // An array by status: the lookup of every END entry is one index.
    private static LogLevel[] StatusLevels(Dictionary<string, LogLevel> statusLevels)
    {
        var levels = new LogLevel[600];
        Array.Fill(levels, LogLevel.Information);

        // Classes first, exact statuses second, so that "404" wins over "4xx".
        foreach (var (key, level) in statusLevels.Where(kv => kv.Key.EndsWith("xx", StringComparison.OrdinalIgnoreCase)))
        {
            Array.Fill(levels, level, (key[0] - '0') * 100, 100);
        }

        foreach (var (key, level) in statusLevels.Where(kv => !kv.Key.EndsWith("xx", StringComparison.OrdinalIgnoreCase)))
        {
            levels[int.Parse(key, CultureInfo.InvariantCulture)] = level;
        }

        return levels;
    }
}
