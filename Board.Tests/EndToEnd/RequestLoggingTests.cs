using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Board.Tests.EndToEnd;

/// <summary>
/// The built Board.Web as its own process, driven over HTTP through <see cref="BoardFlow"/>; each request's records
/// are read back from both sinks, the JSON lines of its stdout and the OTLP records the receiver decoded, and
/// matched by trace id and event name. Runs once per OTLP protocol (see the subclasses at the end).
/// </summary>
public abstract partial class RequestLoggingTests<TFixture>(TFixture fixture) where TFixture : BoardWebFixture
{
    private static readonly Sink[] s_sinks = [Sink.Stdout, Sink.Otlp];

    [Fact]
    public async Task Every_request_has_a_START_and_an_END_record_with_one_trace_id_on_both_sinks()
    {
        var flow = await fixture.FlowAsync();
        var traceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in flow.Requests)
        {
            var logs = await fixture.RequestAsync(request.Marker);
            Assert.Matches("^[0-9a-f]{32}$", logs.TraceId);
            Assert.True(traceIds.Add(logs.TraceId), $"{request.Name}: trace id {logs.TraceId} was already used by another request");

            var requestIds = new HashSet<string?>();
            foreach (var sink in s_sinks)
            {
                var start = logs.Start(sink);
                var end = logs.End(sink);
                Assert.Equal(logs.TraceId, start.TraceId);
                Assert.Equal(logs.TraceId, end.TraceId);
                Assert.Equal("Board.Requests", start.Logger);
                Assert.Equal(start.Logger, end.Logger);
                Assert.Equal($"Incoming {request.Method} request to {request.Path}", start.Message);
                Assert.Equal("Incoming {http.request.method} request to {url.path}", start.Template);
                Assert.Matches(
                    $"^{request.Method} {Regex.Escape(request.Path)} completed with status {request.Status}$",
                    end.Message);
                Assert.Equal("Information", start.Level);
                Assert.True(BoardWebFixture.HasMarker(start, request.Marker), $"{sink} START of {request.Name} lost its query: {start}");
                foreach (var record in new[] { start, end })
                {
                    Assert.Equal(request.Method, record.Text("http.request.method"));
                    Assert.Equal(request.Path, record.Text("url.path"));
                    requestIds.Add(record.Text("request.id"));
                }
            }

            // The same request on both sinks, from the START to the END record.
            Assert.NotNull(Assert.Single(requestIds));
        }
    }

    [Fact]
    public async Task A_failed_request_brings_its_database_commands_held_below_the_level_and_no_other_request_does()
    {
        // Production holds Microsoft.EntityFrameworkCore.Database.Command at Warning (appsettings.json); the test
        // failure endpoint reads from the database before it throws.
        const string commandCategory = "Microsoft.EntityFrameworkCore.Database.Command";
        var flow = await fixture.FlowAsync();
        foreach (var request in flow.Requests)
        {
            var logs = await fixture.RequestAsync(request.Marker);
            foreach (var sink in s_sinks)
            {
                var records = logs.In(sink);
                var held = records.Where(r => SinkRecord.SameValue(true, r["log.buffered"])).ToList();
                if (request.Status < 500)
                {
                    Assert.True(held.Count == 0, $"{request.Name} on {sink} ended {request.Status} but wrote held records: {string.Join(Environment.NewLine, held)}");
                    continue;
                }

                var commands = held.Where(r => r.Logger == commandCategory).ToList();
                Assert.True(commands.Count > 0, $"{request.Name} on {sink}: no held database command among {records.Count} records");
                var executed = Assert.Single(commands, c => c.EventName == "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted");
                Assert.Equal("Information", executed.Level);
                Assert.Contains("SELECT COUNT(*)", executed.Message, StringComparison.Ordinal);
                Assert.All(held, h => Assert.Equal(logs.TraceId, h.TraceId));
                Assert.All(held, h => Assert.Equal("/test/fail", h.Text("url.path")));
                if (sink == Sink.Stdout)
                {
                    // Written before the END entry, which stays the request's last record.
                    Assert.Same(logs.End(sink), records[^1]);
                }
            }
        }
    }

    [Fact]
    public async Task END_records_carry_status_level_route_and_a_duration_in_milliseconds()
    {
        var flow = await fixture.FlowAsync();
        foreach (var request in flow.Requests)
        {
            var logs = await fixture.RequestAsync(request.Marker);
            var expectedLevel = request.Status >= 500 ? "Error" : request.Status >= 400 ? "Warning" : "Information";
            foreach (var sink in s_sinks)
            {
                var end = logs.End(sink);
                Assert.True(expectedLevel == end.Level, $"{request.Name} on {sink}: level {end.Level}, expected {expectedLevel}: {end}");
                Assert.True(SinkRecord.SameValue((long)request.Status, end["http.response.status_code"]), $"{sink}: {end}");
                Assert.Equal(request.Route, end.Text("http.route"));

                var duration = end["duration_ms"];
                // OTLP keeps the type: a double, never an integer count of ticks or a string. JSON has one number type.
                if (sink == Sink.Otlp)
                {
                    Assert.IsType<double>(duration);
                }
                else
                {
                    Assert.True(duration is double or long, $"duration_ms on stdout is not a number: {end}");
                }

                var ms = Convert.ToDouble(duration, CultureInfo.InvariantCulture);
                Assert.InRange(ms, double.Epsilon, 30_000);
                Assert.DoesNotContain(" ms", end.Message, StringComparison.Ordinal); // the same message for every END of a path and status
            }
        }
    }

    [Fact]
    public async Task A_failing_request_is_logged_once_with_its_exception_on_both_sinks()
    {
        var flow = await fixture.FlowAsync();
        var logs = await fixture.RequestAsync(flow["failure"].Marker);
        foreach (var sink in s_sinks)
        {
            var withException = logs.In(sink).Where(r => r.Attributes.ContainsKey("exception.type")).ToArray();
            var end = Assert.Single(withException);
            Assert.Equal("RequestCompleted", end.EventName);
            Assert.Equal("Error", end.Level);
            Assert.Equal("System.InvalidOperationException", end.Text("exception.type"));
            Assert.Equal("Test failure endpoint", end.Text("exception.message"));
            var stack = end.Text("exception.stacktrace") ?? "";
            Assert.StartsWith("System.InvalidOperationException: Test failure endpoint", stack, StringComparison.Ordinal);
            Assert.Contains(" at ", stack, StringComparison.Ordinal);

            // Nothing else of this request mentions the exception (the framework's own error entries are silenced).
            Assert.DoesNotContain(logs.In(sink), r => r != end && r.Raw.Contains("Test failure endpoint", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Records_arrive_over_the_configured_protocol_and_carry_the_resource_on_both_sinks()
    {
        var flow = await fixture.FlowAsync();
        var logs = await fixture.RequestAsync(flow["login"].Marker);
        var transport = fixture.Protocol == "grpc" ? Otlp.OtlpTransport.Grpc : Otlp.OtlpTransport.Http;
        Assert.All(fixture.Receiver.LogRecords, r => Assert.Equal(transport, r.Transport));
        foreach (var sink in s_sinks)
        {
            foreach (var record in logs.In(sink))
            {
                Assert.Equal(BoardWebFixture.ServiceName, record.Resource.GetValueOrDefault("service.name"));
                Assert.Equal(fixture.ServiceInstanceId, record.Resource.GetValueOrDefault("service.instance.id"));
                Assert.Equal(Environment.MachineName, record.Resource.GetValueOrDefault("host.name"));
                Assert.True(SinkRecord.SameValue((long)fixture.App.ProcessId, record.Resource.GetValueOrDefault("process.pid")),
                    $"{sink}: process.pid is not {fixture.App.ProcessId}: {record}");
                Assert.Equal("Production", record.Resource.GetValueOrDefault("deployment.environment.name"));
            }
        }
    }

    [Fact]
    public async Task The_login_record_carries_the_request_context_and_a_redacted_email_on_both_sinks()
    {
        var flow = await fixture.FlowAsync();
        var logs = await fixture.RequestAsync(flow["login"].Marker);
        foreach (var sink in s_sinks)
        {
            var start = logs.Start(sink);
            var login = logs.App(sink, BoardFlow.LoginTemplate);
            Assert.Equal("Information", login.Level);
            Assert.Equal("Board.Web.Pages.Account.LoginModel", login.Logger);
            Assert.Equal("REDACTED", login.Text("user.email"));
            Assert.Equal("User REDACTED logged in", login.Message);
            Assert.Equal("POST", login.Text("http.request.method"));
            Assert.Equal("/Account/Login", login.Text("url.path"));
            Assert.Equal("/Account/Login", login.Text("http.route"));
            Assert.Equal("127.0.0.1", login.Text("client.address"));
            Assert.Equal(start.Text("request.id"), login.Text("request.id"));
            Assert.False(string.IsNullOrEmpty(login.Text("request.id")));
        }

        // Register, login and logout all carried the address; Production redacts it wherever it goes.
        AssertNowhere("the plain email", flow.Email);
    }

    [Fact]
    public async Task Each_record_carries_the_same_fields_on_both_sinks()
    {
        var flow = await fixture.FlowAsync();
        foreach (var request in flow.Requests)
        {
            var logs = await fixture.RequestAsync(request.Marker);
            Assert.Equal(logs.Stdout.Count, logs.Otlp.Count);

            // A failed request's held records may repeat one event word for word (a connection opened twice): records
            // of one event, template and message are paired in the order each sink has them.
            var otlpLeft = logs.Otlp.ToList();
            foreach (var stdout in logs.Stdout)
            {
                var otlp = otlpLeft.First(r => r.EventName == stdout.EventName && r.Template == stdout.Template && r.Message == stdout.Message);
                otlpLeft.Remove(otlp);
                Assert.Equal(stdout.Level, otlp.Level);
                Assert.Equal(stdout.Logger, otlp.Logger);
                Assert.Equal(stdout.Message, otlp.Message);
                Assert.Equal(stdout.SpanId, otlp.SpanId);

                var otlpFields = otlp.Attributes.Where(a => a.Value is not null && a.Key != "{OriginalFormat}").ToDictionary();
                var stdoutFields = stdout.Attributes
                    .Where(a => a.Value is not null && !(SinkRecord.StdoutResourceKeys.Contains(a.Key) && !otlpFields.ContainsKey(a.Key)))
                    .ToDictionary();
                Assert.True(
                    stdoutFields.Keys.Order().SequenceEqual(otlpFields.Keys.Order()),
                    $"{request.Name}: fields differ.{Environment.NewLine}stdout: {string.Join(", ", stdoutFields.Keys.Order())}"
                    + $"{Environment.NewLine}OTLP:   {string.Join(", ", otlpFields.Keys.Order())}");
                foreach (var (key, value) in stdoutFields)
                {
                    Assert.True(SinkRecord.SameValue(value, otlpFields[key]), $"{request.Name}: {key} is {value} on stdout, {otlpFields[key]} over OTLP");
                }
            }
        }
    }

    [Fact]
    public async Task No_secret_of_the_flow_reaches_any_sink()
    {
        var flow = await fixture.FlowAsync();
        // Wait for the last request's records, so the scan covers everything the flow caused.
        foreach (var request in flow.Requests)
        {
            await fixture.RequestAsync(request.Marker);
        }

        Assert.Contains(flow.Cookies.Keys, name => name.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.NotEmpty(flow.FormTokens);
        foreach (var (what, value) in flow.Canaries)
        {
            Assert.True(value.Length >= 16, $"{what} is too short to be a meaningful canary: '{value}'");
            AssertNowhere(what, value);
        }

        var tokenRequest = await fixture.RequestAsync(flow["query token"].Marker);
        foreach (var sink in s_sinks)
        {
            var query = tokenRequest.Start(sink).Text("url.query");
            Assert.Equal($"token=REDACTED&{BoardWebFixture.MarkerKey}={flow["query token"].Marker}", query);
        }
    }

    [Fact]
    public async Task X_Forwarded_For_from_an_untrusted_peer_is_ignored_on_both_sinks()
    {
        var flow = await fixture.FlowAsync();
        var logs = await fixture.RequestAsync(flow["forwarded for"].Marker);
        foreach (var sink in s_sinks)
        {
            var start = logs.Start(sink);
            Assert.Equal("127.0.0.1", start.Text("client.address"));
            Assert.Equal("127.0.0.1", start.Text("network.peer.address"));
            Assert.Null(logs.End(sink).Text("client.address"));
            Assert.DoesNotContain(logs.In(sink), r => r.Raw.Contains(BoardFlow.ForgedClientAddress, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Stdout_holds_only_JSON_lines_and_stderr_stays_empty()
    {
        await fixture.FlowAsync();
        Assert.Empty(fixture.UnparsedStdoutLines());
        Assert.Empty(fixture.App.StandardError);
    }

    /// <summary>Asserts <paramref name="value"/> is in no stdout or stderr line and in no OTLP payload (logs, traces, metrics).</summary>
    private void AssertNowhere(string what, string value)
    {
        var line = fixture.App.Output.FirstOrDefault(l => l.Text.Contains(value, StringComparison.Ordinal));
        Assert.True(line is null, $"The {what} appears on {line?.Stream}: {line?.Text}");
        var payload = fixture.Receiver.Payloads.FirstOrDefault(p => p.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0);
        Assert.True(payload is null, $"The {what} was exported in an OTLP {payload?.Signal} payload over {payload?.Transport}.");
        Assert.False(fixture.Receiver.AnyPayloadContains(value));
    }
}

public sealed class GrpcRequestLoggingTests(GrpcBoardWeb fixture)
    : RequestLoggingTests<GrpcBoardWeb>(fixture), IClassFixture<GrpcBoardWeb>;

public sealed class HttpProtobufRequestLoggingTests(HttpProtobufBoardWeb fixture)
    : RequestLoggingTests<HttpProtobufBoardWeb>(fixture), IClassFixture<HttpProtobufBoardWeb>;
