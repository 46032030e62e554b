using System.IO.Compression;
using System.Net;
using System.Text;
using Board.Tests.Otlp.Proto.Collector.Logs;
using Board.Tests.Otlp.Proto.Collector.Metrics;
using Board.Tests.Otlp.Proto.Collector.Trace;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Otlp;

public enum OtlpSignal
{
    Logs,
    Traces,
    Metrics,
}

/// <summary>What the receiver does with an export request.</summary>
public enum OtlpReceiverMode
{
    /// <summary>Record it and answer success.</summary>
    Accept,

    /// <summary>Refuse it: HTTP 503, gRPC status Unavailable (both retryable for OTLP exporters).</summary>
    Unavailable,

    /// <summary>Hold the request open until <see cref="OtlpReceiver.ReleaseHungRequests"/> or a mode change.</summary>
    Hang,
}

/// <summary>One export request body as it arrived (decompressed), accepted or not.</summary>
public sealed record ReceivedPayload(OtlpSignal Signal, OtlpTransport Transport, byte[] Body, bool Accepted);

/// <summary>
/// An in-process OTLP receiver for tests: Kestrel on 127.0.0.1 serving OTLP/gRPC on an HTTP/2
/// cleartext port (<see cref="GrpcEndpoint"/>) and OTLP/HTTP protobuf on an HTTP/1.1 port
/// (<see cref="HttpEndpoint"/>, paths /v1/logs, /v1/traces, /v1/metrics, gzip accepted).
/// Logs are decoded into <see cref="ReceivedLogRecord"/>s; traces and metrics are accepted and counted.
/// Usable directly (<see cref="StartNewAsync"/>, <c>await using</c>) or as an xunit fixture.
/// </summary>
public sealed class OtlpReceiver : IAsyncLifetime, IAsyncDisposable
{
    private const string ProtobufContentType = "application/x-protobuf";

    private readonly Lock _lock = new();
    private readonly List<ReceivedLogRecord> _logRecords = [];
    private readonly List<ReceivedPayload> _payloads = [];
    private readonly int[] _accepted = new int[3];
    private readonly int[] _rejected = new int[3];
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _hangRelease = NewSignal();
    private CancellationTokenSource _stopping = new();
    private int _mode = (int)OtlpReceiverMode.Accept;
    private int _hungRequests;
    private int _grpcPort;
    private int _httpPort;
    private WebApplication? _app;
    private bool _disposed;

    /// <summary>Starts a receiver on two free ports.</summary>
    public static async Task<OtlpReceiver> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var receiver = new OtlpReceiver();
        await receiver.StartAsync(cancellationToken);
        return receiver;
    }

    /// <summary>OTLP/gRPC endpoint, e.g. for OTEL_EXPORTER_OTLP_ENDPOINT with protocol grpc.</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{RequirePort(_grpcPort)}");

    /// <summary>OTLP/HTTP base endpoint (exporters configured by environment append /v1/logs etc.).</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{RequirePort(_httpPort)}");

    /// <summary>The full OTLP/HTTP logs URL, for exporters configured in code (which use the endpoint as-is).</summary>
    public Uri HttpLogsEndpoint => new(HttpEndpoint, "v1/logs");

    public bool IsRunning => _app is not null;

    public OtlpReceiverMode Mode
    {
        get => (OtlpReceiverMode)Volatile.Read(ref _mode);
        set
        {
            var previous = (OtlpReceiverMode)Interlocked.Exchange(ref _mode, (int)value);
            if (previous == OtlpReceiverMode.Hang && value != OtlpReceiverMode.Hang)
            {
                ReleaseHungRequests();
            }
        }
    }

    /// <summary>Requests currently held open by <see cref="OtlpReceiverMode.Hang"/>.</summary>
    public int HungRequestCount => Volatile.Read(ref _hungRequests);

    public IReadOnlyList<ReceivedLogRecord> LogRecords
    {
        get
        {
            lock (_lock)
            {
                return _logRecords.ToArray();
            }
        }
    }

    /// <summary>Every request body received (after gzip decoding), for scans such as "no secret left the process".</summary>
    public IReadOnlyList<ReceivedPayload> Payloads
    {
        get
        {
            lock (_lock)
            {
                return _payloads.ToArray();
            }
        }
    }

    /// <summary>Requests of the signal answered with success.</summary>
    public int AcceptedRequestCount(OtlpSignal signal) => Volatile.Read(ref _accepted[(int)signal]);

    /// <summary>Requests of the signal refused because of <see cref="OtlpReceiverMode.Unavailable"/>.</summary>
    public int RejectedRequestCount(OtlpSignal signal) => Volatile.Read(ref _rejected[(int)signal]);

    /// <summary>True when any received payload contains <paramref name="text"/> (UTF-8, ordinal).</summary>
    public bool AnyPayloadContains(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Payloads.Any(p => p.Body.AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>Forgets everything received so far (records, payloads, counters).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _logRecords.Clear();
            _payloads.Clear();
            Array.Clear(_accepted);
            Array.Clear(_rejected);
        }
    }

    /// <summary>Lets every request held by <see cref="OtlpReceiverMode.Hang"/> go on; each is then accepted,
    /// or refused if the mode is <see cref="OtlpReceiverMode.Unavailable"/> by then.</summary>
    public void ReleaseHungRequests()
    {
        var release = Interlocked.Exchange(ref _hangRelease, NewSignal());
        release.TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> holds for the log records received so far and returns them;
    /// throws a <see cref="TimeoutException"/> listing what did arrive otherwise.
    /// </summary>
    public Task<IReadOnlyList<ReceivedLogRecord>> WaitForLogsAsync(Func<IReadOnlyList<ReceivedLogRecord>, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return WaitUntilAsync(() => LogRecords, predicate, timeout, records =>
            $"Log records did not match within {timeout.TotalSeconds:0.#} s; received {records.Count}:"
            + string.Concat(records.TakeLast(50).Select(r => Environment.NewLine + "  " + r)));
    }

    /// <summary>Waits until at least <paramref name="count"/> requests of the signal were accepted.</summary>
    public async Task WaitForAcceptedRequestsAsync(OtlpSignal signal, int count, TimeSpan timeout) =>
        await WaitUntilAsync(() => AcceptedRequestCount(signal), n => n >= count, timeout,
            n => $"Expected {count} accepted {signal} request(s) within {timeout.TotalSeconds:0.#} s, got {n}.");

    /// <summary>Waits until at least <paramref name="count"/> requests of the signal were refused.</summary>
    public async Task WaitForRejectedRequestsAsync(OtlpSignal signal, int count, TimeSpan timeout) =>
        await WaitUntilAsync(() => RejectedRequestCount(signal), n => n >= count, timeout,
            n => $"Expected {count} rejected {signal} request(s) within {timeout.TotalSeconds:0.#} s, got {n}.");

    /// <summary>Waits until at least <paramref name="count"/> requests are held by <see cref="OtlpReceiverMode.Hang"/>.</summary>
    public async Task WaitForHungRequestsAsync(int count, TimeSpan timeout) =>
        await WaitUntilAsync(() => HungRequestCount, n => n >= count, timeout,
            n => $"Expected {count} hung request(s) within {timeout.TotalSeconds:0.#} s, got {n}.");

    /// <summary>Starts listening; after a <see cref="StopAsync"/> it listens again on the same ports.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_app is not null)
            {
                return;
            }

            _stopping = new CancellationTokenSource();
            var app = Build(out var grpcListen, out var httpListen);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            _grpcPort = grpcListen.IPEndPoint!.Port;
            _httpPort = httpListen.IPEndPoint!.Port;
            _app = app;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops listening (connections are closed; held requests are refused). Ports stay reserved for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            var app = _app;
            if (app is null)
            {
                return;
            }

            _app = null;
            await _stopping.CancelAsync();
            try
            {
                await app.StopAsync(cancellationToken);
            }
            finally
            {
                await app.DisposeAsync();
                _stopping.Dispose();
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync();
        _disposed = true;
    }

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private WebApplication Build(out ListenOptions grpcListen, out ListenOptions httpListen)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The test runner's environment and the copied appsettings files must not reconfigure the receiver.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(this);
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 64 * 1024 * 1024;
            o.EnableDetailedErrors = true;
        });

        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, _grpcPort, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                grpc = o;
            });
            kestrel.Listen(IPAddress.Loopback, _httpPort, o =>
            {
                o.Protocols = HttpProtocols.Http1;
                http = o;
            });
        });

        var app = builder.Build();
        app.MapGrpcService<LogsGrpcService>();
        app.MapGrpcService<TraceGrpcService>();
        app.MapGrpcService<MetricsGrpcService>();
        app.MapPost("/v1/logs", context => HandleHttpAsync(context, OtlpSignal.Logs));
        app.MapPost("/v1/traces", context => HandleHttpAsync(context, OtlpSignal.Traces));
        app.MapPost("/v1/metrics", context => HandleHttpAsync(context, OtlpSignal.Metrics));

        // Kestrel invokes the Listen callbacks while building its options, which happens at start;
        // resolve them now so the endpoints can be read back after StartAsync.
        _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KestrelServerOptions>>().Value;
        grpcListen = grpc ?? throw new InvalidOperationException("Kestrel did not configure the gRPC endpoint.");
        httpListen = http ?? throw new InvalidOperationException("Kestrel did not configure the HTTP endpoint.");
        return app;
    }

    private async Task HandleHttpAsync(HttpContext context, OtlpSignal signal)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        IMessage message;
        try
        {
            message = signal switch
            {
                OtlpSignal.Logs => ExportLogsServiceRequest.Parser.ParseFrom(body),
                OtlpSignal.Traces => ExportTraceServiceRequest.Parser.ParseFrom(body),
                _ => ExportMetricsServiceRequest.Parser.ParseFrom(body),
            };
        }
        catch (InvalidProtocolBufferException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        bool accepted;
        try
        {
            accepted = await ReceiveAsync(signal, OtlpTransport.Http, body, message, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            accepted = false;
        }

        if (!accepted)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        // Every Export*ServiceResponse without partial_success serializes to zero bytes.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ProtobufContentType;
        context.Response.ContentLength = 0;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        using var buffer = new MemoryStream();
        if (encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
            await gzip.CopyToAsync(buffer, cancellationToken);
        }
        else if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }
        else
        {
            throw new InvalidDataException($"Unsupported Content-Encoding '{encoding}'.");
        }

        return buffer.ToArray();
    }

    /// <summary>Applies the mode to one export request; records it and returns true when it is accepted.</summary>
    internal async Task<bool> ReceiveAsync(OtlpSignal signal, OtlpTransport transport, byte[] body, IMessage message, CancellationToken cancellationToken)
    {
        if (Mode == OtlpReceiverMode.Hang)
        {
            Interlocked.Increment(ref _hungRequests);
            Pulse();
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
                await Volatile.Read(ref _hangRelease).Task.WaitAsync(linked.Token);
            }
            finally
            {
                Interlocked.Decrement(ref _hungRequests);
            }
        }

        var accepted = Mode != OtlpReceiverMode.Unavailable;
        lock (_lock)
        {
            _payloads.Add(new ReceivedPayload(signal, transport, body, accepted));
            if (accepted)
            {
                _accepted[(int)signal]++;
                if (message is ExportLogsServiceRequest logs)
                {
                    _logRecords.AddRange(ReceivedLogRecord.Flatten(logs, transport));
                }
            }
            else
            {
                _rejected[(int)signal]++;
            }
        }

        Pulse();
        return accepted;
    }

    private async Task<T> WaitUntilAsync<T>(Func<T> read, Func<T, bool> predicate, TimeSpan timeout, Func<T, string> describe)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var current = read();
            if (predicate(current))
            {
                return current;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                current = read();
                return predicate(current) ? current : throw new TimeoutException(describe(current));
            }
        }
    }

    private void Pulse() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int RequirePort(int port) =>
        port != 0 ? port : throw new InvalidOperationException("The OTLP receiver has not been started.");

    private static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, "OTLP test receiver is unavailable."));

    private sealed class LogsGrpcService(OtlpReceiver receiver) : LogsService.LogsServiceBase
    {
        public override async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context) =>
            await receiver.ReceiveGrpcAsync(OtlpSignal.Logs, request, context) ? new ExportLogsServiceResponse() : throw Unavailable();
    }

    private sealed class TraceGrpcService(OtlpReceiver receiver) : TraceService.TraceServiceBase
    {
        public override async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context) =>
            await receiver.ReceiveGrpcAsync(OtlpSignal.Traces, request, context) ? new ExportTraceServiceResponse() : throw Unavailable();
    }

    private sealed class MetricsGrpcService(OtlpReceiver receiver) : MetricsService.MetricsServiceBase
    {
        public override async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context) =>
            await receiver.ReceiveGrpcAsync(OtlpSignal.Metrics, request, context) ? new ExportMetricsServiceResponse() : throw Unavailable();
    }

    private async Task<bool> ReceiveGrpcAsync(OtlpSignal signal, IMessage request, ServerCallContext context)
    {
        try
        {
            // Unknown fields are preserved, so re-serializing yields everything the exporter sent.
            return await ReceiveAsync(signal, OtlpTransport.Grpc, request.ToByteArray(), request, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
