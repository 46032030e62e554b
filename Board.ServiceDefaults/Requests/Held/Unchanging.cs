using System.Collections.Concurrent;
using System.Reflection;

namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// Whether nothing reachable from an object can change once it is made, so a held record may keep it instead of a
/// copy. Decided once per type, from its fields: every one read-only (in a class) and of a type that cannot change
/// either. That covers the states of LoggerMessage.Define, of the logging source generator and of most framework
/// scopes; FormattedLogValues (an object[] of arguments) and dictionaries are copied.
/// </summary>
/// <remarks>Note: the cache relies on a type's fields never changing, which holds for loaded types.</remarks>
internal static class Unchanging
{
    private static readonly ConcurrentDictionary<Type, bool> s_types = new();

    // Its fields are the format string and a List of names, filled once when it is made and never changed again.
    private const string LogValuesFormatter = "Microsoft.Extensions.Logging.LogValuesFormatter";

    public static bool Holds(object? value) => value is null || Type(value.GetType());

    /// <summary>For a struct state, decided without boxing it.</summary>
    public static bool Of<T>() => Cache<T>.Value;

    /// <summary>A value that is its own copy: strings, numbers, enums, dates, GUIDs and the like.</summary>
    public static bool IsValueType(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(DateOnly)
        || type == typeof(TimeOnly) || type == typeof(Uri) || type == typeof(Version)
        || (Nullable.GetUnderlyingType(type) is { } underlying && IsValueType(underlying));

    private static class Cache<T>
    {
        public static readonly bool Value = Type(typeof(T));
    }

    private static bool Type(Type type) => s_types.GetOrAdd(type, static t => Decide(t, depth: 0));

    private static bool Decide(Type type, int depth)
    {
        if (IsValueType(type) || type.FullName == LogValuesFormatter)
        {
            return true;
        }

        // object, interfaces, arrays and open hierarchies may hold anything; a deep graph is not worth proving.
        if (depth > 4 || type == typeof(object) || type.IsInterface || type.IsArray || (!type.IsValueType && !type.IsSealed))
        {
            return false;
        }

        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // A struct is copied into the record whole; a class's field could be set again later.
                if ((!type.IsValueType && !field.IsInitOnly) || !Decide(field.FieldType, depth + 1))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
