using BenchmarkDotNet.Attributes;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Requests.Held;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Benchmarks;

/// <summary>
/// Whole pipeline into the stdout JSON sink (written to Stream.Null by the real stdout exporter under the SDK's batch processor):
/// one END entry through ILogger, a START+END pair written by the real middleware for a DefaultHttpContext, and a
/// request whose endpoint logs five Debug records (below the level), succeeding (held, then discarded) or failing
/// (held, then written before the END). Each with the held records switched off and on (HeldRecords).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const int DebugRecords = 5;

    private static readonly Action<ILogger, int, string, Exception?> s_detail =
        LoggerMessage.Define<int, string>(LogLevel.Debug, new EventId(9, "Detail"), "Detail {step} of {item}");

    private BenchPipeline _pipeline = null!;
    private RequestCompletedState _state = null!;
    private RequestLoggingMiddleware _middleware = null!;
    private RequestLoggingMiddleware _succeeding = null!;
    private RequestLoggingMiddleware _failing = null!;
    private DefaultHttpContext _context = null!;

    [Params(false, true)]
    public bool HeldRecords { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // /alive is excluded by default; the benchmark logs it like any other path.
        _pipeline = new BenchPipeline(new Dictionary<string, string?>
        {
            ["StructuredLogging:Requests:ExcludedPaths:0"] = "/none",
            ["StructuredLogging:Requests:HeldRecords:Enabled"] = HeldRecords ? "true" : "false",
        });
        _state = BenchPipeline.EndState();
        _context = BenchPipeline.NewRequest();
        RequestLogContext.Current = BenchPipeline.NewRequestContext(_context);
        var detail = _pipeline.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Board.Benchmarks.Endpoint");
        _middleware = Middleware(static context => { context.Response.StatusCode = 200; return Task.CompletedTask; });
        _succeeding = Middleware(context => Endpoint(context, detail, 200));
        _failing = Middleware(context => Endpoint(context, detail, 500));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (!_pipeline.Flush())
        {
            throw new InvalidOperationException("stdout sink did not flush");
        }

        _pipeline.Dispose();
    }

    /// <summary>ILogger.Log of the END entry -> OpenTelemetry logger -> enrichment -> batch processor queue (the JSON line is written on its thread).</summary>
    [Benchmark]
    public void EndEntry() =>
        _pipeline.Logger.Log(LogLevel.Information, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);

    /// <summary>RequestLoggingMiddleware.InvokeAsync around an endpoint that does nothing: START + END to the JSON sink.</summary>
    [Benchmark]
    public Task StartEndPair() => _middleware.InvokeAsync(_context);

    /// <summary>START + five Debug records (held when on) + END 200: the held records are discarded.</summary>
    [Benchmark]
    public Task SucceedingWithDebugRecords() => _succeeding.InvokeAsync(_context);

    /// <summary>START + five Debug records + END 500: when on, the five are written before the END.</summary>
    [Benchmark]
    public Task FailingWithDebugRecords() => _failing.InvokeAsync(_context);

    private RequestLoggingMiddleware Middleware(RequestDelegate next) => new(
        next,
        _pipeline.Services.GetRequiredService<ILoggerFactory>(),
        _pipeline.Services.GetRequiredService<RequestLoggingSettings>(),
        _pipeline.Services.GetService<HeldRecordRequests>());

    private static Task Endpoint(HttpContext context, ILogger logger, int status)
    {
        for (var step = 0; step < DebugRecords; step++)
        {
            s_detail(logger, step, "/alive", null);
        }

        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
