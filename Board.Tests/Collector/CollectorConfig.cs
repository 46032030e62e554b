using System.Text;
using Board.Tests.Deploy;
using YamlDotNet.RepresentationModel;

namespace Board.Tests.Collector;

/// <summary>The repository's otel-collector-config.yaml, raw and expanded.</summary>
internal static class CollectorConfig
{
    public const string FileName = "otel-collector-config.yaml";

    public static readonly string[] Sections = ["receivers", "processors", "exporters", "extensions"];

    public static readonly string[] Pipelines = ["logs", "traces", "metrics"];

    /// <summary>What Board.AppHost gives the collector container (values as an example).</summary>
    public static readonly IReadOnlyDictionary<string, string> LocalEnvironment = new Dictionary<string, string>
    {
        ["ASPIRE_ENDPOINT"] = "https://host.docker.internal:21000",
        ["ASPIRE_API_KEY"] = "local-api-key",
        ["ASPIRE_INSECURE"] = "false",
    };

    /// <summary>What deploy/ecs-task-definition.json gives the ADOT sidecar, in a region of example.</summary>
    public static IReadOnlyDictionary<string, string> AwsEnvironment =>
        new Dictionary<string, string>(EcsTaskDefinition.EnvironmentOf("otel-collector")) { ["AWS_REGION"] = "eu-west-1" };

    public static string Text => RepoFiles.Read(FileName);

    public static int SizeInBytes => Encoding.UTF8.GetByteCount(Text);

    public static YamlMappingNode Raw
    {
        get
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Text));
            return (YamlMappingNode)stream.Documents[0].RootNode;
        }
    }

    public static Dictionary<string, object?> Expand(IReadOnlyDictionary<string, string> environment) =>
        (Dictionary<string, object?>)ConfmapExpander.Expand(Text, environment)!;

    public static Dictionary<string, object?> Map(this Dictionary<string, object?> map, params string[] path)
    {
        var current = map;
        foreach (var key in path)
        {
            Assert.True(current.TryGetValue(key, out var next), $"missing key {string.Join("::", path)}");
            current = Assert.IsType<Dictionary<string, object?>>(next);
        }

        return current;
    }

    public static List<string> Names(this Dictionary<string, object?> map, string key)
    {
        Assert.True(map.TryGetValue(key, out var value), $"missing key {key}");
        var list = Assert.IsType<List<object?>>(value);
        return list.Select(item => Assert.IsType<string>(item)).ToList();
    }
}
