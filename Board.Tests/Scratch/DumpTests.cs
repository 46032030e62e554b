using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Board.Tests.Collector;
using Board.Tests.Otlp;

namespace Board.Tests.Scratch;

[Collection(CloudWatchEventsCollection.Name)]
public sealed class DumpTests(CloudWatchEventsFixture fixture)
{
    private static JsonNode Typed(object? v) => v switch
    {
        string s => new JsonObject { ["t"] = "s", ["v"] = s },
        long l => new JsonObject { ["t"] = "i", ["v"] = l.ToString(CultureInfo.InvariantCulture) },
        double d => new JsonObject { ["t"] = "d", ["v"] = d.ToString("R", CultureInfo.InvariantCulture) },
        bool b => new JsonObject { ["t"] = "b", ["v"] = b ? "true" : "false" },
        byte[] bytes => new JsonObject { ["t"] = "y", ["v"] = Convert.ToBase64String(bytes) },
        IReadOnlyDictionary<string, object?> m => new JsonObject { ["t"] = "m", ["m"] = Map(m) },
        IEnumerable<object?> a => new JsonObject { ["t"] = "a", ["a"] = new JsonArray(a.Select(Typed).ToArray()) },
        null => new JsonObject { ["t"] = "n" },
        _ => throw new NotSupportedException(),
    };

    private static JsonObject Map(IReadOnlyDictionary<string, object?> m)
    {
        var o = new JsonObject();
        foreach (var (k, v) in m) o[k] = Typed(v);
        return o;
    }

    private static JsonObject Record(ReceivedLogRecord r, string expected) => new()
    {
        ["body"] = Typed(r.BodyValue), ["sn"] = r.SeverityNumber, ["st"] = r.SeverityText, ["dac"] = r.DroppedAttributesCount,
        ["flags"] = r.Flags, ["tid"] = r.TraceId ?? "", ["sid"] = r.SpanId ?? "", ["attrs"] = Map(r.Attributes),
        ["scope"] = r.ScopeName, ["sv"] = r.ScopeVersion ?? "", ["sattrs"] = Map(r.ScopeAttributes), ["res"] = Map(r.ResourceAttributes),
        ["expected"] = expected,
    };

    [Fact]
    public void Dump()
    {
        var all = new JsonArray();
        var config = CloudWatchEventsFixture.AwsConfig;
        var processors = config.Map("service", "pipelines", "logs").Names("processors");
        foreach (var req in fixture.Requests)
        {
            foreach (var rec in new[] { req.Start, req.End })
            {
                var p = CollectorLogsPipeline.Apply(config, processors, rec, new Dictionary<string, object?>());
                all.Add(Record(p, CloudWatchLogsEvent.Message(p)));
                all.Add(Record(rec, CloudWatchLogsEvent.Message(rec)));
            }
        }

        // A synthetic record with every kind of value.
        var synthetic = fixture.Requests[0].End with
        {
            BodyValue = new Dictionary<string, object?> { ["z"] = 1L, ["a"] = new List<object?> { "x<y>&z", 0.1, true, null }, ["é"] = "\u2028\u2029\u0001\n\t\r\"\\" },
            SeverityNumber = 0, SeverityText = "", DroppedAttributesCount = 3, Flags = 0, SpanId = null,
            ScopeVersion = "1.2", ScopeAttributes = new Dictionary<string, object?> { ["k"] = "v" },
            Attributes = new Dictionary<string, object?>
            {
                ["f1"] = 1e-7, ["f2"] = 1e21, ["f3"] = 123456789.0, ["f4"] = 1.5e300, ["f5"] = 0.000001, ["f6"] = 12.5e-10, ["f7"] = 999999999999999999999.0,
                ["f8"] = -3.25, ["f9"] = 5e-324, ["i"] = -42L, ["bytes"] = new byte[] { 0, 1, 2, 250 }, ["Zed"] = "upper", ["ä"] = "u", ["\uE000"] = "pua", ["😀"] = "astral", ["empty"] = new List<object?>(),
                ["nested"] = new Dictionary<string, object?> { ["b"] = 2L, ["a"] = 1L },
            },
            ResourceAttributes = new Dictionary<string, object?>(),
        };
        all.Add(Record(synthetic, CloudWatchLogsEvent.Message(synthetic)));
        File.WriteAllText("/tmp/x/records.json", all.ToJsonString());
    }
}
