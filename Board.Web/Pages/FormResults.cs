using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages;

public static class FormResults
{
    /// <summary>
    /// The form page again, with its messages, as 422 Unprocessable Content: a refused form is a bad request and gets
    /// a 4xx with the reason on the page, so the request log and any client see it was refused rather than served.
    /// </summary>
    public static PageResult RefusedForm(this PageModel page) =>
        new() { StatusCode = StatusCodes.Status422UnprocessableEntity };
}
