using Board.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages.Account;

/// <summary>
/// Logging out is a POST with an anti-forgery token; a GET only shows the button, so another site
/// cannot log a user out with an image tag.
/// </summary>
public sealed class LogoutModel(SignInManager<BoardUser> signIn, ILogger<LogoutModel> logger) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var email = User.Identity?.Name;
        await signIn.SignOutAsync();
        if (email is not null)
        {
            using (logger.BeginScope(new Dictionary<string, object?> { ["user.email"] = email }))
            {
                logger.LogInformation("User {user.email} logged out", email);
            }
        }

        return LocalRedirect("/");
    }
}
