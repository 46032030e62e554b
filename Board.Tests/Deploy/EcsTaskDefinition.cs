using System.Text.Json;
using Board.Tests.Collector;

namespace Board.Tests.Deploy;

/// <summary>deploy/ecs-task-definition.json, read as the tests need it.</summary>
internal static class EcsTaskDefinition
{
    public static JsonElement Root => JsonDocument.Parse(RepoFiles.Read("deploy", "ecs-task-definition.json")).RootElement;

    public static JsonElement Container(string name) =>
        Root.GetProperty("containerDefinitions").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name);

    public static Dictionary<string, string> EnvironmentOf(string container) =>
        Container(container).GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);

    /// <summary>The awslogs driver's group of a container.</summary>
    public static string LogGroupOf(string container) =>
        Container(container).GetProperty("logConfiguration").GetProperty("options").GetProperty("awslogs-group").GetString()!;
}
