using System.ComponentModel.DataAnnotations;
using Board.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages.Account;

public sealed class LoginModel(SignInManager<BoardUser> signIn, ILogger<LoginModel> logger) : PageModel
{
    public const string LockedOutMessage = "This account is locked after too many failed attempts. Try again in a few minutes.";
    public const string InvalidMessage = "The email or password is not correct.";

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

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
        // lockoutOnFailure: every wrong password counts towards the lockout, which is what slows down guessing.
        var result = await signIn.PasswordSignInAsync(email, Input.Password, Input.RememberMe, lockoutOnFailure: true);

        if (result.Succeeded)
        {
            using (logger.BeginScope(new Dictionary<string, object?> { ["user.email"] = email }))
            {
                logger.LogInformation("User {user.email} logged in", email);
            }

            // Only ever back into this site: a ReturnUrl pointing elsewhere would make the login page an open redirect.
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        if (result.IsLockedOut)
        {
            logger.LogWarning("Login refused for {user.email}: account locked out", email);
            ModelState.AddModelError(string.Empty, LockedOutMessage);
        }
        else
        {
            logger.LogWarning("Login failed for {user.email}", email);
            // The same message for an unknown email and a wrong password, so the form does not reveal who has an account.
            ModelState.AddModelError(string.Empty, InvalidMessage);
        }

        // 422 like any other refused form, not 401: that status promises a WWW-Authenticate challenge a login form
        // does not have. A lockout is the same answer with its own message.
        return this.RefusedForm();
    }

    public sealed class LoginInput
    {
        [Required, EmailAddress]
        public string Email { get; set; } = "";

        [Required, DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Display(Name = "Remember me")]
        public bool RememberMe { get; set; }
    }
}
