using System.Text;

namespace Board.Web.Data;

/// <summary>
/// The one measure of a text's length that every rule on the board uses, the forms', Identity's and the database's:
/// Unicode code points, which SQLite's <c>length()</c> counts in the CHECK constraints. Not UTF-16 units, which
/// <c>string.Length</c> counts: a letter outside the Basic Multilingual Plane ("𠀀", "𝐀") is two of them, so a rule
/// counting units and a database counting code points disagree on every such name, and the save fails with an error
/// where the form should have answered. Not grapheme clusters either ("é" typed as e + accent): their rules change
/// with each Unicode version and the database cannot count them; names are composed (NFC) before they are counted,
/// so the common case reads as one.
/// </summary>
public static class TextLength
{
    /// <summary>Code points in <paramref name="text"/>; a lone surrogate counts as one (it is stored as U+FFFD).</summary>
    public static int Of(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
