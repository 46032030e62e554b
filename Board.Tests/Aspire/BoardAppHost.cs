extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Board.Web.Data;
using Board.Web.Testing;

namespace Board.Tests.AspireHost;

/// <summary>
/// Board.AppHost as Aspire.Hosting.Testing builds it: the real Program with <c>args</c>, web given a database of its
/// own (a temporary directory, removed at the end) and the test failure endpoint. Each test makes its own, so no
/// two tests share a dashboard, a database or a process; disposing stops the app and every process it started.
/// The tests that start it are in <see cref="AppHostCollection"/>, so that one AppHost starts at a time.
/// </summary>
public sealed class BoardAppHost : IAsyncDisposable
{
    public const string WebName = "web";

    /// <summary>
    /// How long a test that starts the AppHost may take before it fails as hung. Starting DCP, the dashboard and web
    /// and going through a session takes several times longer on a loaded two-core machine than on an idle one; a
    /// hang never ends, so the bound is far past the slow case rather than near the usual one.
    /// </summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("board-apphost-").FullName;

    private BoardAppHost(IDistributedApplicationTestingBuilder builder) => Builder = builder;

    public IDistributedApplicationTestingBuilder Builder { get; }

    public DistributedApplication? App { get; private set; }

    /// <summary>The builder after the AppHost's Program has run with <paramref name="args"/>; the model can be read or changed.</summary>
    public static async Task<BoardAppHost> CreateAsync(string[] args, bool enableDashboard, CancellationToken cancellationToken)
    {
        // The dashboard keeps nothing on disk (by default it keeps every run under ~/.aspire/dashboard/runs).
        string[] hostArgs = [.. args, "--ASPIRE_DASHBOARD_PERSISTENCE_MODE=None"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.Board_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = enableDashboard }, hostArgs, cancellationToken);
        var host = new BoardAppHost(builder);
        host.SetWebEnvironment($"ConnectionStrings__{DatabaseLocation.ConnectionStringName}", $"Data Source={Path.Combine(host._dataDirectory, "board.db")}");
        host.SetWebEnvironment(TestFailureEndpoint.ConfigurationKey.Replace(":", "__", StringComparison.Ordinal), "true");
        return host;
    }

    /// <summary>Sets an environment variable of web's process; set before start, it wins over the AppHost's own.</summary>
    public void SetWebEnvironment(string name, string value) =>
        Builder.CreateResourceBuilder<ProjectResource>(WebName).WithEnvironment(name, value);

    /// <summary>Builds the app (once) without starting it, so its model can be read.</summary>
    public async Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken) =>
        App ??= await Builder.BuildAsync(cancellationToken);

    /// <summary>Builds and starts the app, then waits until web answers its health check.</summary>
    public async Task<DistributedApplication> StartAsync(CancellationToken cancellationToken)
    {
        App ??= await Builder.BuildAsync(cancellationToken);
        await App.StartAsync(cancellationToken);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(WebName, cancellationToken);
        return App;
    }

    /// <summary>
    /// The id of the process that runs Board.Web for web. DCP reports the process it started
    /// (<c>executable.pid</c>), which for a project is <c>dotnet run</c>; the app is that process's child.
    /// </summary>
    public int WebProcessId()
    {
        Assert.True(App!.ResourceNotifications.TryGetCurrentState(WebName, out var state), "web has no state");
        var started = Convert.ToInt32(
            state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value, System.Globalization.CultureInfo.InvariantCulture);
        var web = Children(started).Where(pid => CommandLine(pid).Contains("Board.Web", StringComparison.Ordinal)).ToList();
        Assert.True(web.Count == 1, $"DCP started {started} ({CommandLine(started)}); its children that run Board.Web: {web.Count}");
        return web[0];
    }

    private static IEnumerable<int> Children(int pid) =>
        Directory.Exists($"/proc/{pid}/task")
            ? Directory.GetDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(int.Parse)
            : [];

    private static string CommandLine(int pid) =>
        File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ') : "";

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            // Disposing stops what was started, and is safe for an app that was only built or failed to start.
            await App.DisposeAsync();
        }
        else
        {
            await Builder.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process that has not let go of the database yet; the directory is under the system's temp folder.
        }
    }
}
