namespace Board.Tests.Collector;

public sealed class DebugExporterOutputTests
{
    // Shaped like otlptext's logs output (debug exporter, verbosity: detailed) behind a zap console prefix.
    private const string Sample = """
        2026-08-01T10:00:00.000Z	info	Logs	{"resource logs": 1, "log records": 2}
        2026-08-01T10:00:00.000Z	info	ResourceLog #0
        Resource SchemaURL: 
        Resource attributes:
             -> service.name: Str(web)
             -> host.name: Str(devbox)
             -> process.pid: Int(4242)
        ScopeLogs #0
        ScopeLogs SchemaURL: 
        InstrumentationScope Board.Requests 
        LogRecord #0
        ObservedTimestamp: 2026-08-01 10:00:00 +0000 UTC
        Timestamp: 2026-08-01 10:00:00 +0000 UTC
        SeverityText: Information
        SeverityNumber: Info(9)
        Body: Str(Incoming GET request to /probe)
        Attributes:
             -> url.path: Str(/probe)
        LogRecord #1
        SeverityText: Warning
        Body: Str(GET /probe completed with status 404 in 1.2 ms)
        	{"kind": "exporter", "data_type": "logs", "name": "debug"}
        """;

    // Aspire's ResourceLoggerService puts the container runtime's timestamp and a space before every line.
    [Theory]
    [InlineData("")]
    [InlineData("2026-08-01T10:00:00.1234567Z ")]
    [InlineData("2026-08-01T10:00:00.1234567+00:00 ")]
    public void Reads_bodies_with_their_resource_attributes(string linePrefix)
    {
        var output = new DebugExporterOutput();
        foreach (var line in Sample.Split('\n'))
        {
            output.Add(linePrefix + line);
        }

        var records = output.Records.ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("Incoming GET request to /probe", records[0].Body);
        Assert.Equal("GET /probe completed with status 404 in 1.2 ms", records[1].Body);
        Assert.Equal("devbox", records[1].Resource["host.name"]);
        Assert.Equal("4242", records[1].Resource["process.pid"]);
        Assert.False(records[0].Resource.ContainsKey("url.path"));
    }
}
