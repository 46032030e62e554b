using System.Text;
using Board.Tests.Otlp;

namespace Board.Tests.Collector;

/// <summary>
/// The CloudWatch Logs event that the awscloudwatchlogs exporter (contrib v0.156.0, without <c>raw_log</c>) makes of
/// one log record: <c>logToCWLog</c> in exporter/awscloudwatchlogsexporter/exporter.go marshals its
/// <c>cwLogBody</c> struct, every field <c>omitempty</c>, in this order: body, severity_number, severity_text,
/// dropped_attributes_count, flags, trace_id, span_id (lower-case hex, only when not empty), attributes, scope
/// (only when the scope has a name: name, version, attributes) and resource (the record's resource attributes).
/// The record's timestamp becomes the event's own timestamp, outside the message; its event name, observed time and
/// schema URLs are not written at all.
/// </summary>
internal static class CloudWatchLogsEvent
{
    /// <summary>PutLogEvents counts each event as its UTF-8 message plus 26 bytes, and so does the bill.</summary>
    public const int OverheadBytes = 26;

    public static string Message(ReceivedLogRecord record)
    {
        var members = new List<GoJson.Member>();
        // Body is `any` with omitempty: left out only when the record has none (pdata's AsRaw gives nil).
        AddIf(members, "body", record.BodyValue, record.BodyValue is not null);
        AddIf(members, "severity_number", (long)record.SeverityNumber, record.SeverityNumber != 0);
        AddIf(members, "severity_text", record.SeverityText, record.SeverityText.Length > 0);
        AddIf(members, "dropped_attributes_count", (long)record.DroppedAttributesCount, record.DroppedAttributesCount != 0);
        AddIf(members, "flags", (long)record.Flags, record.Flags != 0);
        AddIf(members, "trace_id", record.TraceId, record.TraceId is not null);
        AddIf(members, "span_id", record.SpanId, record.SpanId is not null);
        AddIf(members, "attributes", record.Attributes, record.Attributes.Count > 0);
        if (record.ScopeName.Length > 0)
        {
            var scope = new List<GoJson.Member> { new("name", record.ScopeName) };
            AddIf(scope, "version", record.ScopeVersion, record.ScopeVersion is { Length: > 0 });
            AddIf(scope, "attributes", record.ScopeAttributes, record.ScopeAttributes.Count > 0);
            members.Add(new GoJson.Member("scope", scope));
        }

        AddIf(members, "resource", record.ResourceAttributes, record.ResourceAttributes.Count > 0);
        return GoJson.Struct(members);
    }

    // exporter/awscloudwatchlogsexporter/util.go patternKeyToAttributeMap.
    private static readonly Dictionary<string, string> PlaceholderAttributes = new(StringComparer.Ordinal)
    {
        ["ClusterName"] = "aws.ecs.cluster.name",
        ["TaskId"] = "aws.ecs.task.id",
        ["NodeName"] = "k8s.node.name",
        ["PodName"] = "pod",
        ["ServiceName"] = "service.name",
        ["ContainerInstanceId"] = "aws.ecs.container.instance.id",
        ["TaskDefinitionFamily"] = "aws.ecs.task.family",
        ["InstanceId"] = "service.instance.id",
        ["FaasName"] = "faas.name",
        ["FaasVersion"] = "faas.version",
    };

    /// <summary>
    /// A configured group or stream name with its placeholders filled from the record's resource, as
    /// <c>replacePatternWithAttrValue</c> does: the attribute named like the placeholder first, then the one the
    /// placeholder stands for; <c>undefined</c> when neither is there or it is empty.
    /// </summary>
    public static string ResolveName(string configured, IReadOnlyDictionary<string, object?> resource)
    {
        foreach (var (placeholder, attribute) in PlaceholderAttributes)
        {
            var pattern = "{" + placeholder + "}";
            if (!configured.Contains(pattern, StringComparison.Ordinal))
            {
                continue;
            }

            var value = resource.TryGetValue(placeholder, out var own) ? own
                : resource.TryGetValue(attribute, out var standard) ? standard : null;
            var text = value is null ? "" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            configured = configured.Replace(pattern, text.Length > 0 ? text : "undefined", StringComparison.Ordinal);
        }

        return configured;
    }

    /// <summary>What CloudWatch counts for the event.</summary>
    public static int BilledBytes(string message) => Encoding.UTF8.GetByteCount(message) + OverheadBytes;

    private static void AddIf(List<GoJson.Member> members, string name, object? value, bool present)
    {
        if (present)
        {
            members.Add(new GoJson.Member(name, value));
        }
    }
}
