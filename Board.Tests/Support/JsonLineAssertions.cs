using System.Text.Json;

namespace Board.Tests.Support;

public static class JsonLineAssertions
{
    public static string? Text(this JsonElement line, string field) =>
        line.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Has(this JsonElement line, string field) => line.TryGetProperty(field, out _);

    public static JsonElement Single(this IEnumerable<JsonElement> lines, string field, string value) =>
        Assert.Single(lines, l => l.Text(field) == value);

    public static IEnumerable<JsonElement> Where(this IEnumerable<JsonElement> lines, string field, string value) =>
        lines.Where(l => l.Text(field) == value);
}
