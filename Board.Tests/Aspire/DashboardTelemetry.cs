using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Board.Tests.AspireHost;

/// <summary>One log record as the dashboard's telemetry API returns it (OTLP JSON; every attribute a string).</summary>
public sealed record DashboardLogRecord(
    string Scope,
    string Body,
    string SeverityText,
    string? EventName,
    string? TraceId,
    string? SpanId,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> Resource,
    string Raw)
{
    public string? this[string key] => Attributes.GetValueOrDefault(key);

    public override string ToString() => Raw;
}

/// <summary>
/// The Aspire dashboard's HTTP telemetry API (<c>/api/telemetry/...</c>), signed in the way a user's tool is: the
/// login URL's token is exchanged for an API key at <c>validateToken</c>, then sent as <c>x-api-key</c>.
/// </summary>
public sealed class DashboardTelemetry : IDisposable
{
    private readonly HttpClient _http;

    private DashboardTelemetry(HttpClient http) => _http = http;

    /// <summary>Everything the API returned so far, as text, for scans that nothing secret reached the dashboard.</summary>
    public List<string> Responses { get; } = [];

    public static async Task<DashboardTelemetry> SignInAsync(Uri loginUrl, CancellationToken cancellationToken)
    {
        var token = System.Web.HttpUtility.ParseQueryString(loginUrl.Query)["t"]
            ?? throw new InvalidOperationException($"The dashboard login URL has no token: {loginUrl}");
        var http = new HttpClient { BaseAddress = new Uri(loginUrl.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("/api/telemetry/validateToken", new { token }, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"validateToken answered {(int)response.StatusCode}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        http.DefaultRequestHeaders.Add("x-api-key", body.RootElement.GetProperty("apiKey").GetString());
        return new DashboardTelemetry(http);
    }

    /// <summary>The body of a GET, or null for 404 (the API's answer for a resource that has sent nothing yet).</summary>
    public async Task<string?> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(pathAndQuery, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery} answered {(int)response.StatusCode}: {text}");
        Responses.Add(text);
        return text;
    }

    /// <summary>Polls a GET until it is found, for what is exported in batches; the wait ends with the test's cancellation.</summary>
    public async Task<string> WaitForAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        (await PollAsync(
            () => GetAsync(pathAndQuery, cancellationToken),
            text => text is not null,
            _ => $"The dashboard never answered GET {pathAndQuery} with anything but 404.",
            cancellationToken))!;

    /// <summary>The resource's log records, oldest first.</summary>
    public async Task<IReadOnlyList<DashboardLogRecord>> LogsAsync(string resource, CancellationToken cancellationToken)
    {
        var text = await GetAsync($"/api/telemetry/logs?resource={Uri.EscapeDataString(resource)}&limit=10000", cancellationToken);
        return text is null ? [] : ParseLogs(text);
    }

    /// <summary>Polls <see cref="LogsAsync"/> until <paramref name="complete"/> holds for what it returned.</summary>
    public Task<IReadOnlyList<DashboardLogRecord>> WaitForLogsAsync(
        string resource, Func<IReadOnlyList<DashboardLogRecord>, bool> complete, CancellationToken cancellationToken) =>
        PollAsync(
            () => LogsAsync(resource, cancellationToken),
            complete,
            records => $"The dashboard never had what the test waits for; its {records?.Count ?? 0} records of {resource}:\n"
                + string.Join("\n", (records ?? []).Select(r => $"{r.Scope} {r.EventName} {r.Body} {r["url.query"]}")),
            cancellationToken);

    // The app exports in batches (logs every second); the wait ends with the test's cancellation, which fails the
    // test with what was last seen.
    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<T?, string> failure, CancellationToken cancellationToken)
    {
        T? last = default;
        try
        {
            while (true)
            {
                last = await read();
                if (done(last))
                {
                    return last;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Assert.Fail(failure(last));
            throw;
        }
    }

    public static IReadOnlyList<DashboardLogRecord> ParseLogs(string json)
    {
        using var document = JsonDocument.Parse(json);
        var records = new List<DashboardLogRecord>();
        foreach (var resourceLogs in document.RootElement.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            var resource = resourceLogs.TryGetProperty("resource", out var r) ? Attributes(r) : new Dictionary<string, string>();
            foreach (var scopeLogs in resourceLogs.GetProperty("scopeLogs").EnumerateArray())
            {
                var scope = scopeLogs.TryGetProperty("scope", out var sc) ? Text(sc, "name") ?? "" : "";
                foreach (var record in scopeLogs.GetProperty("logRecords").EnumerateArray())
                {
                    records.Add(new DashboardLogRecord(
                        Scope: scope,
                        Body: record.TryGetProperty("body", out var body) && body.TryGetProperty("stringValue", out var s) ? s.GetString() ?? "" : "",
                        SeverityText: Text(record, "severityText") ?? "",
                        EventName: Text(record, "eventName"),
                        TraceId: Text(record, "traceId"),
                        SpanId: Text(record, "spanId"),
                        Attributes: Attributes(record),
                        Resource: resource,
                        Raw: record.GetRawText()));
                }
            }
        }

        return records;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                attributes[attribute.GetProperty("key").GetString()!] =
                    value.TryGetProperty("stringValue", out var s) ? s.GetString() ?? "" : value.GetRawText();
            }
        }

        return attributes;
    }

    public void Dispose() => _http.Dispose();
}
