using System.Diagnostics;
using Board.Tests.Otlp;

namespace Board.Tests.EndToEnd;

/// <summary>
/// One built Board.Web process (Production, JSON lines on stdout) exporting OTLP to an in-process
/// <see cref="OtlpReceiver"/>, shared by the tests of a class. Both are always stopped when the class is done,
/// whether its tests passed or not. Subclasses choose the protocol and add settings.
/// </summary>
public abstract class BoardWebFixture : IAsyncLifetime
{
    public const string ServiceName = "board-web-e2e";
    public const string MarkerKey = "e2e";

    /// <summary>How long a test waits for a request's records on both sinks.</summary>
    public static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _parseLock = new();
    private readonly List<SinkRecord> _stdoutRecords = [];
    private readonly List<string> _unparsedStdout = [];
    private int _stdoutLinesRead;
    private OtlpReceiver? _receiver;
    private BoardWebProcess? _app;
    private Task<BoardFlow>? _flow;

    /// <summary>OTEL_EXPORTER_OTLP_PROTOCOL: grpc or http/protobuf.</summary>
    public abstract string Protocol { get; }

    /// <summary>The service.instance.id given through OTEL_RESOURCE_ATTRIBUTES.</summary>
    public string ServiceInstanceId { get; } = Guid.NewGuid().ToString();

    public OtlpReceiver Receiver => _receiver ?? throw new InvalidOperationException("The fixture has not started.");

    public BoardWebProcess App => _app ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Settings (environment variables) this process adds to the common ones.</summary>
    protected virtual void Configure(IDictionary<string, string?> environment)
    {
    }

    public async Task InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartNewAsync();
        var endpoint = Protocol == "grpc" ? Receiver.GrpcEndpoint : Receiver.HttpEndpoint;
        var options = new BoardWebProcessOptions { StartupTimeout = TimeSpan.FromSeconds(90) };
        var environment = options.EnvironmentVariables;

        // From the environment, as a container platform sets it; the exporter appends /v1/logs for http/protobuf.
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint.GetLeftPart(UriPartial.Authority);
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = Protocol;
        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        environment["OTEL_SERVICE_NAME"] = ServiceName;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={ServiceInstanceId}";
        environment["Testing__FailureEndpoint"] = "true";

        // The marker finds a request's START record by its url.query, so its key is allowed, as a team allows a key it
        // needs to see; Board's paging keys stay.
        environment["StructuredLogging__Requests__AllowedQueryKeys__0"] = MarkerKey;
        environment["StructuredLogging__Requests__AllowedQueryKeys__1"] = "p";
        environment["StructuredLogging__Requests__AllowedQueryKeys__2"] = "page";

        // Records are matched across the sinks by their template, and their resource compared: the lines here keep
        // the template and these resource attributes, which a default line leaves to OTLP.
        environment["StructuredLogging__Json__OmitFields__0"] = "event_id";
        string[] resource = ["service.name", "service.instance.id", "deployment.environment.name", "host.name", "process.pid"];
        for (var i = 0; i < resource.Length; i++)
        {
            environment[$"StructuredLogging__Json__ResourceAttributes__{i}"] = resource[i];
        }

        Configure(environment);

        _app = await BoardWebProcess.StartHealthyAsync(options);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
        finally
        {
            if (_receiver is not null)
            {
                await _receiver.DisposeAsync();
            }
        }
    }

    /// <summary>The <see cref="BoardFlow"/> run against this process: run by the first test that asks, then shared.</summary>
    public Task<BoardFlow> FlowAsync()
    {
        lock (_parseLock)
        {
            return _flow ??= BoardFlow.RunAsync(App);
        }
    }

    /// <summary>Every JSON line the app wrote to stdout so far, parsed.</summary>
    public IReadOnlyList<SinkRecord> StdoutRecords()
    {
        lock (_parseLock)
        {
            var lines = App.StandardOutput;
            for (; _stdoutLinesRead < lines.Count; _stdoutLinesRead++)
            {
                var line = lines[_stdoutLinesRead];
                if (SinkRecord.FromJsonLine(line) is { } record)
                {
                    _stdoutRecords.Add(record);
                }
                else
                {
                    _unparsedStdout.Add(line);
                }
            }

            return _stdoutRecords.ToArray();
        }
    }

    /// <summary>stdout lines that are not a JSON object (there should be none in Production).</summary>
    public IReadOnlyList<string> UnparsedStdoutLines()
    {
        StdoutRecords();
        lock (_parseLock)
        {
            return _unparsedStdout.ToArray();
        }
    }

    /// <summary>Every log record the receiver decoded so far.</summary>
    public IReadOnlyList<SinkRecord> OtlpRecords() => [.. Receiver.LogRecords.Select(SinkRecord.FromOtlp)];

    /// <summary><paramref name="path"/> with a marker that finds the request's START record again.</summary>
    public static string Marked(string path, string marker) =>
        path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + MarkerKey + "=" + marker;

    public static string NewMarker() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// The records of the request sent to a <see cref="Marked"/> address: its START record on stdout (found by the
    /// marker in url.query), then every record with the same trace id on both sinks, once the END record has
    /// arrived on both (the END record is the last one a request writes).
    /// </summary>
    public async Task<RequestLogs> RequestAsync(string marker)
    {
        var clock = Stopwatch.StartNew();
        string? traceId = null;
        while (true)
        {
            var stdout = StdoutRecords();
            traceId ??= stdout.FirstOrDefault(r => r.Is("RequestStarted") && HasMarker(r, marker))?.TraceId;
            if (traceId is not null)
            {
                var stdoutRecords = stdout.Where(r => r.TraceId == traceId).ToArray();
                var otlpRecords = OtlpRecords().Where(r => r.TraceId == traceId).ToArray();
                if (stdoutRecords.Any(r => r.Is("RequestCompleted")) && otlpRecords.Any(r => r.Is("RequestCompleted")))
                {
                    return new RequestLogs(marker, traceId, stdoutRecords, otlpRecords);
                }
            }

            if (clock.Elapsed > RecordTimeout)
            {
                throw new TimeoutException(
                    $"The records of the request marked {marker} (trace {traceId ?? "not found"}) did not reach both sinks within "
                    + $"{RecordTimeout.TotalSeconds:0} s. OTLP records: {Receiver.LogRecords.Count}.{Environment.NewLine}{App.OutputTail()}");
            }

            await Task.Delay(50);
        }
    }

    public static bool HasMarker(SinkRecord record, string marker) =>
        record.Text("url.query") is { } query && ("&" + query + "&").Contains($"&{MarkerKey}={marker}&", StringComparison.Ordinal);
}

/// <summary>Every record of one request on both sinks; all share <see cref="TraceId"/>.</summary>
public sealed record RequestLogs(string Marker, string TraceId, IReadOnlyList<SinkRecord> Stdout, IReadOnlyList<SinkRecord> Otlp)
{
    public IReadOnlyList<SinkRecord> In(Sink sink) => sink == Sink.Stdout ? Stdout : Otlp;

    public SinkRecord Start(Sink sink) => Assert.Single(In(sink), r => r.Is("RequestStarted"));

    public SinkRecord End(Sink sink) => Assert.Single(In(sink), r => r.Is("RequestCompleted"));

    /// <summary>The app's own record with this message template.</summary>
    public SinkRecord App(Sink sink, string template) => Assert.Single(In(sink), r => r.Template == template);
}

/// <summary>OTLP over gRPC, default settings (personal data REDACTED, no trusted proxy).</summary>
public sealed class GrpcBoardWeb : BoardWebFixture
{
    public override string Protocol => "grpc";
}

/// <summary>OTLP over HTTP/protobuf, default settings.</summary>
public sealed class HttpProtobufBoardWeb : BoardWebFixture
{
    public override string Protocol => "http/protobuf";
}

/// <summary>A process behind a trusted proxy (127.0.0.1) that hashes personal data with a key.</summary>
public sealed class ProxiedHashingBoardWeb : BoardWebFixture
{
    public const string HashKey = "e2e-hash-key-0123456789abcdef";

    public override string Protocol => "grpc";

    protected override void Configure(IDictionary<string, string?> environment)
    {
        environment["StructuredLogging__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1";
        environment["StructuredLogging__Redaction__HashKey"] = HashKey;
    }
}
