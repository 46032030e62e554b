using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Board.Tests.EndToEnd;

/// <summary>How <see cref="BoardWebProcess"/> starts Board.Web.</summary>
public sealed class BoardWebProcessOptions
{
    /// <summary>ASPNETCORE_ENVIRONMENT of the app; Production unless a test needs another.</summary>
    public string EnvironmentName { get; set; } = "Production";

    /// <summary>
    /// Variables set for the app after the runner's leaking ones were cleared and the defaults applied,
    /// e.g. OTEL_EXPORTER_OTLP_ENDPOINT or Testing__FailureEndpoint. A null value removes the variable.
    /// </summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Extra command-line arguments after --urls and --contentRoot.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>Content root: the Board.Web project folder (true, like dotnet run) or the build output folder (false).</summary>
    public bool UseProjectContentRoot { get; set; } = true;

    /// <summary>Folder for the SQLite database; a fresh temporary folder (deleted afterwards) when null.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Another app built on Board.ServiceDefaults to run instead of Board.Web (bench/peers' Board app, say); its
    /// folder is then the content root. Null: Board.Web.
    /// </summary>
    public string? AssemblyPath { get; set; }

    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where else Board.Web's "Now listening on" record can be read, for a configuration that keeps it off stdout
    /// (the stdout fallback sends it over OTLP): given the pattern, returns the first match or null.
    /// </summary>
    public Func<System.Text.RegularExpressions.Regex, string?>? ListeningOnElsewhere { get; set; }

    /// <summary>How long a graceful stop may take before the process is killed.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public enum OutputStream
{
    StandardOutput,
    StandardError,
}

public sealed record OutputLine(OutputStream Stream, string Text);

/// <summary>
/// The built Board.Web running as its own process (<c>dotnet Board.Web.dll</c>) on a port Kestrel picks on
/// 127.0.0.1, with a throw-away SQLite database and its stdout/stderr captured line by line.
/// Always stopped on dispose, and killed if the test process exits first.
/// </summary>
public sealed partial class BoardWebProcess : IAsyncDisposable
{
    private const string SolutionFileName = "Board.sln";
    private const int SigTerm = 15;

    private static readonly ConcurrentDictionary<BoardWebProcess, byte> s_running = new();
    private static readonly string[] s_clearedPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_", "CORECLR_", "COMPlus_"];
    private static readonly string[] s_keptDotnetVariables =
    [
        "DOTNET_ROOT", "DOTNET_HOST_PATH", "DOTNET_CLI_HOME", "DOTNET_NOLOGO", "DOTNET_CLI_TELEMETRY_OPTOUT",
        "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "DOTNET_MULTILEVEL_LOOKUP", "DOTNET_BUNDLE_EXTRACT_BASE_DIR",
    ];

    private readonly BoardWebProcessOptions _options;
    private readonly Process _process;
    private readonly Lock _outputLock = new();
    private readonly List<OutputLine> _output = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownsDataDirectory;
    private readonly string _commandLine;
    private TaskCompletionSource _outputChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    static BoardWebProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var app in s_running.Keys)
            {
                app.KillQuietly();
            }
        };
    }

    private volatile Uri? _baseAddress;

    private BoardWebProcess(BoardWebProcessOptions options)
    {
        _options = options;
        _ownsDataDirectory = options.DataDirectory is null;
        DataDirectory = options.DataDirectory
            ?? Path.Combine(Path.GetTempPath(), "board-tests", $"web-{Guid.NewGuid():N}");
        Directory.CreateDirectory(DataDirectory);

        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = ContentRoot(options),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(options.AssemblyPath ?? WebAssemblyPath);
        // Port 0: Kestrel binds a port nobody holds and says which in its "Now listening on" record. A port picked
        // here and released could be taken by another test's app before this one binds it.
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add("http://127.0.0.1:0");
        startInfo.ArgumentList.Add("--contentRoot");
        startInfo.ArgumentList.Add(ContentRoot(options));
        foreach (var argument in options.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ClearLeakingVariables(startInfo.Environment);
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = options.EnvironmentName;
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["ConnectionStrings__Board"] = $"Data Source={DatabasePath}";
        foreach (var (name, value) in options.EnvironmentVariables)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        _commandLine = $"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}";
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnOutput(OutputStream.StandardOutput, e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(OutputStream.StandardError, e.Data);
    }

    /// <summary>The repository root: the nearest folder above the test output that holds Board.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The Configuration Board.Tests was built with; Board.Web is taken from the same one.</summary>
    public static string BuildConfiguration { get; } = AssemblyMetadata("BuildConfiguration") ?? "Debug";

    public static string WebProjectDirectory => Path.Combine(RepositoryRoot, "Board.Web");

    public static string WebAssemblyPath => BuiltAssemblyPath(WebProjectDirectory, "Board.Web");

    /// <summary>Where building Board.Tests puts the assembly of a project it references, in its own configuration.</summary>
    public static string BuiltAssemblyPath(string projectDirectory, string assemblyName) => Path.Combine(
        projectDirectory, "bin", BuildConfiguration, AssemblyMetadata("TargetFramework") ?? "net10.0", assemblyName + ".dll");

    /// <summary>Where the app listens, once it has said so (StartHealthyAsync waits for it).</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("Board.Web has not reported its address yet.");

    public int Port => BaseAddress.Port;
    public string DataDirectory { get; }
    public string DatabasePath => Path.Combine(DataDirectory, "board.db");
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>True when a stop had to kill the process (no graceful exit in time, or not requested).</summary>
    public bool WasKilled { get; private set; }

    /// <summary>stdout and stderr lines in arrival order.</summary>
    public IReadOnlyList<OutputLine> Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToArray();
            }
        }
    }

    public IReadOnlyList<string> StandardOutput => Lines(OutputStream.StandardOutput);
    public IReadOnlyList<string> StandardError => Lines(OutputStream.StandardError);

    /// <summary>Starts Board.Web; call <see cref="WaitUntilHealthyAsync"/> before sending requests.</summary>
    public static BoardWebProcess Start(BoardWebProcessOptions? options = null)
    {
        options ??= new BoardWebProcessOptions();
        var assembly = options.AssemblyPath ?? WebAssemblyPath;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException(
                $"{Path.GetFileName(assembly)} is not built for configuration '{BuildConfiguration}' (building Board.Tests builds it).", assembly);
        }

        var app = new BoardWebProcess(options);
        try
        {
            app._process.Start();
            s_running.TryAdd(app, 0);
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            return app;
        }
        catch
        {
            app._process.Dispose();
            app.DeleteDataDirectory();
            throw;
        }
    }

    /// <summary>Starts Board.Web and waits until /health answers success; stops it again if it does not.</summary>
    public static async Task<BoardWebProcess> StartHealthyAsync(BoardWebProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = Start(options);
        try
        {
            await app.WaitUntilHealthyAsync(cancellationToken: cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls /health until it answers 2xx; fails with the captured output if the app exits or times out.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? _options.StartupTimeout;
        var clock = Stopwatch.StartNew();
        HttpClient? client = null;
        string lastAttempt = "none";
        try
        {
        while (true)
        {
            if (_process.HasExited)
            {
                await DrainOutputAsync();
                throw new InvalidOperationException(
                    $"Board.Web exited with code {_process.ExitCode} before /health answered.{Describe()}");
            }

            if (_baseAddress is null && _options.ListeningOnElsewhere?.Invoke(ListeningOn()) is { } elsewhere)
            {
                _baseAddress = new Uri(elsewhere);
            }

            if (_baseAddress is null)
            {
                lastAttempt = "no \"Now listening on\" record yet";
                if (clock.Elapsed > limit)
                {
                    throw new TimeoutException(
                        $"Board.Web did not report its address within {limit.TotalSeconds:0.#} s.{Describe()}");
                }

                await Task.Delay(50, cancellationToken);
                continue;
            }

            client ??= new HttpClient { BaseAddress = _baseAddress, Timeout = TimeSpan.FromSeconds(5) };

            try
            {
                using var response = await client.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastAttempt = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                lastAttempt = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastAttempt = "request timed out";
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException(
                    $"Board.Web did not answer /health with success within {limit.TotalSeconds:0.#} s (last attempt: {lastAttempt}).{Describe()}");
            }

            await Task.Delay(100, cancellationToken);
        }
        }
        finally
        {
            client?.Dispose();
        }
    }

    /// <summary>An HttpClient for the app with its own cookie jar.</summary>
    public HttpClient CreateClient(bool allowAutoRedirect = true)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = allowAutoRedirect,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Waits for a line of the stream matching <paramref name="predicate"/> and returns it.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout, OutputStream stream = OutputStream.StandardOutput)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _outputChanged).Task;
            var match = Lines(stream).FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            var closed = stream == OutputStream.StandardOutput ? _stdoutClosed.Task : _stderrClosed.Task;
            if (closed.IsCompleted)
            {
                throw new InvalidOperationException($"Board.Web closed {stream} without a matching line.{Describe()}");
            }

            try
            {
                await Task.WhenAny(changed, closed).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching {stream} line within {timeout.TotalSeconds:0.#} s.{Describe()}");
            }
        }
    }

    /// <summary>
    /// Stops the app: SIGTERM (graceful, where the OS has signals) and waits up to the shutdown timeout,
    /// killing it only after that; then waits for the output to be read to its end. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(bool graceful = true, TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            if (graceful && TrySendSigTerm())
            {
                using var wait = new CancellationTokenSource(timeout ?? _options.ShutdownTimeout);
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                }
            }
            else
            {
                Kill();
            }

            await _process.WaitForExitAsync();
        }

        await DrainOutputAsync();
        s_running.TryRemove(this, out _);
        return _process.ExitCode;
    }

    /// <summary>The last <paramref name="lines"/> output lines, stderr ones marked, for failure messages.</summary>
    public string OutputTail(int lines = 40)
    {
        var tail = Output.TakeLast(lines).Select(l => (l.Stream == OutputStream.StandardError ? "err| " : "out| ") + l.Text);
        return string.Join(Environment.NewLine, tail);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        finally
        {
            s_running.TryRemove(this, out _);
            _process.Dispose();
            DeleteDataDirectory();
        }
    }

    private string Describe() =>
        $"{Environment.NewLine}Command: {_commandLine}{Environment.NewLine}Output (last 40 lines):{Environment.NewLine}{OutputTail()}";

    private IReadOnlyList<string> Lines(OutputStream stream)
    {
        lock (_outputLock)
        {
            return _output.Where(l => l.Stream == stream).Select(l => l.Text).ToArray();
        }
    }

    private void OnOutput(OutputStream stream, string? line)
    {
        if (_baseAddress is null && line is not null && ListeningOn().Match(line) is { Success: true } listening)
        {
            _baseAddress = new Uri(listening.Groups["address"].Value);
        }

        if (line is null)
        {
            (stream == OutputStream.StandardOutput ? _stdoutClosed : _stderrClosed).TrySetResult();
        }
        else
        {
            lock (_outputLock)
            {
                _output.Add(new OutputLine(stream, line));
            }
        }

        Interlocked.Exchange(ref _outputChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task DrainOutputAsync()
    {
        // The pipes close when the process exits; give the readers a moment to deliver the last lines.
        try
        {
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A grandchild holding the pipes open must not hang the test; what arrived is kept.
        }
    }

    private bool TrySendSigTerm()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        return SendSignal(_process.Id, SigTerm) == 0;
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
            WasKilled = true;
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort while the test host shuts down.
        }
    }

    private void DeleteDataDirectory()
    {
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static string ContentRoot(BoardWebProcessOptions options) =>
        options.AssemblyPath is { } assembly ? Path.GetDirectoryName(assembly)!
        : options.UseProjectContentRoot ? WebProjectDirectory : Path.GetDirectoryName(WebAssemblyPath)!;

    private static void ClearLeakingVariables(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToArray())
        {
            var leaks = name.Contains("__", StringComparison.Ordinal) // configuration keys, e.g. Logging__LogLevel__Default
                || s_clearedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
            var kept = s_keptDotnetVariables.Contains(name, StringComparer.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_ROOT", StringComparison.OrdinalIgnoreCase);
            if (leaks && !kept)
            {
                environment.Remove(name);
            }
        }
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFileName} above {AppContext.BaseDirectory}.");
    }

    private static string? AssemblyMetadata(string key) =>
        typeof(BoardWebProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (?<address>http://127\.0\.0\.1:\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningOn();
}
