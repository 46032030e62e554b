using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Data;

/// <summary>Turns a board name into a URL segment: lower-case ASCII letters and digits joined by dashes.</summary>
public static class SlugGenerator
{
    private const int BaseMaxLength = 80;

    public static string FromName(string name)
    {
        // Decomposing first turns "Café" into "Cafe" rather than "caf"; by compatibility, so that full-width "Ｃａｆé", the
        // mathematical "𝐂𝐚𝐟é" and the ligature in "ﬁsh" give the letters they stand for rather than nothing.
        var decomposed = name.Normalize(NormalizationForm.FormKD);
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

    /// <summary>The first of base, base-2, base-3 ... that no board in <paramref name="boards"/> has.</summary>
    public static async Task<string> MakeUniqueAsync(IQueryable<Board> boards, string baseSlug, CancellationToken cancellationToken)
    {
        // One query for every slug a suffix could collide with, rather than one per suffix tried: a popular name
        // would otherwise cost a query for each board already called that.
        var prefix = baseSlug + "-";
        var taken = await boards
            .Where(b => b.Slug == baseSlug || b.Slug.StartsWith(prefix))
            .Select(b => b.Slug)
            .ToListAsync(cancellationToken);
        return MakeUnique(baseSlug, taken);
    }

    /// <summary>The first of base, base-2, base-3 ... that is not in <paramref name="taken"/>.</summary>
    public static string MakeUnique(string baseSlug, IEnumerable<string> taken)
    {
        var takenSet = taken.ToHashSet(StringComparer.Ordinal);
        var candidate = baseSlug;
        for (var n = 2; takenSet.Contains(candidate); n++)
        {
            candidate = $"{baseSlug}-{n}";
        }

        return candidate;
    }
}
