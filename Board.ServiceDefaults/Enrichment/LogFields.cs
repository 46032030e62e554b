using System.Collections;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Logging;

/// <summary>
/// <c>logger.BeginFields(("user.email", email))</c>: the fields are on every record written inside the scope. Same as
/// a dictionary scope, shorter at the call site, and safe from <c>BeginScope("user.email", email)</c>, which is a
/// message template with no placeholder and gives no field at all.
/// </summary>
public static class LogFields
{
    public static IDisposable? BeginFields(this ILogger logger, params (string Key, object? Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new FieldScope(fields));
    }

    private sealed class FieldScope((string Key, object? Value)[] fields) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => fields.Length;

        public KeyValuePair<string, object?> this[int index] => new(fields[index].Key, fields[index].Value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            foreach (var (key, value) in fields)
            {
                yield return new(key, value);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(", ", fields.Select(f => $"{f.Key}={f.Value}"));
    }
}
