using Board.Tests.Otlp;

namespace Board.Tests.Collector;

/// <summary>
/// What the processors of the collector's logs pipeline, as an expanded otel-collector-config.yaml lists them, do to
/// one record before an exporter sees it. memory_limiter and batch pass records on unchanged (they refuse or group
/// whole requests); resource_detection adds what its detectors found to the resource, keeping what the record already
/// has unless <c>override</c> is true; resource and attributes apply their actions (<see cref="AttributeActions"/>).
/// A processor this model does not know fails the caller instead of being skipped.
/// </summary>
internal static class CollectorLogsPipeline
{
    public static ReceivedLogRecord Apply(
        Dictionary<string, object?> config,
        IEnumerable<string> processors,
        ReceivedLogRecord record,
        IReadOnlyDictionary<string, object?> detected)
    {
        foreach (var id in processors)
        {
            var settings = config.Map("processors", id);
            switch (id.Split('/')[0])
            {
                case "memory_limiter" or "batch":
                    break;
                case "resource_detection":
                    var overrides = settings.TryGetValue("override", out var value) && (string?)value == "true";
                    var resource = new Dictionary<string, object?>(record.ResourceAttributes, StringComparer.Ordinal);
                    foreach (var (key, detectedValue) in detected)
                    {
                        if (overrides || !resource.ContainsKey(key))
                        {
                            resource[key] = detectedValue;
                        }
                    }

                    record = record with { ResourceAttributes = resource };
                    break;
                case "resource":
                    record = record with { ResourceAttributes = AttributeActions.Apply(List(settings, "attributes"), record.ResourceAttributes) };
                    break;
                case "attributes":
                    Assert.False(settings.ContainsKey("include") || settings.ContainsKey("exclude"), $"{id}: include/exclude are not modelled");
                    record = record with { Attributes = AttributeActions.Apply(List(settings, "actions"), record.Attributes) };
                    break;
                default:
                    throw new NotSupportedException($"processor {id} is not modelled for logs");
            }
        }

        return record;
    }

    private static List<object?> List(Dictionary<string, object?> settings, string key) =>
        Assert.IsType<List<object?>>(settings[key]);
}
