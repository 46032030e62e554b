using BenchmarkDotNet.Attributes;
using Board.ServiceDefaults.Enrichment;
using Board.ServiceDefaults.Requests;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.Benchmarks;

/// <summary>
/// The pieces of one END entry, each alone: the request-context stamping (LogEnrichmentProcessor.OnEnd), the
/// JSON line writer (JsonLineFormatter.Format) on the enriched record, and as the baseline the framework's
/// JsonConsoleFormatter writing the same entry (the formatter of AddJsonConsole(), called directly).
/// </summary>
[MemoryDiagnoser]
public class FormatterBenchmarks
{
    private BenchPipeline _pipeline = null!;
    private LogRecord _enriched = null!;
    private LogRecord _raw = null!;
    private RequestCompletedState _state = null!;
    private JsonLineFormatter _formatter = null!;
    private LogEnrichmentProcessor _enrichment = null!;
    private ConsoleFormatter _frameworkJson = null!;
    private StringWriter _frameworkOutput = null!;
    private ServiceProvider _frameworkServices = null!;

    [GlobalSetup]
    public void Setup()
    {
        var exported = new List<LogRecord>();
        _pipeline = new BenchPipeline(exported: exported);
        _state = BenchPipeline.EndState();
        RequestLogContext.Current = BenchPipeline.NewRequestContext(BenchPipeline.NewRequest());
        _pipeline.Logger.Log(LogLevel.Information, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);
        _pipeline.Flush();
        _enriched = exported.Single(r => r.EventId.Id == 2);
        

        _formatter = new JsonLineFormatter(_pipeline.Options.Json, _pipeline.Options.MaxValueLength, _pipeline.Services.GetRequiredService<LoggerProvider>().GetResource());
        _enrichment = _pipeline.Services.GetRequiredService<LogEnrichmentProcessor>();

        // Exported is a copy made after enrichment; a second copy stands for the record as the logger made it.
        var copies = new List<LogRecord>();
        using (var plain = new BenchPipeline(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = "None" }, copies))
        {
            plain.Logger.Log(LogLevel.Information, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);
            plain.Flush();
        }

        _raw = copies.Single(r => r.EventId.Id == 2);

        _frameworkServices = new ServiceCollection().AddLogging(b => b.AddJsonConsole()).BuildServiceProvider();
        _frameworkJson = _frameworkServices.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        _frameworkOutput = new StringWriter();

        if (Format().Length < 100 || FrameworkJsonConsole() < 100)
        {
            throw new InvalidOperationException("a formatter wrote nothing");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _frameworkServices.Dispose();
    }

    /// <summary>Board's JSON line for the enriched END record (fixed fields, 12 attributes, 6 resource attributes).</summary>
    [Benchmark]
    public ReadOnlySpan<byte> Format() => _formatter.Format(_enriched);

    /// <summary>The framework's JSON console formatter writing the same END state into a reused StringWriter.</summary>
    [Benchmark(Baseline = true)]
    public int FrameworkJsonConsole()
    {
        var builder = _frameworkOutput.GetStringBuilder();
        builder.Clear();
        var entry = new LogEntry<RequestCompletedState>(
            LogLevel.Information, RequestLogEntries.Category, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);
        _frameworkJson.Write(in entry, null, _frameworkOutput);
        return builder.Length;
    }

    /// <summary>Request context, scopes and exception stamping of one END record (the first processor).</summary>
    [Benchmark]
    public int Enrich()
    {
        _raw.Attributes = _state;
        _enrichment.OnEnd(_raw);
        return _raw.Attributes!.Count;
    }
}
