using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Resources;

/// <summary>
/// Collects problems found while the logging itself is being built (there is no logger yet then) and writes
/// each one once, through the finished pipeline, when the host starts.
/// </summary>
internal sealed class StartupWarnings
{
    private readonly ConcurrentQueue<(string Template, object?[] Args)> _pending = new();

    public void Add(string messageTemplate, params object?[] args) => _pending.Enqueue((messageTemplate, args));

    /// <summary>The warnings not yet handed out, each taken as it is handed out.</summary>
    public IEnumerable<(string Template, object?[] Args)> Drain()
    {
        while (_pending.TryDequeue(out var warning))
        {
            yield return warning;
        }
    }
}

internal sealed class StartupWarningsReporter(StartupWarnings warnings, ILogger<StartupWarningsReporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (template, args) in warnings.Drain())
        {
#pragma warning disable CA2254 // The templates are constants of this library, collected before a logger existed.
            logger.LogWarning(template, args);
#pragma warning restore CA2254
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
