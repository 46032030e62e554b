using System.Text.RegularExpressions;

namespace Board.Tests.Collector;

/// <summary>
/// The attribute actions of the resource and attributes processors (contrib
/// internal/coreinternal/attraction/attraction.go <c>AttrProc.Process</c>), applied in order to one attribute map:
/// <c>delete</c> removes <c>key</c> and every key <c>pattern</c> matches (Go's <c>MatchString</c>: anywhere in the
/// key); <c>insert</c> sets <c>key</c> only where it is missing, <c>update</c> only where it is present, <c>upsert</c>
/// either way, each from <c>value</c> or <c>from_attribute</c> (nothing happens when that attribute is missing);
/// <c>extract</c> sets one attribute per named group of <c>pattern</c> from the string value of <c>key</c>, when it
/// matches (<c>extractAttributes</c>).
/// Any other action, or a value source this model does not know, is refused rather than guessed.
/// </summary>
internal static class AttributeActions
{
    public static Dictionary<string, object?> Apply(IEnumerable<object?> actions, IReadOnlyDictionary<string, object?> attributes)
    {
        var result = new Dictionary<string, object?>(attributes, StringComparer.Ordinal);
        foreach (var item in actions)
        {
            var action = Assert.IsType<Dictionary<string, object?>>(item);
            var key = Text(action, "key");
            var kind = (Text(action, "action") ?? "").ToLowerInvariant();
            switch (kind)
            {
                case "delete":
                    if (key is not null)
                    {
                        result.Remove(key);
                    }

                    if (Text(action, "pattern") is { } pattern)
                    {
                        // The patterns used here are in the syntax RE2 and .NET share (no lookaround, no backreference).
                        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
                        foreach (var name in result.Keys.Where(name => regex.IsMatch(name)).ToList())
                        {
                            result.Remove(name);
                        }
                    }

                    break;
                case "extract":
                    // Named groups only (the processor refuses others); each one found is set, overwriting.
                    if (key is null || !result.TryGetValue(key, out var original) || original is not string source)
                    {
                        break;
                    }

                    var extraction = new Regex(Assert.IsType<string>(Text(action, "pattern")), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
                    var match = extraction.Match(source);
                    if (match.Success)
                    {
                        foreach (var group in match.Groups.Values.Skip(1))
                        {
                            result[group.Name] = group.Value;
                        }
                    }

                    break;
                case "insert" or "update" or "upsert":
                    Assert.NotNull(key);
                    if (!TryGetSource(action, result, out var value))
                    {
                        break;
                    }

                    var present = result.ContainsKey(key);
                    if ((kind == "insert" && !present) || (kind == "update" && present) || kind == "upsert")
                    {
                        result[key] = value;
                    }

                    break;
                default:
                    throw new NotSupportedException($"attribute action '{kind}' is not modelled; model it before the config uses it");
            }
        }

        return result;
    }

    private static bool TryGetSource(Dictionary<string, object?> action, Dictionary<string, object?> attributes, out object? value)
    {
        if (Text(action, "from_attribute") is { } from)
        {
            return attributes.TryGetValue(from, out value);
        }

        if (action.ContainsKey("from_context") || action.ContainsKey("default_value"))
        {
            throw new NotSupportedException("from_context and default_value are not modelled");
        }

        // A YAML scalar as the expander gives it; the collector would infer bool/int/double, which no action here uses.
        value = Assert.IsType<string>(action["value"]);
        return true;
    }

    private static string? Text(Dictionary<string, object?> action, string name) =>
        action.TryGetValue(name, out var value) ? (string?)value : null;
}
