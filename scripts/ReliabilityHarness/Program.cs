using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Board.Tests.EndToEnd;
using Board.Tests.Otlp;

// Long reliability runs against a Production Board.Web (Release build) on 127.0.0.1; see docs/reliability.md.
//   no-loss  <seconds> <connections>   wrk at saturation: END entries on stdout and at the receiver = requests
//   outage   <seconds> <connections>   p50/p99 and RSS before, while the collector is down, while it hangs, after
//   disk     <requests>                OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=disk: a refused burst arrives later
var mode = args.ElementAtOrDefault(0) ?? "no-loss";
var culture = CultureInfo.InvariantCulture;
if (args.Skip(1).Any(a => !int.TryParse(a, NumberStyles.None, culture, out var n) || n < 1))
{
    return Usage();
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], culture) : fallback;

// The defaults are the scripts' (scripts/*.sh), which always pass their own.
return mode switch
{
    "no-loss" => await NoLossAsync(Arg(1, 20), Arg(2, 64)),
    "outage" => await OutageAsync(Arg(1, 15), Arg(2, 16)),
    "disk" => await DiskAsync(Arg(1, 200)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ReliabilityHarness no-loss [seconds connections] | outage [seconds-per-phase connections] | disk [requests]");
    Console.Error.WriteLine("       (each a whole number above zero)");
    return 2;
}

static async Task<int> NoLossAsync(int seconds, int connections)
{
    const string path = "/reliability/wrk/no-loss";
    await using var receiver = await OtlpReceiver.StartNewAsync();
    var app = await StartAppAsync(receiver, new Dictionary<string, string?>());
    var wrk = await RunWrkAsync(app, path, seconds, connections);
    Console.WriteLine($"wrk: {wrk}");

    var rss = Rss(app.ProcessId);
    await app.StopAsync(graceful: true, timeout: TimeSpan.FromSeconds(30));
    var check = CheckOutput(app);
    var stdoutEnds = check.Ends(path);
    var received = EndCount(receiver, path);
    Console.WriteLine($"requests sent {wrk.Sent}, responses {wrk.Received} ({wrk.Received / (double)seconds:0} per s), socket errors {wrk.SocketErrors}");
    Console.WriteLine($"END on stdout {stdoutEnds}, END at receiver {received}, RSS at end {rss / 1024} MiB");
    Console.WriteLine($"stdout lines {check.Lines}, invalid JSON lines {check.Invalid}, longest {check.Longest} B, stderr lines {check.Stderr}, drop warnings {check.DropWarnings}");
    // wrk stops with up to one request per connection in flight: the server may have logged it (END), the client
    // never counted its response; and wrk may have prepared (counted as sent) a request it never wrote.
    var ok = received == stdoutEnds && wrk.Received <= stdoutEnds && stdoutEnds <= wrk.Sent
        && stdoutEnds - wrk.Received <= connections
        && check.Invalid == 0 && check.Stderr == 0 && check.DropWarnings == 0;
    Console.WriteLine(ok ? "RESULT no-loss: PASS" : "RESULT no-loss: FAIL");
    await app.DisposeAsync();
    return ok ? 0 : 1;
}

static async Task<int> OutageAsync(int seconds, int connections)
{
    const string prefix = "/reliability/wrk/outage/";
    await using var receiver = await OtlpReceiver.StartNewAsync();
    var app = await StartAppAsync(receiver, new Dictionary<string, string?>());
    var phases = new List<(string Name, WrkResult Wrk, long RssKiB)>();

    async Task Phase(string name)
    {
        var wrk = await RunWrkAsync(app, prefix + name, seconds, connections);
        phases.Add((name, wrk, Rss(app.ProcessId)));
        Console.WriteLine($"{name,-10} {wrk}  RSS {Rss(app.ProcessId) / 1024} MiB");
    }

    await RunWrkAsync(app, prefix + "warmup", 3, connections);
    await Phase("before");
    await receiver.StopAsync();
    await Phase("down");
    await receiver.StartAsync();
    receiver.Mode = OtlpReceiverMode.Hang;
    await Phase("hang");
    receiver.Mode = OtlpReceiverMode.Accept;
    await Phase("after");

    var after = phases.Single(p => p.Name == "after").Wrk;
    var arrived = await WaitAsync(() => EndCount(receiver, prefix + "after") >= after.Received, TimeSpan.FromSeconds(60));
    var peak = PeakRss(app.ProcessId);
    await app.StopAsync(graceful: true, timeout: TimeSpan.FromSeconds(60));
    var check = CheckOutput(app);

    var baseline = phases[0].Wrk;
    Console.WriteLine();
    Console.WriteLine("| phase | responses/s | p50 ms | p99 ms | p50 ratio | p99 ratio | RSS MiB | END stdout | END receiver |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    foreach (var (name, wrk, rss) in phases)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {wrk.Received / (double)seconds:0} | {wrk.P50Us / 1000.0:0.00} | {wrk.P99Us / 1000.0:0.00} | {wrk.P50Us / (double)baseline.P50Us:0.00} | {wrk.P99Us / (double)baseline.P99Us:0.00} | {rss / 1024} | {check.Ends(prefix + name)} | {EndCount(receiver, prefix + name)} |"));
    }

    Console.WriteLine();
    Console.WriteLine($"peak RSS {peak / 1024} MiB; records of 'after' all arrived: {arrived}; drop warnings {check.DropWarnings} ({string.Join("; ", check.DropMessages)})");
    Console.WriteLine($"stdout lines {check.Lines}, invalid JSON lines {check.Invalid}, stderr lines {check.Stderr}");
    // Past what the sinks sustain, records are dropped; that is allowed only when counted and reported.
    var flowsAgain = EndCount(receiver, prefix + "after") > 0 && (arrived || check.DropWarnings > 0);
    var stdoutComplete = phases.All(p => check.Ends(prefix + p.Name) >= p.Wrk.Received) || check.DropWarnings > 0;
    var ok = flowsAgain && stdoutComplete && check.Invalid == 0 && check.Stderr == 0 && phases.All(p => p.Wrk.SocketErrors == 0);
    Console.WriteLine(ok ? "RESULT outage: PASS" : "RESULT outage: FAIL");
    await app.DisposeAsync();
    return ok ? 0 : 1;
}

static async Task<int> DiskAsync(int requests)
{
    const string prefix = "/reliability/disk/";
    var directory = Path.Combine(Path.GetTempPath(), "board-disk-retry-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(directory);
    await using var receiver = await OtlpReceiver.StartNewAsync();
    var app = await StartAppAsync(receiver, new Dictionary<string, string?>
    {
        ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "disk",
        ["OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH"] = directory,
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
    });
    try
    {
        receiver.Mode = OtlpReceiverMode.Unavailable;
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        for (var i = 0; i < requests; i++)
        {
            using var _ = await client.GetAsync(prefix + i.ToString("D5", CultureInfo.InvariantCulture));
        }

        await WaitAsync(() => receiver.RejectedRequestCount(OtlpSignal.Logs) > 0, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count();
        Console.WriteLine($"burst of {requests} refused; files in the retry directory: {files}");
        receiver.Mode = OtlpReceiverMode.Accept;
        var clock = Stopwatch.StartNew();
        var arrived = await WaitAsync(() => EndCount(receiver, prefix) >= requests, TimeSpan.FromSeconds(150));
        Console.WriteLine($"END records of the burst at the receiver: {EndCount(receiver, prefix)} of {requests}, {clock.Elapsed.TotalSeconds:0} s after the collector came back");
        await app.StopAsync(graceful: true, timeout: TimeSpan.FromSeconds(30));
        Console.WriteLine(arrived ? "RESULT disk: PASS" : "RESULT disk: FAIL");
        return arrived ? 0 : 1;
    }
    finally
    {
        await app.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}

static async Task<BoardWebProcess> StartAppAsync(OtlpReceiver receiver, Dictionary<string, string?> variables)
{
    var options = new BoardWebProcessOptions();
    options.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint.GetLeftPart(UriPartial.Authority);
    options.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
    foreach (var (name, value) in variables)
    {
        options.EnvironmentVariables[name] = value;
    }

    return await BoardWebProcess.StartHealthyAsync(options);
}

static async Task<WrkResult> RunWrkAsync(BoardWebProcess app, string path, int seconds, int connections)
{
    var script = Path.Combine(AppContext.BaseDirectory, "wrk-count.lua");
    var start = new ProcessStartInfo("wrk")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{seconds}s", "--timeout", "10s", "-s", script, app.BaseAddress.ToString(), "--", path })
    {
        start.ArgumentList.Add(argument);
    }

    using var wrk = Process.Start(start)!;
    var output = await wrk.StandardOutput.ReadToEndAsync();
    await wrk.WaitForExitAsync();
    var match = Regex.Match(output, @"BOARD-WRK sent=(\d+) received=(\d+) socket_errors=(\d+) p50_us=(\d+) p99_us=(\d+) max_us=(\d+)");
    if (!match.Success)
    {
        throw new InvalidOperationException("wrk did not report: " + output + await wrk.StandardError.ReadToEndAsync());
    }

    long N(int group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    return new WrkResult(N(1), N(2), N(3), N(4), N(5), N(6));
}

static int EndCount(OtlpReceiver receiver, string prefix) =>
    receiver.LogRecords.Count(r => r.EventName == "RequestCompleted" && (r.Attribute("url.path") as string ?? "").StartsWith(prefix, StringComparison.Ordinal));

static OutputCheck CheckOutput(BoardWebProcess app)
{
    var ends = new Dictionary<string, int>(StringComparer.Ordinal);
    var invalid = 0;
    var longest = 0;
    var drops = new List<string>();
    var lines = app.StandardOutput;
    foreach (var line in lines)
    {
        longest = Math.Max(longest, System.Text.Encoding.UTF8.GetByteCount(line) + 1);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                invalid++;
                continue;
            }

            var message = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (message.StartsWith("Log records were dropped", StringComparison.Ordinal))
            {
                drops.Add(message);
            }

            if (root.TryGetProperty("event_name", out var e) && e.GetString() == "RequestCompleted" && root.TryGetProperty("url.path", out var p))
            {
                var path = p.GetString() ?? "";
                ends[path] = ends.GetValueOrDefault(path) + 1;
            }
        }
        catch (JsonException)
        {
            invalid++;
        }
    }

    return new OutputCheck(lines.Count, invalid, longest, app.StandardError.Count, drops, ends);
}

static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
{
    var clock = Stopwatch.StartNew();
    while (!condition())
    {
        if (clock.Elapsed > timeout)
        {
            return false;
        }

        await Task.Delay(200);
    }

    return true;
}

static long Rss(int pid) => StatusKiB(pid, "VmRSS:");

static long PeakRss(int pid) => StatusKiB(pid, "VmHWM:");

static long StatusKiB(int pid, string key)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return 0;
    }
}

internal sealed record WrkResult(long Sent, long Received, long SocketErrors, long P50Us, long P99Us, long MaxUs)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sent {Sent}, responses {Received}, socket errors {SocketErrors}, p50 {P50Us / 1000.0:0.00} ms, p99 {P99Us / 1000.0:0.00} ms, max {MaxUs / 1000.0:0.0} ms");
}

internal sealed record OutputCheck(int Lines, int Invalid, int Longest, int Stderr, List<string> DropMessages, Dictionary<string, int> EndsByPath)
{
    public int DropWarnings => DropMessages.Count;

    public int Ends(string prefix) => EndsByPath.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Value);
}
