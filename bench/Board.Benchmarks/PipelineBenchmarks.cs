using BenchmarkDotNet.Attributes;
using Board.ServiceDefaults.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Benchmarks;

/// <summary>
/// Whole pipeline into the stdout JSON sink (written to Stream.Null by the real background LineWriter):
/// one END entry through ILogger, and a START+END pair written by the real middleware for a DefaultHttpContext.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private BenchPipeline _pipeline = null!;
    private RequestCompletedState _state = null!;
    private RequestLoggingMiddleware _middleware = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        // /alive is excluded by default; the benchmark logs it like any other path.
        _pipeline = new BenchPipeline(new Dictionary<string, string?> { ["StructuredLogging:Requests:ExcludedPaths:0"] = "/none" });
        _state = BenchPipeline.EndState();
        _context = BenchPipeline.NewRequest();
        RequestLogContext.Current = BenchPipeline.NewRequestContext(_context);
        var options = _pipeline.Options;
        _middleware = new RequestLoggingMiddleware(
            static context => { context.Response.StatusCode = 200; return Task.CompletedTask; },
            _pipeline.Services.GetRequiredService<ILoggerFactory>(),
            new RequestLoggingSettings(options.Requests, trustsProxies: false));
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

    /// <summary>ILogger.Log of the END entry -> OpenTelemetry logger -> enrichment -> JSON line -> LineWriter.</summary>
    [Benchmark]
    public void EndEntry() =>
        _pipeline.Logger.Log(LogLevel.Information, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);

    /// <summary>RequestLoggingMiddleware.InvokeAsync around an endpoint that does nothing: START + END to the JSON sink.</summary>
    [Benchmark]
    public Task StartEndPair() => _middleware.InvokeAsync(_context);
}
