using Board.Tests.Deploy;
using Board.Tests.EndToEnd;
using Board.Tests.Otlp;
using Board.Tests.Resources;

namespace Board.Tests.Collector;

/// <summary>One request's START and END entries as Board sent them over OTLP, and as CloudWatch stores them.</summary>
public sealed record RequestEvents(
    string Name, string? UserAgent, ReceivedLogRecord Start, ReceivedLogRecord End, string StartEvent, string EndEvent, string LogStream,
    IReadOnlyList<string> StdoutLines)
{
    /// <summary>Both events as CloudWatch counts them (26 bytes each included).</summary>
    public int BilledBytes => CloudWatchLogsEvent.BilledBytes(StartEvent) + CloudWatchLogsEvent.BilledBytes(EndEvent);
}

/// <summary>
/// Board.Web in Production, described as an ECS task (a stand-in task metadata endpoint, a Fargate task id of 32 hex
/// digits) and with the variables of the task definition that shape its records, exporting OTLP to the test receiver;
/// then the peers benchmark's Board app (bench/peers/Board) the same way. A few requests are sent to each; each one's
/// START and END records go through the logs pipeline that the task definition's collector variables select in
/// otel-collector-config.yaml (<see cref="CollectorLogsPipeline"/>) and then through the awscloudwatchlogs exporter's
/// serialization (<see cref="CloudWatchLogsEvent"/>).
/// </summary>
public sealed class CloudWatchEventsFixture : IAsyncLifetime
{
    public const string TaskId = "8f4c3b2a1d0e4f6a9b7c5d3e1f2a4b6c";
    public const string BrowserUserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public const string CurlUserAgent = "curl/8.5.0";
    public const string BrowserRequest = "page view, browser";
    public const string CurlRequest = "page view, curl";

    /// <summary>The peers benchmark's request as wrk sends it: GET /hello with a Host header and no user agent.</summary>
    public const string PeersRequest = "peers GET /hello";

    private const string Account = "123456789012";
    private const string Region = "eu-west-1";
    private const string Cluster = "board-cluster";
    private static readonly string TaskArn = $"arn:aws:ecs:{Region}:{Account}:task/{Cluster}/{TaskId}";

    // The variables of board-web in deploy/ecs-task-definition.json that decide what a record carries and where it
    // goes; the OTLP endpoint is the receiver's, the hash key a test key.
    private static readonly string[] RecordShapingVariables =
    [
        "ASPNETCORE_ENVIRONMENT", "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_RESOURCE_ATTRIBUTES",
        "StructuredLogging__Console__Fallback",
    ];

    private readonly List<RequestEvents> _requests = [];
    private FakeEcsMetadataServer? _metadata;
    private OtlpReceiver? _receiver;

    public IReadOnlyList<RequestEvents> Requests => _requests;

    public RequestEvents Request(string name) => _requests.Single(r => r.Name == name);

    /// <summary>The config as the task definition's collector variables expand it.</summary>
    public static Dictionary<string, object?> AwsConfig => CollectorConfig.Expand(EcsTaskDefinition.EnvironmentOf("otel-collector"));

    public async Task InitializeAsync()
    {
        _metadata = await FakeEcsMetadataServer.StartAsync(FakeEcsMetadataServer.Behaviour.Good, Cluster, TaskArn);
        _receiver = await OtlpReceiver.StartNewAsync();

        await using (var web = await StartAsync(assemblyPath: null))
        {
            await SendAsync(web, BrowserRequest, "/b/welcome", BrowserUserAgent);
            await SendAsync(web, CurlRequest, "/b/welcome", CurlUserAgent);
            await SendAsync(web, "page with a query, curl", "/b/welcome?page=2&token=abc", CurlUserAgent);
            await SendAsync(web, "not found, curl", "/no-such-page", CurlUserAgent);
        }

        var peers = BoardWebProcess.BuiltAssemblyPath(Path.Combine(BoardWebProcess.RepositoryRoot, "bench", "peers", "Board"), "Peers.Board");
        await using (var app = await StartAsync(peers))
        {
            await SendAsync(app, PeersRequest, "/hello", userAgent: null);
        }
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        if (_metadata is not null)
        {
            await _metadata.DisposeAsync();
        }
    }

    private Task<BoardWebProcess> StartAsync(string? assemblyPath)
    {
        var options = new BoardWebProcessOptions { AssemblyPath = assemblyPath, StartupTimeout = TimeSpan.FromSeconds(90) };
        var task = EcsTaskDefinition.EnvironmentOf("board-web");
        foreach (var name in RecordShapingVariables)
        {
            options.EnvironmentVariables[name] = task[name];
        }

        options.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver!.GrpcEndpoint.GetLeftPart(UriPartial.Authority);
        options.EnvironmentVariables["OTEL_BLRP_SCHEDULE_DELAY"] = "100";
        options.EnvironmentVariables["StructuredLogging__Redaction__HashKey"] = "0123456789abcdef0123456789abcdef";
        options.EnvironmentVariables["ECS_CONTAINER_METADATA_URI_V4"] = _metadata!.Uri;

        // With the fallback on, the host's records go over OTLP only: this app's are those after the ones before it.
        var earlier = _receiver.LogRecords.Count;
        options.ListeningOnElsewhere = pattern => _receiver.LogRecords.Skip(earlier)
            .Select(r => r.Body is { } body ? pattern.Match(body) : null)
            .FirstOrDefault(m => m is { Success: true })?.Groups["address"].Value;
        return BoardWebProcess.StartHealthyAsync(options);
    }

    private async Task SendAsync(BoardWebProcess app, string name, string path, string? userAgent)
    {
        var seen = _receiver!.LogRecords.Where(IsRequestEntry).Select(r => r.TraceId).ToHashSet();
        using (var client = app.CreateClient())
        {
            if (userAgent is not null)
            {
                client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
            }

            using var response = await client.GetAsync(path);
        }

        // Requests are sent one at a time, so the only new trace is this request's.
        var records = await _receiver.WaitForLogsAsync(
            all => all.Where(IsRequestEntry).Count(r => !seen.Contains(r.TraceId)) >= 2, TimeSpan.FromSeconds(30));
        var entries = records.Where(IsRequestEntry).Where(r => !seen.Contains(r.TraceId)).ToList();
        var start = Assert.Single(entries, r => r.EventName == "RequestStarted");
        var end = Assert.Single(entries, r => r.EventName == "RequestCompleted");
        Assert.Equal(start.TraceId, end.TraceId);

        var config = AwsConfig;
        var logs = config.Map("service", "pipelines", "logs");
        var exporter = Assert.Single(logs.Names("exporters"));
        Assert.Equal("awscloudwatchlogs", exporter);
        var exporterConfig = config.Map("exporters", exporter);
        // CloudWatchLogsEvent is the exporter's shape without raw_log (raw_log writes the body alone).
        Assert.False(exporterConfig.ContainsKey("raw_log"), "raw_log is not modelled");

        var processors = logs.Names("processors");
        var exportedStart = CollectorLogsPipeline.Apply(config, processors, start, CollectorDetected);
        var exportedEnd = CollectorLogsPipeline.Apply(config, processors, end, CollectorDetected);
        var streamName = (string)exporterConfig["log_stream_name"]!;
        var stream = CloudWatchLogsEvent.ResolveName(streamName, exportedEnd.ResourceAttributes);
        Assert.Equal(stream, CloudWatchLogsEvent.ResolveName(streamName, exportedStart.ResourceAttributes));
        // Once OTLP has the END entry, stdout has written whatever it was going to write of the request.
        var stdout = app.StandardOutput.Where(line => line.Contains(start.TraceId!, StringComparison.Ordinal)).ToList();
        _requests.Add(new RequestEvents(
            name, userAgent, start, end, CloudWatchLogsEvent.Message(exportedStart), CloudWatchLogsEvent.Message(exportedEnd), stream, stdout));
    }

    private static bool IsRequestEntry(ReceivedLogRecord record) => record.ScopeName == "Board.Requests";

    /// <summary>
    /// What the collector's resource_detection finds in the sidecar on Fargate: the ecs detector's attributes
    /// (processor/resourcedetectionprocessor/internal/aws/ecs, all enabled by default; the log group lists are those
    /// of the task's other awslogs containers) and the system detector's host.name and os.type. The env detector reads
    /// the collector's own OTEL_RESOURCE_ATTRIBUTES, which the task definition does not set.
    /// </summary>
    private static IReadOnlyDictionary<string, object?> CollectorDetected
    {
        get
        {
            var group = EcsTaskDefinition.LogGroupOf("board-web");
            var groupArn = $"arn:aws:logs:{Region}:{Account}:log-group:{group}";
            var streamName = $"board-web/board-web/{TaskId}";
            return new Dictionary<string, object?>
            {
                ["cloud.provider"] = "aws",
                ["cloud.platform"] = "aws_ecs",
                ["cloud.account.id"] = Account,
                ["cloud.region"] = Region,
                ["cloud.availability_zone"] = Region + "a",
                ["aws.ecs.cluster.arn"] = $"arn:aws:ecs:{Region}:{Account}:cluster/{Cluster}",
                ["aws.ecs.task.arn"] = TaskArn,
                ["aws.ecs.task.family"] = "board",
                ["aws.ecs.task.revision"] = "7",
                ["aws.ecs.task.id"] = TaskId,
                ["aws.ecs.launchtype"] = "fargate",
                ["aws.log.group.names"] = new List<object?> { group },
                ["aws.log.group.arns"] = new List<object?> { groupArn },
                ["aws.log.stream.names"] = new List<object?> { streamName },
                ["aws.log.stream.arns"] = new List<object?> { $"{groupArn}:log-stream:{streamName}" },
                ["host.name"] = "ip-10-0-1-23.eu-west-1.compute.internal",
                ["os.type"] = "linux",
            };
        }
    }
}
