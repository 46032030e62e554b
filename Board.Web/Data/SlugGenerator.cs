using System.Globalization;
using System.Text;

namespace Board.Web.Data;

/// <summary>Turns a board name into a URL segment: lower-case ASCII letters and digits joined by dashes.</summary>
public static class SlugGenerator
{
    private const int BaseMaxLength = 80;

    public static string FromName(string name)
    {
        // Decomposing first turns "Café" into "Cafe" rather than "caf".
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var slug = new StringBuilder(decomposed.Length);
        var pendingDash = false;

        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingDash && slug.Length > 0)
                {
                    slug.Append('-');
                }

                slug.Append(char.ToLowerInvariant(c));
                pendingDash = false;
            }
            else
            {
                pendingDash = true;
            }
        }

        var result = slug.Length > BaseMaxLength ? slug.ToString(0, BaseMaxLength).TrimEnd('-') : slug.ToString();
        // A name of only symbols or non-Latin letters still needs an address.
        return result.Length == 0 ? "board" : result;
    }

    /// <summary>The first of base, base-2, base-3 ... that <paramref name="isTaken"/> rejects.</summary>
    public static async Task<string> MakeUniqueAsync(string baseSlug, Func<string, Task<bool>> isTaken)
    {
        var candidate = baseSlug;
        for (var n = 2; await isTaken(candidate); n++)
        {
            candidate = $"{baseSlug}-{n}";
        }

        return candidate;
    }
}
