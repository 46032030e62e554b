using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Board.Tests.Collector;

/// <summary>
/// What CloudWatch Logs stores of a request's two entries on the ECS path: Board's real OTLP records, through the
/// logs pipeline the task definition selects, serialized as the pinned awscloudwatchlogs exporter does.
/// </summary>
public sealed partial class CloudWatchEventTests(CloudWatchEventsFixture fixture, ITestOutputHelper output)
    : IClassFixture<CloudWatchEventsFixture>
{
    /// <summary>
    /// The target per request, in all log groups together; with the fallback on, the stdout group gets nothing while
    /// the collector takes the records.
    /// </summary>
    private const int BytesPerRequest = 1000;

    // The END fields docs/logging.md lists that only some requests have: a declared response length, a client that
    // went away, an exception.
    private static readonly string[] ConditionalEndFields =
        ["http.response.body.size", "http.request.aborted", "exception.type", "exception.message", "exception.stacktrace"];

    [Fact]
    public void Stdout_gets_nothing_and_the_peers_request_costs_at_most_1000_bytes_a_longer_one_its_extra_bytes()
    {
        foreach (var request in fixture.Requests)
        {
            output.WriteLine($"{request.Name}: {request.BilledBytes} bytes (stream {request.LogStream})");
            output.WriteLine(request.StartEvent);
            output.WriteLine(request.EndEvent);
        }

        // With the task definition's fallback on and the collector taking every record, stdout (/ecs/board/web) gets
        // nothing of a request.
        foreach (var request in fixture.Requests)
        {
            Assert.True(request.StdoutLines.Count == 0, $"{request.Name} on stdout:\n{string.Join('\n', request.StdoutLines)}");
        }

        var peers = fixture.Request(CloudWatchEventsFixture.PeersRequest);
        Assert.True(peers.BilledBytes <= BytesPerRequest, $"{peers.Name}: {peers.BilledBytes} bytes");

        // Every field of the entries is kept (below), so what a client sends is paid for: the same page from a browser
        // and from curl differ by the user agents' lengths, in the START event.
        var browser = fixture.Request(CloudWatchEventsFixture.BrowserRequest);
        var curl = fixture.Request(CloudWatchEventsFixture.CurlRequest);
        Assert.Equal(
            browser.UserAgent!.Length - curl.UserAgent!.Length,
            CloudWatchLogsEvent.BilledBytes(browser.StartEvent) - CloudWatchLogsEvent.BilledBytes(curl.StartEvent));
    }

    [Fact]
    public void Every_field_docs_logging_promises_for_the_entries_is_in_their_events()
    {
        var (startFields, endFields) = PromisedFields();
        Assert.Contains("user_agent.original", startFields);
        Assert.Contains("duration_ms", endFields);
        foreach (var request in fixture.Requests)
        {
            var start = Flatten(request.StartEvent);
            var end = Flatten(request.EndEvent);
            foreach (var field in startFields)
            {
                var expected = field switch
                {
                    "url.query" => request.Start.Attributes.ContainsKey("url.query"),
                    "user_agent.original" => request.UserAgent is not null,
                    _ => true,
                };
                Assert.True(expected == start.ContainsKey("attributes." + field), $"{request.Name}: START {field}");
            }

            foreach (var field in endFields.Except(ConditionalEndFields))
            {
                // A request no endpoint matched has no route.
                var expected = field != "http.route" || request.End.Attributes["http.response.status_code"] is not 404L;
                Assert.True(expected == end.ContainsKey("attributes." + field), $"{request.Name}: END {field}");
            }

            foreach (var fields in new[] { start, end })
            {
                foreach (var always in new[] { "body", "severity_text", "trace_id", "span_id", "attributes.request.id", "scope.name" })
                {
                    Assert.True(fields.ContainsKey(always), $"{request.Name}: {always}");
                }
            }

            Assert.Equal((string?)request.Start.Attributes["request.id"], end["attributes.request.id"].GetString());
        }

        Assert.Contains(fixture.Requests, r => r.Start.Attributes.ContainsKey("url.query"));
    }

    [Fact]
    public void The_event_is_the_exporters_struct_with_the_task_ids_first_8_digits_as_its_only_resource()
    {
        foreach (var request in fixture.Requests)
        {
            foreach (var (record, message) in new[] { (request.Start, request.StartEvent), (request.End, request.EndEvent) })
            {
                using var document = JsonDocument.Parse(message);
                var members = document.RootElement.EnumerateObject().Select(m => m.Name).ToList();
                Assert.Equal(["body", "severity_number", "severity_text", "flags", "trace_id", "span_id", "attributes", "scope", "resource"], members);
                Assert.Equal(record.Body, document.RootElement.GetProperty("body").GetString());
                Assert.Equal(record.TraceId, document.RootElement.GetProperty("trace_id").GetString());

                var resource = document.RootElement.GetProperty("resource").EnumerateObject().ToList();
                var taskId = Assert.Single(resource);
                Assert.Equal(("TaskId", CloudWatchEventsFixture.TaskId[..8]), (taskId.Name, taskId.Value.GetString()));

                // Every attribute the record has reaches the event, except the two the collector deletes.
                var attributes = document.RootElement.GetProperty("attributes").EnumerateObject().Select(a => a.Name);
                Assert.Equal(record.Attributes.Keys.Except(["{OriginalFormat}", "ConnectionId"]).Order(StringComparer.Ordinal), attributes);
            }

            Assert.Equal(CloudWatchEventsFixture.TaskId[..8], request.LogStream);
        }
    }

    [Fact]
    public void The_collector_queries_name_only_fields_the_events_carry()
    {
        var carried = fixture.Requests.SelectMany(r => Flatten(r.StartEvent).Keys.Concat(Flatten(r.EndEvent).Keys)).ToHashSet();
        var queries = CollectorQueries().ToList();
        Assert.True(queries.Count >= 6, $"{queries.Count} collector queries");
        foreach (var query in queries)
        {
            foreach (var field in QueryFields(query))
            {
                // Fields of other records than the two entries: a BeginScope field of Board.Web, a held record's mark,
                // an END entry's exception.
                var fromOtherRecords = field is "attributes.user.email" or "attributes.log.buffered" || field.StartsWith("attributes.exception.", StringComparison.Ordinal);
                Assert.True(carried.Contains(field) || fromOtherRecords, $"'{field}' in:\n{query}");
            }
        }
    }

    [Fact]
    public void The_documented_event_has_the_fields_of_the_peers_requests_END_event_in_its_order()
    {
        var example = Regex.Match(RepoFiles.Read("deploy", "cloudwatch-insights-queries.md"), "A collector event.+?```json\n(?<event>.+?)\n```", RegexOptions.Singleline);
        Assert.True(example.Success, "the example event is missing");
        var end = fixture.Request(CloudWatchEventsFixture.PeersRequest).EndEvent;
        Assert.Equal(Flatten(end).Keys, Flatten(example.Groups["event"].Value).Keys);
        Assert.Equal(Flatten(end)["resource.TaskId"].GetString(), Flatten(example.Groups["event"].Value)["resource.TaskId"].GetString());
    }

    /// <summary>The backticked names of docs/logging.md's "START fields:" and "END fields:" paragraphs.</summary>
    private static (HashSet<string> Start, HashSet<string> End) PromisedFields()
    {
        var docs = RepoFiles.Read("docs", "logging.md");
        HashSet<string> Fields(string heading)
        {
            var paragraph = Regex.Match(docs, heading + @" fields: (?<text>.+?)\n\n", RegexOptions.Singleline);
            Assert.True(paragraph.Success, $"docs/logging.md has no '{heading} fields:' paragraph");
            return FieldName().Matches(paragraph.Groups["text"].Value).Select(m => m.Groups["name"].Value).ToHashSet();
        }

        return (Fields("START"), Fields("END"));
    }

    /// <summary>The query blocks under "collector:" in deploy/cloudwatch-insights-queries.md.</summary>
    private static IEnumerable<string> CollectorQueries() =>
        Regex.Matches(RepoFiles.Read("deploy", "cloudwatch-insights-queries.md"), "collector:\n```\n(?<query>.+?)```", RegexOptions.Singleline)
            .Select(m => m.Groups["query"].Value);

    private static readonly HashSet<string> QueryWords =
    [
        "filter", "stats", "sort", "limit", "fields", "by", "as", "asc", "desc", "in", "and", "or", "not", "like",
        "count", "count_distinct", "pct", "avg", "ispresent",
    ];

    /// <summary>The field names a query reads: every name that is not a command, function, alias, quoted value or @ field.</summary>
    private static IEnumerable<string> QueryFields(string query)
    {
        var unquoted = Regex.Replace(query, "\"[^\"]*\"", "\"\"");
        var aliases = Regex.Matches(unquoted, @"\bas\s+([A-Za-z_][A-Za-z0-9_]*)").Select(m => m.Groups[1].Value).ToHashSet();
        return Regex.Matches(unquoted, @"(?<![@\w.])[A-Za-z_][A-Za-z0-9_.]*")
            .Select(m => m.Value)
            .Where(name => !QueryWords.Contains(name) && !aliases.Contains(name))
            .Distinct();
    }

    /// <summary>An event as Logs Insights names its fields: nested objects flattened into dotted paths.</summary>
    private static Dictionary<string, JsonElement> Flatten(string message)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        void Add(string prefix, JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in element.EnumerateObject())
                {
                    Add(prefix.Length == 0 ? member.Name : prefix + "." + member.Name, member.Value);
                }
            }
            else
            {
                fields[prefix] = element.Clone();
            }
        }

        using var document = JsonDocument.Parse(message);
        Add("", document.RootElement);
        return fields;
    }

    [GeneratedRegex("`(?<name>[a-z_]+(?:\\.[a-z_]+)+|duration_ms)`", RegexOptions.CultureInvariant)]
    private static partial Regex FieldName();
}
