using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Board.Web.Pages;

// The exception handler re-executes the failed request here with its original method, so a failed POST
// must render too, without a fresh anti-forgery check.
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>Shown to the user so a support request can be matched to the logged error.</summary>
    public string? RequestId { get; private set; }

    public void OnGet() => RequestId = Activity.Current?.TraceId.ToString() ?? HttpContext.TraceIdentifier;

    public void OnPost() => OnGet();
}
