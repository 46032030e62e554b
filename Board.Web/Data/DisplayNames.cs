using System.Globalization;
using System.Text;

namespace Board.Web.Data;

/// <summary>The rules for a display name, shared by the registration form, Identity's user validation and the database.</summary>
public static class DisplayNames
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    public const string TakenMessage = "That display name is taken.";

    /// <summary>
    /// The form a name is stored in: trimmed and composed (NFC), so "é" typed as e + accent is the same letter as "é" and
    /// the length counted is the length seen.
    /// </summary>
    public static string Clean(string name) => name.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>
    /// The key uniqueness is decided on: compatibility-folded (NFKC, so full-width "ａｌｉｃｅ" is "alice") and upper-cased
    /// invariantly, so two names that read the same cannot both be taken.
    /// </summary>
    public static string Normalize(string name) => name.Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    /// <summary>Why <paramref name="name"/> (already <see cref="Clean"/>ed) cannot be a display name, or null when it can.</summary>
    /// <remarks>
    /// Its length is counted in code points (<see cref="TextLength"/>), as the database's CHECK constraint counts it, so
    /// a name of letters outside the Basic Multilingual Plane (CJK Extension B, which real names use) is allowed and
    /// measured the same by the form, Identity and the database.
    /// </remarks>
    public static string? Problem(string name)
    {
        if (TextLength.Of(name) is < MinLength or > MaxLength)
        {
            return $"A display name is {MinLength} to {MaxLength} characters long.";
        }

        if (name.Contains('@'))
        {
            // An '@' would let a name pass for an email address, which the board never shows.
            return "A display name cannot contain '@'.";
        }

        var first = true;
        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsAllowed(rune, first))
            {
                return "A display name can only contain letters, digits, spaces and the characters - _ .";
            }

            first = false;
        }

        // "..." or "- -" would read as no name at all.
        if (!name.EnumerateRunes().Any(r => IsLetterOrDigit(Rune.GetUnicodeCategory(r))))
        {
            return "A display name needs at least one letter or digit.";
        }

        return null;
    }

    // Letters and digits of any script and plane; combining marks only after another character, for scripts whose
    // letters need them. Everything else (control and format characters, symbols, other punctuation, and a lone
    // surrogate, which enumerates as U+FFFD) is refused.
    private static bool IsAllowed(Rune rune, bool first)
    {
        if (rune.Value is ' ' or '-' or '_' or '.')
        {
            return true;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return IsLetterOrDigit(category)
            || (!first && category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);
    }

    private static bool IsLetterOrDigit(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber;
}
