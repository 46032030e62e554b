using Board.OtlpSink;
using Board.Tests.Otlp.Proto.Collector.Logs;
using Board.Tests.Otlp.Proto.Common;
using Board.Tests.Otlp.Proto.Logs;
using Board.Tests.Otlp.Proto.Resource;
using Google.Protobuf;

namespace Board.Tests.Otlp;

/// <summary>
/// bench/load.sh's "no record dropped" check rests on the counts of bench/Board.OtlpSink, which walks the protobuf
/// wire format by hand: here they are compared with requests encoded by Google.Protobuf.
/// </summary>
public sealed class BenchReceiverCountTests
{
    [Fact]
    public void Counts_every_record_and_the_request_entries_by_event_name()
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(ResourceLogsWith(["RequestStarted", "RequestCompleted", "Other", ""], scopes: 2));
        request.ResourceLogs.Add(ResourceLogsWith(["RequestCompleted"], scopes: 1));

        var counts = new LogCounts();
        counts.Add(request.ToByteArray());

        // 4 records in each of 2 scopes, then 1: started 2, completed 2 + 1; one POST.
        Assert.Equal("9 2 3 1\n", counts.ToString());
    }

    [Fact]
    public void Adds_up_over_requests_and_counts_an_empty_one()
    {
        var counts = new LogCounts();
        counts.Add(new ExportLogsServiceRequest { ResourceLogs = { ResourceLogsWith(["RequestStarted"], scopes: 1) } }.ToByteArray());
        counts.Add([]);
        counts.Add(new ExportLogsServiceRequest { ResourceLogs = { ResourceLogsWith(["RequestStarted", "RequestCompleted"], scopes: 3) } }.ToByteArray());

        Assert.Equal("7 4 3 3\n", counts.ToString());
    }

    [Fact]
    public void Rejects_a_body_that_is_not_protobuf()
    {
        // Wire type 7 does not exist: a body that is not an OTLP request must not be counted as one.
        Assert.Throws<InvalidDataException>(() => new LogCounts().Add([0x0F, 0x00]));
    }

    // Records carry every wire type the walker must step over: fixed64 times, a varint severity, a fixed32 flags
    // field, bytes ids, a string body and attributes.
    private static ResourceLogs ResourceLogsWith(string[] eventNames, int scopes)
    {
        var resourceLogs = new ResourceLogs
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "Board.Web" } } } },
        };
        for (var s = 0; s < scopes; s++)
        {
            var scopeLogs = new ScopeLogs { Scope = new InstrumentationScope { Name = "Board.Requests" } };
            foreach (var name in eventNames)
            {
                scopeLogs.LogRecords.Add(new LogRecord
                {
                    TimeUnixNano = 1_795_000_000_000_000_000,
                    ObservedTimeUnixNano = 1_795_000_000_000_000_001,
                    SeverityNumber = 9,
                    SeverityText = "Information",
                    Flags = 1,
                    TraceId = ByteString.CopyFrom(new byte[16]),
                    SpanId = ByteString.CopyFrom(new byte[8]),
                    Body = new AnyValue { StringValue = "GET /alive completed with status 200 in 0.5 ms" },
                    Attributes = { new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } } },
                    EventName = name,
                });
            }

            resourceLogs.ScopeLogs.Add(scopeLogs);
        }

        return resourceLogs;
    }
}
