using System.ComponentModel.DataAnnotations;
using Board.Web.Data;

namespace Board.Web.Pages;

/// <summary>Refuses a display name that breaks <see cref="DisplayNames"/>' rules, with the rule it breaks as the message.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DisplayNameRulesAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string name && DisplayNames.Problem(DisplayNames.Clean(name)) is { } problem
            ? new ValidationResult(problem, validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
}
