using System.ComponentModel.DataAnnotations;
using Board.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Pages.Account;

public sealed class RegisterModel(
    UserManager<IdentityUser> users,
    SignInManager<IdentityUser> signIn,
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
        // The email is the user name too, so people log in with the address they registered with.
        var user = new IdentityUser { UserName = email, Email = email };
        IdentityResult result;
        try
        {
            result = await users.CreateAsync(user, Input.Password);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Registered by someone else between Identity's duplicate check and the insert (the same form submitted
            // twice, say): the unique user name index stopped it, and the answer is the one the check would have given.
            result = IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(email));
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

    public sealed class RegisterInput
    {
        [Required, EmailAddress, StringLength(256)]
        public string Email { get; set; } = "";

        [Required, StringLength(100, MinimumLength = 8), DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Required, DataType(DataType.Password), Display(Name = "Confirm password")]
        [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
