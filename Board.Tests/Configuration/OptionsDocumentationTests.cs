using System.Collections;
using System.Reflection;
using Board.ServiceDefaults;
using Board.Tests.Collector;

namespace Board.Tests.Configuration;

/// <summary>docs/logging.md, "Every option", has a row for every setting <see cref="LoggingOptions"/> binds.</summary>
public sealed class OptionsDocumentationTests
{
    [Fact]
    public void Every_bindable_option_has_a_row_in_the_table()
    {
        var docs = RepoFiles.Read("docs", "logging.md");
        var table = docs[docs.IndexOf("## Every option", StringComparison.Ordinal)..];
        var keys = Keys(typeof(LoggingOptions), "").ToList();

        Assert.Contains("Requests:HeldRecords:MinLevel", keys);
        Assert.All(keys, key => Assert.True(table.Contains($"| `{key}` |", StringComparison.Ordinal), $"{key} has no row in docs/logging.md, \"Every option\""));
    }

    // The configuration keys the binder fills: a settable public property, or the settings of an options class below it.
    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = prefix + property.Name;
            var nested = property.PropertyType;
            if (nested.IsClass && nested != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(nested))
            {
                foreach (var inner in Keys(nested, key + ":"))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return key;
            }
        }
    }
}
