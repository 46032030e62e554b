using System.Text.Json;
using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;
using Board.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.Tests.Web;

/// <summary>
/// Board.Web in memory on its own SQLite file in a fresh temporary directory, removed on dispose, so
/// test classes never share data and never write under the project directory.
/// </summary>
public sealed class BoardAppFactory : WebApplicationFactory<Program>
{
    private bool _cleanedUp;

    public string DirectoryPath { get; } = Path.Combine(Path.GetTempPath(), "board-tests-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(DirectoryPath, "board.db");

    /// <summary>Replaces the connection string pointing at <see cref="DatabasePath"/>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Hosting environment; the factory's default is Development.</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>Every record the app logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>What the app's console sink wrote (stdout is never the real one in tests).</summary>
    public CapturedStdout Stdout { get; } = new();

    /// <summary>Every record as the exporters got it: enriched, after the real sinks.</summary>
    public List<LogRecord> Exported { get; } = [];

    /// <summary>Services a test replaces or adds, after the app's own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Further configuration for one test's host.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(DirectoryPath);
        builder.UseSetting("ConnectionStrings:Board", ConnectionString ?? $"Data Source={DatabasePath}");
        // Every SQL statement at Information would bury a failing test's output.
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new LogOutput(Stdout));
            services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Exported));
        });
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }

        if (EnvironmentName is not null)
        {
            builder.UseEnvironment(EnvironmentName);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Waits until every record logged so far has reached stdout and the exporters.</summary>
    public void FlushLogs() => Assert.True(Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000), "the log pipeline did not flush");

    /// <summary>Every stdout line so far, parsed (the app must be configured for JSON lines).</summary>
    public IReadOnlyList<JsonElement> JsonLines()
    {
        FlushLogs();
        return Stdout.JsonLines();
    }

    /// <summary>Runs <paramref name="action"/> against the app's own database.</summary>
    public T WithDatabase<T>(Func<BoardDbContext, T> action)
    {
        using var scope = Services.CreateScope();
        return action(scope.ServiceProvider.GetRequiredService<BoardDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        CleanUp();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        CleanUp();
    }

    private void CleanUp()
    {
        if (_cleanedUp)
        {
            return;
        }

        _cleanedUp = true;
        // Pooled connections keep the file open; Windows would refuse to delete it.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is not worth failing a test run for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
