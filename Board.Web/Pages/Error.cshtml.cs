using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages;

// The exception handler re-executes the failed request here with its original method, so a failed POST, PUT or
// anything else must render too, without a fresh anti-forgery check. There are no handlers to select by method:
// what the page shows is read while it renders.
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
[AnswersEveryMethod]
public sealed class ErrorModel : PageModel
{
    /// <summary>Shown to the user so a support request can be matched to the logged error.</summary>
    public string RequestId => Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;
}
