using System.ComponentModel.DataAnnotations;
using Board.Web.Data;

namespace Board.Web.Pages;

/// <summary>
/// <see cref="StringLengthAttribute"/>, its messages included, with the length counted in code points
/// (<see cref="TextLength"/>), as the database's CHECK constraints count it, rather than in UTF-16 units.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CodePointLengthAttribute(int maximumLength) : StringLengthAttribute(maximumLength)
{
    // The base, given null, only checks its own settings (a minimum above the maximum throws) and says valid.
    public override bool IsValid(object? value) =>
        base.IsValid(null) && (value is not string text || TextLength.Of(text) is var length && length >= MinimumLength && length <= MaximumLength);
}
