using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Resources;

/// <summary>
/// Collects problems found while the logging itself is being built (there is no logger yet then) and writes
/// each one once, through the finished pipeline, when the host starts.
/// </summary>
internal sealed class StartupWarnings
{
    private readonly List<(string Template, object?[] Args)> _pending = [];

    public void Add(string messageTemplate, params object?[] args)
    {
        lock (_pending)
        {
            _pending.Add((messageTemplate, args));
        }
    }

    public IReadOnlyList<(string Template, object?[] Args)> Drain()
    {
        lock (_pending)
        {
            var drained = _pending.ToArray();
            _pending.Clear();
            return drained;
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
