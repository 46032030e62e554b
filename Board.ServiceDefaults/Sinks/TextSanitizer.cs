using System.Globalization;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// String repairs shared by the pipeline: a value's text that cannot be had, and text that is too long.
/// </summary>
internal static class TextSanitizer
{
    /// <summary>What a cut value ends with.</summary>
    public const string TruncationMarker = "...[truncated]";

    /// <summary>
    /// A value's text, culture-invariant where the value is formattable. A ToString() that throws gives a placeholder
    /// naming the type and the exception instead, so that one bad value costs neither the record nor the caller.
    /// </summary>
    public static string TextOf(object value)
    {
        try
        {
            return (value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString()) ?? "";
        }
        catch (Exception ex)
        {
            return $"<{value.GetType().FullName}.ToString() threw {ex.GetType().Name}>";
        }
    }

    /// <summary>
    /// Cuts to <paramref name="maxLength"/> characters, the <see cref="TruncationMarker"/> it ends with included, never
    /// between the halves of a surrogate pair.
    /// </summary>
    public static string Truncate(string value, int maxLength)
    {
        var keep = Math.Max(0, maxLength - TruncationMarker.Length);
        if (keep > 0 && char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), TruncationMarker);
    }
}
