using System.Net;
using System.Text;
using System.Text.Json;
using Board.Tests.EndToEnd;
using Board.Tests.Otlp;

namespace Board.Tests.Reliability;

/// <summary>
/// One Production Board.Web process exporting OTLP/gRPC to an in-process <see cref="OtlpReceiver"/>, plus the
/// checks every reliability test makes on what came out: stdout lines, stderr, END entries on both sinks.
/// </summary>
internal sealed class ReliabilityRun : IAsyncDisposable
{
    /// <summary>event_name of the END entry (EventId 2).</summary>
    public const string RequestCompleted = "RequestCompleted";

    private ReliabilityRun(OtlpReceiver receiver, BoardWebProcess app)
    {
        Receiver = receiver;
        App = app;
    }

    public OtlpReceiver Receiver { get; }
    public BoardWebProcess App { get; }

    /// <summary>Starts a receiver and Board.Web (Production, OTLP to the receiver, gRPC unless told) with extra variables.</summary>
    public static async Task<ReliabilityRun> StartAsync(IReadOnlyDictionary<string, string?>? variables = null, string protocol = "grpc")
    {
        var receiver = await OtlpReceiver.StartNewAsync();
        try
        {
            var options = new BoardWebProcessOptions();
            var endpoint = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint;
            options.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint.GetLeftPart(UriPartial.Authority);
            options.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol;
            foreach (var (name, value) in variables ?? new Dictionary<string, string?>())
            {
                options.EnvironmentVariables[name] = value;
            }

            // With the stdout fallback the host's records go over OTLP only.
            options.ListeningOnElsewhere = pattern => receiver.LogRecords
                .Select(r => r.Body is { } body ? pattern.Match(body) : null)
                .FirstOrDefault(m => m is { Success: true })?.Groups["address"].Value;

            var app = await BoardWebProcess.StartHealthyAsync(options);
            return new ReliabilityRun(receiver, app);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HttpClient with a pooled connection per worker, no cookies and no redirects.</summary>
    public HttpClient CreateLoadClient(int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = App.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>
    /// Sends <paramref name="total"/> GETs over <paramref name="workers"/> concurrent workers, the i-th to
    /// <paramref name="pathOf"/>(i); returns the status of every response received, keyed by path.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, HttpStatusCode>> SendAsync(
        HttpClient client, int total, int workers, Func<int, string> pathOf)
    {
        var responses = new System.Collections.Concurrent.ConcurrentDictionary<string, HttpStatusCode>(StringComparer.Ordinal);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var path = pathOf(i);
                using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                responses[path] = response.StatusCode;
            }
        })));
        return responses;
    }

    /// <summary>Every stdout line parsed as one JSON object; fails naming the first line that is not.</summary>
    public IReadOnlyList<JsonElement> StdoutRecords() => ParseJsonLines(App.StandardOutput, "stdout");

    /// <summary>stderr must be empty or hold only JSON objects, one per line.</summary>
    public void AssertStderrHasNoNoise()
    {
        _ = ParseJsonLines(App.StandardError, "stderr");
    }

    /// <summary>url.path of each END entry on stdout whose path starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> StdoutEndPaths(string prefix) =>
        StdoutRecords()
            .Where(r => Text(r, "event_name") == RequestCompleted)
            .Select(r => Text(r, "url.path") ?? "")
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();

    /// <summary>url.path of each END record the receiver accepted whose path starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> ReceivedEndPaths(string prefix) => EndPaths(Receiver.LogRecords, prefix);

    public static IReadOnlyList<string> EndPaths(IEnumerable<ReceivedLogRecord> records, string prefix) =>
        records
            .Where(r => r.EventName == RequestCompleted)
            .Select(r => r.Attribute("url.path") as string ?? "")
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();

    /// <summary>Waits until the receiver holds at least <paramref name="count"/> END records under the prefix.</summary>
    public Task WaitForReceivedEndsAsync(string prefix, int count, TimeSpan timeout) =>
        Receiver.WaitForLogsAsync(records => EndPaths(records, prefix).Count >= count, timeout);

    public static string? Text(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Number(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    /// <summary>Stops Board.Web with SIGTERM and asserts it exited on its own with code 0.</summary>
    public async Task StopGracefullyAsync()
    {
        var exitCode = await App.StopAsync(graceful: true, timeout: TimeSpan.FromSeconds(20));
        Assert.False(App.WasKilled, $"Board.Web did not stop on SIGTERM in time.{Environment.NewLine}{App.OutputTail()}");
        Assert.True(exitCode == 0, $"Board.Web exited with code {exitCode}.{Environment.NewLine}{App.OutputTail()}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.DisposeAsync();
        }
        finally
        {
            await Receiver.DisposeAsync();
        }
    }

    private static List<JsonElement> ParseJsonLines(IReadOnlyList<string> lines, string stream)
    {
        var records = new List<JsonElement>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            JsonElement record;
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                record = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new Xunit.Sdk.XunitException($"{stream} line {i + 1} is not JSON ({ex.Message}): {Shorten(lines[i])}");
            }

            if (record.ValueKind != JsonValueKind.Object)
            {
                throw new Xunit.Sdk.XunitException($"{stream} line {i + 1} is not a JSON object: {Shorten(lines[i])}");
            }

            records.Add(record);
        }

        return records;
    }

    private static string Shorten(string line) => line.Length <= 300 ? line : line[..300] + "...";

    /// <summary>Bytes of the line in UTF-8 plus its newline, as it was written to stdout.</summary>
    public static int LineBytes(string line) => Encoding.UTF8.GetByteCount(line) + 1;
}
