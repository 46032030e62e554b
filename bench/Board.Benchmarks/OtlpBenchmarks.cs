using BenchmarkDotNet.Attributes;
using Board.ServiceDefaults.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Board.Benchmarks;

/// <summary>
/// The OTLP path, against a real HTTP listener on 127.0.0.1 in this process (it reads each body and answers 200):
/// <list type="bullet">
/// <item><see cref="EndEntryStdoutAndOtlp"/>: what the logging thread pays with stdout JSON and the OTLP batch
/// processor both on (enrichment, JSON line, enqueue); the serialisation runs on the exporter's thread.</item>
/// <item><see cref="OtlpExportPerRecord"/>: that exporter thread's work, per record: the real OtlpLogExporter
/// serialising a batch of 512 enriched END records to protobuf and posting it (OTLP/HTTP) to the listener.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class OtlpBenchmarks
{
    private const int BatchSize = 512;

    private WebApplication _listener = null!;
    private BenchPipeline _pipeline = null!;
    private RequestCompletedState _state = null!;
    private OtlpLogExporter _exporter = null!;
    private LoggerProvider _exporterProvider = null!;
    private ServiceCollection _exporterServices = null!;
    private ServiceProvider _exporterRoot = null!;
    private LogRecord[] _batch = null!;
    private long _bodies;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _listener = builder.Build();
        _listener.MapPost("/v1/logs", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref _bodies);
            context.Response.ContentType = "application/x-protobuf";
        });
        _listener.StartAsync().GetAwaiter().GetResult();
        var address = new Uri(_listener.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        _state = BenchPipeline.EndState();
        RequestLogContext.Current = BenchPipeline.NewRequestContext(BenchPipeline.NewRequest());
        _pipeline = new BenchPipeline(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });

        var copies = new List<LogRecord>();
        using (var plain = new BenchPipeline(new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = "None" }, copies))
        {
            for (var i = 0; i < BatchSize; i++)
            {
                plain.Logger.Log(LogLevel.Information, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);
            }

            plain.Flush();
        }

        _batch = [.. copies.Where(r => r.EventId.Id == 2)];
        _exporter = new OtlpLogExporter(new OtlpExporterOptions
        {
            Endpoint = new Uri(address, "/v1/logs"),
            Protocol = OtlpExportProtocol.HttpProtobuf,
        });
        // The exporter takes its resource from the provider it is attached to.
        _exporterServices = new ServiceCollection();
        _exporterServices.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("Board.Web", serviceVersion: "1.0.0", serviceInstanceId: Guid.NewGuid().ToString())
                .AddAttributes([new("host.name", Environment.MachineName), new("process.pid", Environment.ProcessId), new("deployment.environment.name", "Production")]))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(_exporter)));
        _exporterRoot = _exporterServices.BuildServiceProvider();
        _exporterProvider = _exporterRoot.GetRequiredService<LoggerProvider>();
        if (OtlpExportPerRecord() != ExportResult.Success || Interlocked.Read(ref _bodies) == 0)
        {
            throw new InvalidOperationException("the OTLP listener did not accept the batch");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Flush();
        _pipeline.Dispose();
        _exporterRoot.Dispose();
        _listener.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark]
    public void EndEntryStdoutAndOtlp() =>
        _pipeline.Logger.Log(LogLevel.Information, RequestLogEntries.Completed, _state, null, RequestLogEntries.FormatCompleted);

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public ExportResult OtlpExportPerRecord() => _exporter.Export(new Batch<LogRecord>(_batch, _batch.Length));
}
