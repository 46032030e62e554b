using System.ComponentModel.DataAnnotations;

namespace Board.Web.Pages;

/// <summary>
/// Refuses text with control characters (NUL, escape, ...). Nobody means them in a form, and the database's length
/// checks count only up to a NUL, so without this the save fails with an error instead of the form with a message.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NoControlCharactersAttribute() : ValidationAttribute("The {0} field cannot contain control characters.")
{
    /// <summary>Allows tabs and line breaks, for text written in a multi-line box.</summary>
    public bool Multiline { get; init; }

    public override bool IsValid(object? value) =>
        value is not string text || !text.Any(c => char.IsControl(c) && !(Multiline && (c is '\t' or '\r' or '\n')));
}
