using System.ComponentModel.DataAnnotations;
using Board.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Pages.Account;

public sealed class RegisterModel(
    UserManager<BoardUser> users,
    SignInManager<BoardUser> signIn,
    ILogger<RegisterModel> logger) : PageModel
{
    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return this.RefusedForm();
        }

        var email = Input.Email.Trim();
        // The email is the user name too, so people log in with the address they registered with. The display name is
        // what others see; Identity's DisplayNameValidator checks its rules and that nobody holds it.
        var user = new BoardUser { UserName = email, Email = email, DisplayName = DisplayNames.Clean(Input.DisplayName) };
        IdentityResult result;
        try
        {
            result = await users.CreateAsync(user, Input.Password);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Registered by someone else between Identity's duplicate checks and the insert (the same form submitted
            // twice, say): a unique index stopped it, and the answer is the one the checks would have given.
            result = await RaceLostAsync(user);
        }
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                // Duplicate user name and duplicate email say the same thing for us; show it once.
                if (error.Code == nameof(IdentityErrorDescriber.DuplicateUserName))
                {
                    continue;
                }

                var field = error.Code.StartsWith("Password", StringComparison.Ordinal) ? $"{nameof(Input)}.{nameof(Input.Password)}"
                    : error.Code.Contains("DisplayName", StringComparison.Ordinal) ? $"{nameof(Input)}.{nameof(Input.DisplayName)}"
                    : error.Code.Contains("Email", StringComparison.Ordinal) ? $"{nameof(Input)}.{nameof(Input.Email)}"
                    : string.Empty;
                ModelState.AddModelError(field, error.Description);
            }

            return this.RefusedForm();
        }

        using (logger.BeginFields(("user.email", email), ("user.id", user.Id)))
        {
            logger.LogInformation("User {user.email} registered", email);
        }

        await signIn.SignInAsync(user, isPersistent: false);
        return LocalRedirect("/");
    }

    /// <summary>Which unique index the insert ran into: the display name's, the email's, or both.</summary>
    private async Task<IdentityResult> RaceLostAsync(BoardUser user)
    {
        var errors = new List<IdentityError>();
        if (await DisplayNameValidator.IsTakenAsync(users, user))
        {
            errors.Add(DisplayNameValidator.Taken());
        }

        if (errors.Count == 0 || await users.Users.AnyAsync(u => u.NormalizedEmail == user.NormalizedEmail && u.Id != user.Id))
        {
            errors.Add(users.ErrorDescriber.DuplicateEmail(user.Email!));
        }

        return IdentityResult.Failed([.. errors]);
    }

    public sealed class RegisterInput
    {
        [Required, EmailAddress, CodePointLength(256)]
        public string Email { get; set; } = "";

        // Shown on every post instead of anything taken from the email. Checked here for the form's messages; the same
        // rules are checked again by Identity and, for length and '@', by the database.
        [Required, NoControlCharacters, DisplayNameRules, Display(Name = "Display name")]
        public string DisplayName { get; set; } = "";

        [Required, StringLength(100, MinimumLength = 8), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Required, DataType(DataType.Password), Display(Name = "Confirm password")]
        [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
