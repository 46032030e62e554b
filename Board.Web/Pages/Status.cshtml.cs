using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages;

/// <summary>
/// The page shown for an empty error response (404 for an unknown board or post, 403, 400 ...), via
/// UseStatusCodePagesWithReExecute. The original status code is kept.
/// </summary>
// Re-execution keeps the original method, so a POST that ended in 404 lands here as a POST.
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        (Heading, Explanation) = code switch
        {
            StatusCodes.Status404NotFound => ("Not found", "There is no board or post at this address."),
            StatusCodes.Status403Forbidden => ("Not allowed", "You can only change what you wrote yourself."),
            StatusCodes.Status400BadRequest => ("Bad request", "The request could not be understood. If you submitted a form, reload the page and try again."),
            _ => ($"Error {code}", "The request could not be completed."),
        };

        // Reached directly (/Status/404) rather than by re-execution: answer with the code it describes.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null && code is >= 400 and <= 599)
        {
            Response.StatusCode = code;
        }
    }
}
