using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Board.Tests.Collector;

/// <summary>
/// A small model of how the collector's confmap (go.opentelemetry.io/collector/confmap v1.62, as used by
/// otelcol-contrib 0.156.0 and ADOT v0.49.0) expands <c>${env:VAR}</c>, <c>${env:VAR:-default}</c> and <c>${VAR}</c>
/// in a parsed YAML document:
/// <list type="bullet">
/// <item>a scalar that is exactly one reference becomes the YAML-parsed value (so <c>[a, b]</c> becomes a list);</item>
/// <item>references embedded in a longer scalar are replaced by their text, and must not be lists or maps;</item>
/// <item>the default applies only when the variable is unset; <c>$$</c> is a literal <c>$</c>;</item>
/// <item>mapping keys are not expanded.</item>
/// </list>
/// The result is a plain tree: <c>Dictionary&lt;string, object?&gt;</c>, <c>List&lt;object?&gt;</c>, <c>string</c> or null.
/// </summary>
internal static partial class ConfmapExpander
{
    [GeneratedRegex(@"\$\$|\$\{(?:env:)?(?<name>[^}:]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Reference();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex ValidName();

    public static object? Expand(string yaml, IReadOnlyDictionary<string, string> environment)
    {
        var root = Load(yaml) ?? throw new InvalidOperationException("empty document");
        return ExpandNode(root, environment);
    }

    /// <summary>Converts a YAML node without expanding anything.</summary>
    public static object? ToTree(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => ToTree(kv.Value)),
        YamlSequenceNode seq => seq.Children.Select(ToTree).ToList(),
        YamlScalarNode scalar => ScalarValue(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static object? ExpandNode(YamlNode node, IReadOnlyDictionary<string, string> environment) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => ExpandNode(kv.Value, environment)),
        YamlSequenceNode seq => seq.Children.Select(child => ExpandNode(child, environment)).ToList(),
        YamlScalarNode scalar => ExpandScalar(scalar, environment),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static object? ExpandScalar(YamlScalarNode scalar, IReadOnlyDictionary<string, string> environment)
    {
        var text = scalar.Value ?? "";
        var matches = Reference().Matches(text);
        if (matches.Count == 0)
        {
            return ScalarValue(scalar);
        }

        if (matches.Count == 1 && matches[0].Length == text.Length && matches[0].Value != "$$")
        {
            // The whole scalar is one reference: "the return value can be anything".
            var raw = Lookup(matches[0], environment);
            return raw is null ? null : ParseValue(raw);
        }

        var result = new StringBuilder();
        var last = 0;
        foreach (Match match in matches)
        {
            result.Append(text, last, match.Index - last);
            if (match.Value == "$$")
            {
                result.Append('$');
            }
            else
            {
                var raw = Lookup(match, environment) ?? "";
                if (ParseValue(raw) is not (null or string))
                {
                    throw new InvalidOperationException(
                        $"expanding {match.Value} in \"{text}\": a list or map cannot be embedded in a string");
                }

                result.Append(raw);
            }

            last = match.Index + match.Length;
        }

        result.Append(text, last, text.Length - last);
        return result.ToString();
    }

    private static string? Lookup(Match reference, IReadOnlyDictionary<string, string> environment)
    {
        var name = reference.Groups["name"].Value;
        if (!ValidName().IsMatch(name))
        {
            throw new InvalidOperationException($"environment variable \"{name}\" has an invalid name");
        }

        if (environment.TryGetValue(name, out var value))
        {
            return value;
        }

        return reference.Groups["default"].Success ? reference.Groups["default"].Value : null;
    }

    private static object? ParseValue(string raw)
    {
        if (raw.Length == 0)
        {
            return "";
        }

        var node = Load(raw);
        return node is null ? null : ToTree(node);
    }

    private static YamlNode? Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static string? ScalarValue(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "" or "~" or "null" ? null : scalar.Value;
}
