using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages;

/// <summary>
/// The page shown for an empty error response (404 for an unknown board or post, 403, 400, 405 ...), via
/// UseStatusCodePagesWithReExecute. The original status code is kept.
/// </summary>
// Re-execution keeps the original method, so a POST that ended in 404 lands here as a POST, and a PUT refused
// with 405 as a PUT. There are no handlers to select by method: the code is described once the (absent) handler is
// selected, whatever the method.
[IgnoreAntiforgeryToken]
[AnswersEveryMethod]
public sealed class StatusModel : PageModel
{
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public override void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
        // The route's int constraint has already refused anything else.
        var code = Convert.ToInt32(RouteData.Values["code"], CultureInfo.InvariantCulture);

        // Reached directly (/Status/404) rather than by re-execution: answer with the client error it describes. A
        // server error is not echoed: anyone could otherwise write 5xx END entries and set off the error alarms.
        if (HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            code = code is >= 400 and <= 499 ? code : StatusCodes.Status404NotFound;
            Response.StatusCode = code;
        }

        (Heading, Explanation) = code switch
        {
            StatusCodes.Status404NotFound => ("Not found", "There is no board or post at this address."),
            StatusCodes.Status403Forbidden => ("Not allowed", "You can only change what you wrote yourself."),
            StatusCodes.Status400BadRequest => ("Bad request", "The request could not be understood. If you submitted a form, reload the page and try again."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", "This address does not accept that kind of request."),
            _ => ($"Error {code}", "The request could not be completed."),
        };
        if (HttpContext.Items[UnreadableFormMiddleware.ReasonKey] is string reason)
        {
            Explanation = reason;
        }
    }
}
