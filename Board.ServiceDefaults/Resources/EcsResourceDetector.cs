using System.Text.Json;
using OpenTelemetry.Resources;

namespace Board.ServiceDefaults.Resources;

/// <summary>
/// On Amazon ECS, reads the task metadata endpoint (v4) once and describes the task: cloud.*, aws.ecs.*, container.id.
/// A missing, slow or malformed endpoint gives one warning and an empty resource; start-up goes on.
/// </summary>
internal sealed class EcsResourceDetector(
    string? metadataUri,
    TimeSpan timeout,
    StartupWarnings warnings,
    HttpMessageHandler? handler = null) : IResourceDetector
{
    public const string MetadataUriVariable = "ECS_CONTAINER_METADATA_URI_V4";

    // Logs, traces and metrics each build the resource: ask the endpoint once.
    private readonly Lazy<Resource> _resource = new(() => DetectOnce(metadataUri, timeout, warnings, handler));

    public Resource Detect() => _resource.Value;

    private static Resource DetectOnce(string? metadataUri, TimeSpan timeout, StartupWarnings warnings, HttpMessageHandler? handler)
    {
        if (string.IsNullOrWhiteSpace(metadataUri))
        {
            return Resource.Empty;
        }

        try
        {
            using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            client.Timeout = Timeout.InfiniteTimeSpan;
            using var cts = new CancellationTokenSource(timeout);
            var baseUri = metadataUri.TrimEnd('/');
            using var container = GetJson(client, baseUri, cts.Token);
            using var task = GetJson(client, baseUri + "/task", cts.Token);
            return new Resource(Describe(task.RootElement, container.RootElement));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException or UriFormatException)
        {
            var reason = ex is OperationCanceledException ? $"no answer within {timeout.TotalMilliseconds} ms" : ex.Message;
            warnings.Add(
                "ECS task metadata from {ecs.metadata.uri} could not be read ({error.message}); records carry no cloud.* or aws.ecs.* resource attributes",
                metadataUri,
                reason);
            return Resource.Empty;
        }
    }

    private static JsonDocument GetJson(HttpClient client, string uri, CancellationToken cancellationToken)
    {
        using var response = client.GetAsync(new Uri(uri), cancellationToken).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        using var stream = response.Content.ReadAsStream(cancellationToken);
        return JsonDocument.Parse(stream);
    }

    internal static List<KeyValuePair<string, object>> Describe(JsonElement task, JsonElement container)
    {
        var taskArn = task.GetProperty("TaskARN").GetString() ?? throw new FormatException("TaskARN is null");
        var arn = taskArn.Split(':');
        if (arn.Length < 6 || arn[0] != "arn")
        {
            throw new FormatException($"TaskARN '{taskArn}' is not an ARN");
        }

        var region = arn[3];
        var account = arn[4];
        var cluster = task.TryGetProperty("Cluster", out var c) ? c.GetString() : null;
        if (cluster is not null && !cluster.StartsWith("arn:", StringComparison.Ordinal))
        {
            cluster = $"arn:{arn[1]}:ecs:{region}:{account}:cluster/{cluster}";
        }

        var attributes = new List<KeyValuePair<string, object>>
        {
            new("cloud.provider", "aws"),
            new("cloud.platform", "aws_ecs"),
            new("cloud.region", region),
            new("cloud.account.id", account),
            new("aws.ecs.task.arn", taskArn),
            new("aws.ecs.task.id", taskArn[(taskArn.LastIndexOf('/') + 1)..]),
        };

        Add(attributes, "aws.ecs.cluster.arn", cluster);
        Add(attributes, "aws.ecs.task.family", Text(task, "Family"));
        Add(attributes, "aws.ecs.task.revision", Text(task, "Revision"));
        Add(attributes, "aws.ecs.launchtype", Text(task, "LaunchType")?.ToLowerInvariant());
        Add(attributes, "cloud.availability_zone", Text(task, "AvailabilityZone"));
        Add(attributes, "container.id", Text(container, "DockerId"));
        Add(attributes, "aws.ecs.container.arn", Text(container, "ContainerARN"));
        return attributes;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static void Add(List<KeyValuePair<string, object>> attributes, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(new(key, value));
        }
    }
}
