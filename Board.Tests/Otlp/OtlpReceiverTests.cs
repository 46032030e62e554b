using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Board.Tests.Otlp.Proto.Collector.Logs;
using Board.Tests.Otlp.Proto.Common;
using Board.Tests.Otlp.Proto.Logs;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using SdkLogRecord = OpenTelemetry.Logs.LogRecord;

namespace Board.Tests.Otlp;

/// <summary>Proves the test receiver decodes what the real OpenTelemetry .NET OTLP exporter sends.</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private OtlpReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await OtlpReceiver.StartNewAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Real_exporter_records_arrive_decoded(OtlpExportProtocol protocol)
    {
        var serviceName = $"svc-{protocol}";
        ActivityTraceId traceId;
        ActivitySpanId spanId;
        using (var factory = CreateLoggerFactory(serviceName, protocol))
        {
            var logger = factory.CreateLogger<OtlpReceiverTests>();
            using var activity = new Activity("receiver-test").SetIdFormat(ActivityIdFormat.W3C).Start();
            traceId = activity.TraceId;
            spanId = activity.SpanId;
            using (logger.BeginScope(new Dictionary<string, object?> { ["order.channel"] = "web" }))
            {
                logger.LogWarning(
                    new EventId(7, "OrderPlaced"),
                    "Order {order.id} for {customer} cost {amount} paid {paid}",
                    42, "alice", 12.5, true);
            }
        } // disposing the factory flushes the batch processor

        var records = await _receiver.WaitForLogsAsync(r => r.Any(x => x.ServiceName == serviceName), Timeout);

        var record = Assert.Single(records, r => r.ServiceName == serviceName);
        Assert.Equal(protocol == OtlpExportProtocol.Grpc ? OtlpTransport.Grpc : OtlpTransport.Http, record.Transport);
        Assert.Equal(typeof(OtlpReceiverTests).FullName, record.ScopeName);
        Assert.Equal("Order 42 for alice cost 12.5 paid True", record.Body);
        Assert.Equal(13, record.SeverityNumber); // WARN
        Assert.Equal("Warning", record.SeverityText);
        Assert.Equal("OrderPlaced", record.EventName); // EventId.Name travels in event_name
        Assert.Equal("Order {order.id} for {customer} cost {amount} paid {paid}", record.Attribute("{OriginalFormat}"));
        Assert.Equal(42L, record.Attribute("order.id"));
        Assert.Equal("alice", record.Attribute("customer"));
        Assert.Equal(12.5, record.Attribute("amount"));
        Assert.Equal(true, record.Attribute("paid"));
        Assert.Equal("web", record.Attribute("order.channel"));
        Assert.Equal(traceId.ToHexString(), record.TraceId);
        Assert.Equal(spanId.ToHexString(), record.SpanId);
        Assert.NotNull(record.Timestamp);
        Assert.InRange(record.Timestamp!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(1, _receiver.AcceptedRequestCount(OtlpSignal.Logs));
        Assert.Contains(_receiver.Payloads, p => p.Signal == OtlpSignal.Logs && p.Accepted);
        Assert.True(_receiver.AnyPayloadContains("alice"));
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Unavailable_mode_fails_the_export_and_counts_the_refusal(OtlpExportProtocol protocol)
    {
        _receiver.Mode = OtlpReceiverMode.Unavailable;
        var exporter = new ResultRecordingExporter(new OtlpLogExporter(ExporterOptions(protocol, timeoutMilliseconds: 1500)));
        using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
               {
                   o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("svc-unavailable"));
                   o.AddProcessor(new SimpleLogRecordExportProcessor(exporter));
               })))
        {
            factory.CreateLogger("Unavailable").LogInformation("Nobody is listening");
        }

        Assert.Contains(ExportResult.Failure, exporter.Results);
        Assert.DoesNotContain(ExportResult.Success, exporter.Results);
        Assert.True(_receiver.RejectedRequestCount(OtlpSignal.Logs) >= 1);
        Assert.Equal(0, _receiver.AcceptedRequestCount(OtlpSignal.Logs));
        Assert.Empty(_receiver.LogRecords);
    }

    [Fact]
    public async Task Gzip_http_bodies_are_decoded()
    {
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = new Proto.Resource.Resource { Attributes = { Attr("service.name", new AnyValue { StringValue = "svc-gzip" }) } },
                    ScopeLogs =
                    {
                        new ScopeLogs
                        {
                            Scope = new InstrumentationScope { Name = "gzip.scope" },
                            LogRecords =
                            {
                                new Proto.Logs.LogRecord
                                {
                                    SeverityNumber = 17,
                                    SeverityText = "Error",
                                    Body = new AnyValue { StringValue = "compressed" },
                                    Attributes =
                                    {
                                        Attr("tags", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 2 } } } }),
                                        Attr("map", new AnyValue { KvlistValue = new KeyValueList { Values = { Attr("inner", new AnyValue { BoolValue = false }) } } }),
                                        Attr("raw", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }),
                                    },
                                    EventName = "gzip.event",
                                },
                            },
                        },
                    },
                },
            },
        };

        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            request.WriteTo(gzip);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        using var client = new HttpClient();
        using var response = await client.PostAsync(_receiver.HttpLogsEndpoint, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        var record = Assert.Single(_receiver.LogRecords);
        Assert.Equal("svc-gzip", record.ServiceName);
        Assert.Equal("gzip.scope", record.ScopeName);
        Assert.Equal("compressed", record.Body);
        Assert.Equal(17, record.SeverityNumber);
        Assert.Equal("gzip.event", record.EventName);
        Assert.Equal(new object?[] { "a", 2L }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(record.Attribute("tags")));
        Assert.Equal(false, Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(record.Attribute("map"))["inner"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, record.Attribute("raw"));
        Assert.Null(record.TraceId);
        Assert.Equal(request.ToByteArray(), Assert.Single(_receiver.Payloads).Body);
    }

    [Fact]
    public async Task Hang_mode_holds_requests_until_released()
    {
        _receiver.Mode = OtlpReceiverMode.Hang;
        using var client = new HttpClient();
        var pending = PostEmptyLogsAsync(client);

        await _receiver.WaitForHungRequestsAsync(1, Timeout);
        Assert.False(pending.IsCompleted);
        Assert.Equal(0, _receiver.AcceptedRequestCount(OtlpSignal.Logs));

        _receiver.Mode = OtlpReceiverMode.Accept;
        using var response = await pending.WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _receiver.AcceptedRequestCount(OtlpSignal.Logs));
    }

    [Fact]
    public async Task Stopping_refuses_hung_requests_instead_of_waiting_for_them()
    {
        _receiver.Mode = OtlpReceiverMode.Hang;
        using var client = new HttpClient();
        var pending = PostEmptyLogsAsync(client);
        await _receiver.WaitForHungRequestsAsync(1, Timeout);

        await _receiver.StopAsync().WaitAsync(Timeout);

        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var response = await pending.WaitAsync(Timeout);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        });
        Assert.True(outcome is null or HttpRequestException, outcome?.ToString());
        Assert.Equal(0, _receiver.AcceptedRequestCount(OtlpSignal.Logs));
        Assert.Equal(0, _receiver.HungRequestCount);
    }

    [Fact]
    public async Task Stop_and_start_listen_again_on_the_same_ports()
    {
        var grpc = _receiver.GrpcEndpoint;
        var http = _receiver.HttpEndpoint;
        using (var client = new HttpClient())
        {
            using var before = await PostEmptyLogsAsync(client);
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _receiver.StopAsync();
        Assert.False(_receiver.IsRunning);
        using (var client = new HttpClient())
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => PostEmptyLogsAsync(client));
        }

        await _receiver.StartAsync();
        Assert.Equal(grpc, _receiver.GrpcEndpoint);
        Assert.Equal(http, _receiver.HttpEndpoint);
        using (var client = new HttpClient())
        {
            using var after = await PostEmptyLogsAsync(client);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        Assert.Equal(2, _receiver.AcceptedRequestCount(OtlpSignal.Logs));
    }

    private Task<HttpResponseMessage> PostEmptyLogsAsync(HttpClient client)
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return client.PostAsync(_receiver.HttpLogsEndpoint, content);
    }

    private ILoggerFactory CreateLoggerFactory(string serviceName, OtlpExportProtocol protocol) =>
        LoggerFactory.Create(builder => builder.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            o.ParseStateValues = true;
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(serviceName));
            o.AddOtlpExporter(e => Configure(e, protocol, timeoutMilliseconds: 5000));
        }));

    private OtlpExporterOptions ExporterOptions(OtlpExportProtocol protocol, int timeoutMilliseconds)
    {
        var options = new OtlpExporterOptions();
        Configure(options, protocol, timeoutMilliseconds);
        return options;
    }

    private void Configure(OtlpExporterOptions options, OtlpExportProtocol protocol, int timeoutMilliseconds)
    {
        options.Protocol = protocol;
        // An endpoint set in code is used as-is, so OTLP/HTTP needs the full /v1/logs URL.
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? _receiver.GrpcEndpoint : _receiver.HttpLogsEndpoint;
        options.TimeoutMilliseconds = timeoutMilliseconds;
    }

    private static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };

    /// <summary>Forwards to the real OTLP exporter and keeps every result it returned.</summary>
    private sealed class ResultRecordingExporter(BaseExporter<SdkLogRecord> inner) : BaseExporter<SdkLogRecord>
    {
        public ConcurrentQueue<ExportResult> Results { get; } = new();

        public override ExportResult Export(in Batch<SdkLogRecord> batch)
        {
            var result = inner.Export(batch);
            Results.Enqueue(result);
            return result;
        }

        protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
